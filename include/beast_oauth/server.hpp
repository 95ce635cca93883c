#ifndef BEAST_OAUTH_SERVER_HPP
#define BEAST_OAUTH_SERVER_HPP

#include <beast_oauth/error.hpp>
#include <beast_oauth/options.hpp>
#include <beast_oauth/params.hpp>
#include <beast_oauth/storage.hpp>
#include <beast_oauth/token_codec.hpp>
#include <beast_oauth/throttle.hpp>
#include <beast_oauth/detail/secret_cache.hpp>
#include <beast_oauth/detail/session_cookie.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>

namespace beast_oauth {

/// The request type the endpoints take.
using http_request = boost::beast::http::request<boost::beast::http::string_body>;
/// The response type the endpoints return.
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

/** What the transport knows about a request that the HTTP message does not.

    Pass the peer's address (or the client address a trusted proxy reports) so
    that failed sign-ins can be throttled per address and audit events name it.
*/
struct request_context
{
    std::string remote_address;
};

/** Result of validating an authorization request (phase 1 of /authorize).

    When `ok()` is false, `redirect` tells how to answer: `false` means the
    client or redirect_uri could not be trusted, so the owner sees an error
    page and is never redirected (RFC 6749 4.1.2.1); `true` means the error
    goes back to `request.redirect_uri` (see @ref beast_oauth::authorization_server::make_error_redirect "authorization_server::make_error_redirect").
*/
struct authorize_result
{
    authorization_request request;
    error err{};
    std::string description;
    bool redirect = false;

    bool ok() const noexcept { return err == error{}; }
};

/** Result of validating a bearer token (RFC 6750). */
struct bearer_result
{
    /// The token's record when valid: subject, client_id, scope, expires_at.
    std::shared_ptr<token_record const> token;
    /// `invalid_request`, `invalid_token` or `insufficient_scope` when not valid.
    error err{};
    /// Client-safe reason.
    std::string description;
    /// False when the request carried no credentials at all (RFC 6750 3.1: then no error code).
    bool credentials_present = false;
    /// The scope the resource required (for the challenge's `scope` attribute).
    std::string required_scope;
    /// With `temporarily_unavailable` (the token store threw @ref store_unavailable): its retry hint.
    std::chrono::seconds retry_after{0};

    bool ok() const noexcept { return token != nullptr; }
    /// The token's subject (the resource owner whose resources it may reach); empty when not valid.
    std::string_view subject() const noexcept { return token ? std::string_view(token->subject) : std::string_view(); }
};

/** An OAuth 2.0 authorization server over vendor-supplied stores.

    The endpoints are I/O-free: they take a Beast request and return a Beast
    response, and can be mounted in any server (see `beast.hpp`). Vendors with
    their own login UI call the phases (@ref validate_authorization_request,
    @ref issue_code_redirect, @ref make_error_redirect) directly.

    @par Thread Safety
    All member functions are const or internally synchronized through the
    stores: one server may serve requests on many threads at once. The
    stores must outlive the server.
*/
class authorization_server
{
public:
    /** Constructs the server.

        @throws std::invalid_argument on invalid options (short secret_key, code_ttl above 600 s).
    */
    BEAST_OAUTH_DECL authorization_server(server_options options, client_store& clients,
                                          code_store& codes, token_store& tokens,
                                          user_authenticator& users);

    server_options const& options() const noexcept { return options_; }

    /// The current time from the configured clock.
    BEAST_OAUTH_DECL time_point now() const;

    // --- /authorize phases (RFC 6749 4.1.1 - 4.1.2) ---

    /// Phase 1: validates an authorization request's parameters (query or posted form).
    BEAST_OAUTH_DECL authorize_result validate_authorization_request(param_list const& params) const;

    /** Phase 3: issues a code for a validated request and a signed-in owner.

        @return the URL to redirect the browser to: redirect_uri with `code`
        and `state` merged into its query (RFC 6749 4.1.2).
    */
    BEAST_OAUTH_DECL std::string issue_code_redirect(authorization_request const& request,
                                                     user_identity const& owner) const;

    /// The URL that carries an error back to the client (RFC 6749 4.1.2.1).
    BEAST_OAUTH_DECL std::string make_error_redirect(authorization_request const& request, error e,
                                                     std::string_view description) const;

    // --- HTTP endpoints ---

    /// `GET`/`POST` of the authorize path: sign-in page, sign-in, code issuance.
    BEAST_OAUTH_DECL http_response handle_authorize(http_request const& req,
                                                    request_context const& ctx = {}) const;

    /// `POST` of the token path: authorization_code and refresh_token grants (RFC 6749 4.1.3, 5, 6).
    BEAST_OAUTH_DECL http_response handle_token(http_request const& req,
                                                request_context const& ctx = {}) const;

    /// `POST` of the revocation path (RFC 7009); client-authenticated.
    BEAST_OAUTH_DECL http_response handle_revocation(http_request const& req,
                                                     request_context const& ctx = {}) const;

    /// `POST` of the introspection path (RFC 7662); confidential clients only.
    BEAST_OAUTH_DECL http_response handle_introspection(http_request const& req,
                                                        request_context const& ctx = {}) const;

    /// `GET` of the metadata path (RFC 8414).
    BEAST_OAUTH_DECL http_response handle_metadata(http_request const& req) const;

    /// `GET` of the JWKS path (RFC 7517): the public signing keys. Needs `signing_keys`.
    BEAST_OAUTH_DECL http_response handle_jwks(http_request const& req) const;

