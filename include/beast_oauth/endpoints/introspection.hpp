#ifndef BEAST_OAUTH_ENDPOINTS_INTROSPECTION_HPP
#define BEAST_OAUTH_ENDPOINTS_INTROSPECTION_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/endpoints/handler_base.hpp>
#include <beast_oauth/endpoints/token_lookup.hpp>
#include <memory>

namespace beast_oauth {

/** `POST` of the introspection path (RFC 7662), for confidential clients; a client sees its
    own tokens unless `may_introspect_any` (a resource server).

    @handler_contract
*/
class introspection_handler : public handler_base
{
public:
    using handler_base::handler_base;

    /// One request as a sans-io algorithm (see @ref store_op); `req` and `ctx` outlive it.
    class algorithm final : public token_lookup_request
    {
    public:
        BEAST_OAUTH_DECL algorithm(introspection_handler const& h, http_request const& req, request_context const& ctx);

    private:
        BEAST_OAUTH_DECL store_op* on_record() override;
    };

    /// Answers with synchronous stores.
    BEAST_OAUTH_DECL http_response handle(http_request const& req, request_context const& ctx = {}) const;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/introspection.ipp>
#endif

#endif
