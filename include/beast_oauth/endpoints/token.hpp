#ifndef BEAST_OAUTH_ENDPOINTS_TOKEN_HPP
#define BEAST_OAUTH_ENDPOINTS_TOKEN_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/dpop.hpp>
#include <beast_oauth/endpoints/client_authentication.hpp>
#include <beast_oauth/grants/grant_handler.hpp>
#include <boost/asio/coroutine.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace beast_oauth {

/** `POST` of the token path (RFC 6749 3.2): authenticates the client, dispatches `grant_type`
    to a registered @ref grant_handler, writes the RFC 6749 5.1 / 5.2 response.

    Built in: `authorization_code` and `refresh_token`. Register more with @ref add_grant
    before serving.

    @par Thread Safety
    `add_grant` must complete before requests are served; everything else is const and safe
    to call concurrently.
    @handler_exception_safety
*/
class token_handler
{
public:
    BEAST_OAUTH_DECL token_handler(std::shared_ptr<server_core const> core, std::shared_ptr<token_issuer const> issuer);

    /// Registers (or replaces) the handler for its grant_type.
    BEAST_OAUTH_DECL void add_grant(std::shared_ptr<grant_handler const> grant);
    /// The registered grant types, for metadata (`grant_types_supported`).
    BEAST_OAUTH_DECL std::vector<std::string> grant_types() const;
    /// The handler for `grant_type`, or null.
    BEAST_OAUTH_DECL grant_handler const* find_grant(std::string_view grant_type) const;

    server_core const& core() const noexcept { return *core_; }
    token_issuer const& issuer() const noexcept { return *issuer_; }

    /** One token request as a sans-io algorithm; `step()` returns the next store call or null
        when `response()` is ready. `req` and `ctx` outlive it. */
    class algorithm : public authenticated_request
    {
    public:
        BEAST_OAUTH_DECL algorithm(token_handler const& h, http_request const& req, request_context const& ctx);
        BEAST_OAUTH_DECL store_op* step();
        /// The grant_type once known, when it is a registered one (for the metrics hook); else empty.
        std::string_view grant_type() const { return handler_ ? handler_->grant_type() : std::string_view(); }

    private:
        token_handler const& h_;
        std::string grant_type_;
        grant_handler const* handler_ = nullptr; // grant_type_'s, once found
        std::optional<grant_request> grant_req_; // in place: the grant holds a reference to it
        std::unique_ptr<grant_algorithm> grant_;
        std::optional<dpop_proof> dpop_; // RFC 9449 5
        std::string dpop_key_;
        std::string dpop_source_;
        store_op dpop_op_;
    };

    /// Answers a token request with synchronous stores.
    BEAST_OAUTH_DECL http_response handle(http_request const& req, request_context const& ctx = {}) const;

private:
    std::shared_ptr<server_core const> core_;
    std::shared_ptr<token_issuer const> issuer_;
    std::map<std::string, std::shared_ptr<grant_handler const>, std::less<>> grants_;
};

/** Writes a successful token response (RFC 6749 5.1); `token_type` is `DPoP` for a bound
    access token (RFC 9449 5): `Cache-Control: no-store`, the
    configured `user_id` field, the vendor hook's extra fields; audits `token_issued`. */
BEAST_OAUTH_DECL http_response render_token_response(server_core const& core, http_request const& req,
                                                     request_context const& ctx, client const& c,
                                                     std::string_view grant_type, token_response const& t);

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/token.ipp>
#endif

#endif