    /// An RFC 6749 5.2 JSON error response (401 + `WWW-Authenticate` for invalid_client).
    BEAST_OAUTH_DECL http_response oauth_error(http_request const& req, error e,
                                               std::string description) const;

    // --- resource access (RFC 6750) ---

    /** Validates `Authorization: Bearer <token>`.

        @param authorization the header's value (empty when absent)
        @param required_scope space-separated scope the resource needs; empty: none
    */
    BEAST_OAUTH_DECL bearer_result validate_bearer(std::string_view authorization,
                                                   std::string_view required_scope = {}) const;

    /// Validates the request's Authorization header; see the overload above.
    BEAST_OAUTH_DECL bearer_result validate_bearer(http_request const& req,
                                                   std::string_view required_scope = {}) const;

    /// The 400/401/403 response with `WWW-Authenticate: Bearer ...` for a failed validation (RFC 6750 3).
    BEAST_OAUTH_DECL http_response make_bearer_error(bearer_result const& result,
                                                     http_request const& req) const;

    /** An error response in the endpoint's format (HTML for authorize, JSON otherwise), for
        `server_error` or `temporarily_unavailable`; a positive `retry_after` adds `Retry-After`. */
    BEAST_OAUTH_DECL http_response make_server_error(http_request const& req,
                                                     error e = error::server_error,
                                                     std::chrono::seconds retry_after = {}) const;

    /** The owner signed in on this browser: the library's sign-in session cookie of `req`,
        verified and unexpired (`session_ttl`), or nullopt. For the vendor's own account pages
        (a "Connected apps" page); the cookie is `HttpOnly`, `SameSite=Lax`, `Path=/`. */
    BEAST_OAUTH_DECL std::optional<user_identity> signed_in_owner(http_request const& req) const;

    /// Reports an operator event to the log hook.
    BEAST_OAUTH_DECL void log(std::string_view name, std::string_view detail) const;

    /// Reports a security event to the audit hook (fields as in @ref audit_event).
    BEAST_OAUTH_DECL void audit(audit_event_type type, request_context const& ctx,
                                std::string_view client_id, std::string_view subject = {},
                                std::string_view username = {}, std::string_view grant_id = {},
                                std::string_view detail = {}) const;

private:
    http_response authorize_get(http_request const& req) const;
    http_response authorize_post(http_request const& req, request_context const& ctx) const;
    std::optional<std::chrono::seconds> throttled(throttle_attempt const& attempt, request_context const& ctx,
                                                  std::string_view client_id,
                                                  std::string_view username) const;
    void record_failure(throttle_attempt const& attempt) const;
    bool client_secret_matches(client const& c, std::string_view secret) const;
    http_response render_page(http_request const& req, param_list const& params,
                              authorization_request const& ar, std::string_view signed_in_as,
                              std::string error_message, std::string_view username,
                              unsigned status) const;
    http_response error_page(http_request const& req, std::string_view description,
                             unsigned status) const;
    http_response redirect_response(http_request const& req, std::string const& location,
                                    authorization_request const& ar) const;
    std::string csrf_token(std::string_view nonce, authorization_request const& ar) const;
    std::string make_session(user_identity const& who) const;
    std::optional<http_response> read_client_request(http_request const& req, bool allow_json,
                                                     param_list& params,
                                                     std::shared_ptr<client const>& client_out,
                                                     request_context const& ctx) const;
    std::string derive_token(std::string_view from, std::string_view label) const;
    time_point refresh_expiry(client const& c, time_point t) const;
    void limit_access_tokens(token_record const& issued) const;
    http_response token_success(http_request const& req, request_context const& ctx, client const& c,
                                std::string_view grant_id, std::string_view grant_type,
                                std::string_view subject, std::string_view access_token,
                                long long expires_in, std::string_view refresh_token,
                                std::string_view scope, bool scope_changed) const;
    http_response grant_authorization_code(http_request const& req, request_context const& ctx,
                                           param_list const& params, client const& c) const;
    http_response grant_refresh_token(http_request const& req, request_context const& ctx,
                                      param_list const& params, client const& c) const;
    std::shared_ptr<token_record const> find_presented_token(std::string_view token) const;
    std::string make_access_token(token_record& at, std::string_view derived_random) const;
    std::shared_ptr<token_record const> access_from_jwt(std::string_view token, bool check_expiry,
                                                        std::string& why) const;
    std::string make_code(code_record& rec) const;
    consume_result redeem_code(std::string_view code, std::string_view client_id) const;
    std::optional<user_identity> read_session(std::string_view cookie) const;
    std::string cookie_name(std::string_view base) const;

    server_options options_;
    client_store& clients_;
    code_store& codes_;
    token_store& tokens_;
    user_authenticator& users_;
    std::string secret_;
    detail::hmac_sha256_key csrf_key_;
    detail::session_cookie_key session_key_;
    detail::hmac_sha256_key rotation_key_;
    token_codec codec_;
    std::optional<authentication_throttle> throttle_;
    std::shared_ptr<detail::verified_secret_cache> secret_cache_;
    bool secure_cookies_ = false;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/server.ipp>
#include <beast_oauth/impl/authorize_endpoint.ipp>
#include <beast_oauth/impl/token_endpoint.ipp>
#include <beast_oauth/impl/jwt_tokens.ipp>
#include <beast_oauth/impl/revocation_endpoint.ipp>
#include <beast_oauth/impl/bearer.ipp>
#endif

#endif
