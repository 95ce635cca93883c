#ifndef BEAST_OAUTH_ENDPOINTS_REVOCATION_HPP
#define BEAST_OAUTH_ENDPOINTS_REVOCATION_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/endpoints/handler_base.hpp>
#include <beast_oauth/endpoints/token_lookup.hpp>
#include <memory>

namespace beast_oauth {

/** `POST` of the revocation path (RFC 7009), client-authenticated. A refresh token ends its
    whole grant (RFC 7009 2.1); only the client a token was issued to may revoke it; unknown
    tokens also answer 200 (2.2).

    @handler_contract
*/
class revocation_handler : public handler_base
{
public:
    using handler_base::handler_base;

    /// One request as a sans-io algorithm (see @ref store_op); `req` and `ctx` outlive it.
    class algorithm final : public token_lookup_request
    {
    public:
        BEAST_OAUTH_DECL algorithm(revocation_handler const& h, http_request const& req, request_context const& ctx);

    private:
        BEAST_OAUTH_DECL store_op* on_record() override;
        std::shared_ptr<token_record const> record_;
    };

    /// Answers with synchronous stores.
    BEAST_OAUTH_DECL http_response handle(http_request const& req, request_context const& ctx = {}) const;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/revocation.ipp>
#endif

#endif
