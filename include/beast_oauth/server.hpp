#ifndef BEAST_OAUTH_SERVER_HPP
#define BEAST_OAUTH_SERVER_HPP

#include <beast_oauth/async_storage.hpp>
#include <beast_oauth/core.hpp>
#include <beast_oauth/endpoints/authorize.hpp>
#include <beast_oauth/endpoints/bearer.hpp>
#include <beast_oauth/endpoints/guard.hpp>
#include <beast_oauth/endpoints/introspection.hpp>
#include <beast_oauth/endpoints/metadata.hpp>
#include <beast_oauth/endpoints/par.hpp>
#include <beast_oauth/endpoints/revocation.hpp>
#include <beast_oauth/endpoints/token.hpp>
#include <beast_oauth/error.hpp>
#include <beast_oauth/failure.hpp>
#include <beast_oauth/http_types.hpp>
#include <beast_oauth/options.hpp>
#include <beast_oauth/params.hpp>
#include <beast_oauth/storage.hpp>
#include <beast_oauth/token_strategy.hpp>
#include <memory>
#include <string>
#include <type_traits>

namespace beast_oauth {

/** An OAuth 2.0 authorization server: a thin facade over the handler objects (one per
    endpoint, in `endpoints/`), sharing one @ref server_core.

    Mount it with @ref handle_request (every endpoint at its configured path), or mount the
    handlers you want at the paths you want (`authorize()`, `token()`, ...), or build handlers
    yourself from a `server_core` to replace one (e.g. your own authorize UI).

    @par Thread Safety
    After construction (and `add_grant`), every member function is const and safe to call
    concurrently. The stores must outlive the server.
    @handler_exception_safety
*/
class authorization_server
{
public:
    /** A server over synchronous stores (blocking calls; run it on a pool with
        @ref async_handle_request's executor overload if they block).

        @throws std::invalid_argument on invalid options (see @ref server_core).
    */
    BEAST_OAUTH_DECL authorization_server(server_options options, client_store& clients, code_store& codes,
                                          token_store& tokens, user_authenticator const& users);

    /** A server over one store object that is all three stores (`memory_store`, `sqlite_store`,
        `postgres_store`, or your own class deriving from the three interfaces). */
    template<class Store,
             class = std::enable_if_t<std::is_base_of_v<client_store, Store> && std::is_base_of_v<code_store, Store> &&
                                      std::is_base_of_v<token_store, Store>>>
    authorization_server(server_options options, Store& store, user_authenticator const& users)
        : authorization_server(std::move(options), store_set{&store, &store, &store, &users}, async_store_set{})
    {
    }

    /// A server over asynchronous stores: the async entry points need no thread pool.
    BEAST_OAUTH_DECL authorization_server(server_options options, async_store_set stores);

    /// Both: synchronous stores for the synchronous entry points, asynchronous ones for the async ones.
    BEAST_OAUTH_DECL authorization_server(server_options options, store_set sync, async_store_set async);

    /// The handlers refer to each other: not copyable or movable.
    authorization_server(authorization_server const&) = delete;
    authorization_server& operator=(authorization_server const&) = delete;

    server_options const& options() const noexcept { return core_->options(); }
    /// The current time from the configured clock.
    time_point now() const { return core_->now(); }

    // --- the handler objects ---
    std::shared_ptr<server_core const> const& core() const noexcept { return core_; }
    authorize_handler const& authorize() const noexcept { return authorize_; }
    token_handler const& token() const noexcept { return token_; }
    revocation_handler const& revocation() const noexcept { return revocation_; }
    introspection_handler const& introspection() const noexcept { return introspection_; }
    /// The pushed authorization request endpoint (RFC 9126); answers only with `par_path` set.
    par_handler const& par() const noexcept { return par_; }
    metadata_handler const& metadata() const noexcept { return metadata_; }
    bearer_validator const& bearer() const noexcept { return bearer_; }

    /// Registers a grant type at the token endpoint (and in the metadata). Call before serving.
    void add_grant(std::shared_ptr<grant_handler const> grant) { token_.add_grant(std::move(grant)); }

    // --- /authorize phases for a vendor's own login UI (RFC 6749 4.1.1 - 4.1.2) ---

    /** Phase 1: validates an authorization request's parameters (query or posted form).
        A failure with `may_redirect` false must be shown as an error page, never redirected
        (RFC 6749 4.1.2.1); with `may_redirect` true, redirect to its `redirect_location`. */
    BEAST_OAUTH_DECL oauth_result<authorization_request> validate_authorization_request(param_list const& params) const;

