#ifndef BEAST_OAUTH_ENDPOINTS_PAR_HPP
#define BEAST_OAUTH_ENDPOINTS_PAR_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/endpoints/authorize.hpp>
#include <beast_oauth/endpoints/client_authentication.hpp>
#include <memory>
#include <string>

namespace beast_oauth {

/** `POST` of the pushed authorization request path (RFC 9126), client-authenticated like the
    token endpoint (public clients send their client_id, RFC 9126 2). The request is validated
    as the authorization endpoint would (redirect_uri, PKCE, scope) and answered 201 with a
    short-lived, single-use `request_uri` and `expires_in` (2.2), or an RFC 6749 5.2 JSON error
    (2.3). The request_uri is stateless: the validated request sealed with AES-256-GCM under a
    key derived from the server secret, bound to the client (see docs/design.md); the code
    store's `claim_code` keeps it to one code.

    Mount it at `server_options::par_path` (the authorization endpoint accepts request_uri only
    while that is set).

    @handler_contract
*/
class par_handler
{
public:
    BEAST_OAUTH_DECL par_handler(std::shared_ptr<server_core const> core, authorize_handler const& authorize);

    /// One request as a sans-io algorithm (see @ref store_op); `req` and `ctx` outlive it.
    class algorithm : public authenticated_request
    {
    public:
        BEAST_OAUTH_DECL algorithm(par_handler const& h, http_request const& req, request_context const& ctx);
        BEAST_OAUTH_DECL store_op* step();

    private:
        par_handler const& h_;
    };

    /// Answers with synchronous stores.
    BEAST_OAUTH_DECL http_response handle(http_request const& req, request_context const& ctx = {}) const;

    server_core const& core() const noexcept { return *core_; }

private:
    std::shared_ptr<server_core const> core_;
    authorize_handler const& authorize_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/par.ipp>
#endif

#endif