    /** Phase 3: issues (and stores) a code for a validated request and a signed-in owner.
        A request from a pushed request_uri (RFC 9126) is claimed first: one code per request_uri.
        @return the URL to redirect the browser to (RFC 6749 4.1.2).
        @throws std::invalid_argument when the request's request_uri already gave a code (show an
        error page; never redirect) */
    BEAST_OAUTH_DECL std::string issue_code_redirect(authorization_request const& request, user_identity const& owner) const;

    /// The URL that carries an error back to the client (RFC 6749 4.1.2.1).
    std::string make_error_redirect(authorization_request const& request, error e, std::string_view description) const
    {
        return authorize_.make_error_redirect(request, e, description);
    }

    // --- HTTP endpoints (synchronous stores) ---

    /// `GET`/`POST` of the authorize path: sign-in page, sign-in, code issuance.
    http_response handle_authorize(http_request const& req, request_context const& ctx = {}) const
    {
        return authorize_.handle(req, ctx);
    }
    /// `POST` of the token path (RFC 6749 3.2).
    http_response handle_token(http_request const& req, request_context const& ctx = {}) const
    {
        return token_.handle(req, ctx);
    }
    /// `POST` of the revocation path (RFC 7009).
    http_response handle_revocation(http_request const& req, request_context const& ctx = {}) const
    {
        return revocation_.handle(req, ctx);
    }
    /// `POST` of the PAR path (RFC 9126): 201 with a `request_uri`.
    http_response handle_par(http_request const& req, request_context const& ctx = {}) const
    {
        return par_.handle(req, ctx);
    }
    /// `POST` of the introspection path (RFC 7662).
    http_response handle_introspection(http_request const& req, request_context const& ctx = {}) const
    {
        return introspection_.handle(req, ctx);
    }
    /// `GET` of the metadata path (RFC 8414).
    http_response handle_metadata(http_request const& req) const { return metadata_.handle_metadata(req); }
    /// `GET` of the JWKS path (RFC 7517). Needs `signing_keys`.
    http_response handle_jwks(http_request const& req) const { return metadata_.handle_jwks(req); }

    /// An RFC 6749 5.2 JSON error response (401 + `WWW-Authenticate` for invalid_client).
    BEAST_OAUTH_DECL http_response oauth_error(http_request const& req, error e, std::string description) const;

    // --- resource access (RFC 6750) ---

    /// Validates `Authorization: Bearer <token>` (the header's value); see @ref bearer_validator.
    bearer_result validate_bearer(std::string_view authorization, std::string_view required_scope = {}) const
    {
        return bearer_.validate(authorization, required_scope);
    }
    /// Validates the request's Authorization header (one method only, RFC 6750 2).
    bearer_result validate_bearer(http_request const& req, std::string_view required_scope = {}) const
    {
        return bearer_.validate(req, required_scope);
    }
    /// The 400/401/403 response with `WWW-Authenticate: Bearer ...` for a failed validation (RFC 6750 3).
    http_response make_bearer_error(bearer_result const& result, http_request const& req) const
    {
        return bearer_.make_error(result, req);
    }

    /** An error response in the endpoint's format (HTML for authorize, JSON otherwise), for
        `server_error` or `temporarily_unavailable`; a positive `retry_after` adds `Retry-After`. */
    http_response make_server_error(http_request const& req, error e = error::server_error,
                                    std::chrono::seconds retry_after = {}) const
    {
        return beast_oauth::make_server_error(*core_, req, e, retry_after);
    }

    /** The owner signed in on this browser: the library's sign-in session cookie of `req`,
        verified and unexpired (`session_ttl`), or nullopt. For the vendor's own account pages
        (a "Connected apps" page); the cookie is `HttpOnly`, `SameSite=Lax`, `Path=/`. */
    BEAST_OAUTH_DECL std::optional<user_identity> signed_in_owner(http_request const& req) const;

    /// Reports an operator event to the log hook.
    void log(std::string_view name, std::string_view detail) const { core_->log(name, detail); }
    /// Reports a security event to the audit hook (fields as in @ref audit_event).
    void audit(audit_event_type type, request_context const& ctx, std::string_view client_id,
               std::string_view subject = {}, std::string_view username = {}, std::string_view grant_id = {},
               std::string_view detail = {}) const
    {
        core_->audit(type, ctx, client_id, subject, username, grant_id, detail);
    }

private:
    std::shared_ptr<server_core const> core_;
    std::shared_ptr<token_strategy const> strategy_;
    std::shared_ptr<token_issuer const> issuer_;
    authorize_handler authorize_;
    token_handler token_;
    revocation_handler revocation_;
    introspection_handler introspection_;
    par_handler par_;
    metadata_handler metadata_;
    bearer_validator bearer_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/server.ipp>
#endif

#endif
