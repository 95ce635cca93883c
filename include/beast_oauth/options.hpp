#ifndef BEAST_OAUTH_OPTIONS_HPP
#define BEAST_OAUTH_OPTIONS_HPP

#include <beast_oauth/audit.hpp>
#include <beast_oauth/dpop.hpp>
#include <beast_oauth/jwt.hpp>
#include <beast_oauth/metrics.hpp>
#include <beast_oauth/rate_limiter.hpp>
#include <beast_oauth/throttle.hpp>
#include <beast_oauth/model.hpp>
#include <beast_oauth/params.hpp>
#include <beast_oauth/sign_in_page.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

namespace beast_oauth {

/// Which requests the endpoints accept beyond RFC 6749.
enum class profile
{
    /// RFC 6749 as written.
    strict,
    /** Also Seam's intercom guide (2023): an authorize request with only
        `redirect_uri` (client = `default_client_id`, response_type = code),
        a token request without `grant_type` or `redirect_uri`, and a JSON
        token body. Everything else stays strict. */
    seam
};

/// How access tokens or codes are represented.
enum class token_format
{
    /// `prefix + random + "." + HMAC`; looked up in the store.
    opaque,
    /// A signed JWT (RFC 9068 for access tokens); verified locally with the key set.
    jwt
};

/// Context given to the token-response hook.
struct token_response_context
{
    beast_oauth::client const& client;
    std::string_view subject;
    std::string_view scope;
    std::string_view grant_type;
};

/** Event passed to the log hook. Never contains a secret, password, code or token. */
struct log_event
{
    /// Short machine-readable name ("store_exception", "code_replay", ...).
    std::string_view name;
    /// Details for the operator (never sent to clients).
    std::string_view detail;
};

/** Configuration of an @ref authorization_server.

    A plain aggregate: set what you need, keep the defaults otherwise.
*/
struct server_options
{
    /// Public base URL of the server, e.g. "https://intercom.example.com" (no trailing slash).
    std::string issuer;
    /// Request shapes accepted; see @ref profile.
    beast_oauth::profile profile = beast_oauth::profile::strict;
    /// Seam profile: the client assumed when an authorize request has no client_id.
    std::string default_client_id = "seam";

    /// Endpoint paths (matched exactly, query excluded). An empty path disables that endpoint.
    std::string authorize_path = "/authorize";
    std::string token_path = "/oauth/token";
    std::string revocation_path = "/oauth/revoke";       ///< RFC 7009
    std::string introspection_path = "/oauth/introspect"; ///< RFC 7662
    std::string metadata_path = "/.well-known/oauth-authorization-server"; ///< RFC 8414
    /** Pushed authorization request endpoint (RFC 9126), e.g. "/oauth/par". Empty (the default):
        PAR is off, and an authorization request carrying `request_uri` is refused (400). */
    std::string par_path;
    /// Lifetime of a pushed request's `request_uri` (RFC 9126 2.2: short-lived); 1 to 600 s.
    std::chrono::seconds par_ttl{60};
    /** Every authorization request must be pushed first (RFC 9126 5; advertised in the metadata);
        a client's own `require_pushed_authorization_requests` asks it for that client alone.
        Needs `par_path`. */
    bool require_pushed_authorization_requests = false;

    /// Authorization code lifetime (RFC 6749 4.1.2 recommends at most 10 minutes; capped at 600 s).
    std::chrono::seconds code_ttl{60};
    /// Access token lifetime (`expires_in`).
    std::chrono::seconds access_token_ttl{3600};
    /// Sign-in session lifetime (cookie); zero disables sessions (always ask for the password).
    std::chrono::seconds session_ttl{3600};

    /// Issue a refresh token with every code exchange (to clients allowed the refresh_token grant).
    bool issue_refresh_tokens = true;
    /// Refresh-token policy; a client's own `rotation` overrides it. Seam's guide expects `none`.
    refresh_rotation rotation = refresh_rotation::none;
    /// With `rotate`: how long a rotated refresh token still works (concurrent refreshes).
    std::chrono::seconds refresh_grace{60};
    /// Refresh-token lifetime; zero: no expiry. With `rotate` every refresh restarts it (sliding window).
    std::chrono::seconds refresh_token_ttl{0};
    /** Refresh-token lifetime for public clients (no secret), whose refresh tokens always
        rotate whatever `rotation` says (RFC 9700 4.14.2); sliding, like `refresh_token_ttl`.
        Zero: `refresh_token_ttl` applies to them too. */
    std::chrono::seconds public_refresh_token_ttl{std::chrono::hours(24 * 30)};
    /// Revoke a grant's other access tokens on refresh (off: unexpired access tokens keep working).
    bool revoke_access_tokens_on_refresh = false;
    /** Most live access tokens one grant keeps: a refresh beyond it revokes the oldest, so a
        client refreshing in a loop cannot grow the store (0: no cap). */
    std::size_t max_access_tokens_per_grant = 10;

    /// Access tokens: opaque (default) or JWT (RFC 9068, needs `signing_keys` and `issuer`).
    token_format access_token_format = token_format::opaque;
    /** Authorization codes: opaque (stored) or self-contained signed JWTs, kept single-use by
        the code store's `claim_code` replay guard. Needs `signing_keys` and `issuer`. */
    token_format code_format = token_format::opaque;
    /// Keys signing JWTs; the active key signs, all verify. Shared so it can be rotated live.
    std::shared_ptr<key_set> signing_keys;
    /** Bearer checks of JWT access tokens also look up the `jti` in the token store, so a
        revoked token is refused at once. Off: purely stateless, revocation waits for expiry. */
    bool jwt_check_revocation = true;
    /// `aud` of JWT access tokens; default: the issuer.
    std::string jwt_audience;
    /// JWKS endpoint path (RFC 7517), served when `signing_keys` is set.
    std::string jwks_path = "/.well-known/jwks.json";

    /// DPoP sender-constrained tokens (RFC 9449); see @ref dpop_options and docs/tokens.md.
    dpop_options dpop;

    /// Accept `code_challenge_method=plain` (RFC 7636 4.2); off: S256 only.
    bool allow_plain_pkce = false;

    /** Server secret (at least 32 bytes) keying token signatures, CSRF tokens and session cookies.
        Tokens stored in a durable store stay valid across restarts only with the same key.
        Empty: a random key per process (fine for the in-memory store); with a durable token
        store (`token_store::is_durable()`) an empty key is refused unless
        `ephemeral_secret_key` is set. Keep it in a file with `load_or_create_secret_key`
        (key_file.hpp), or take it from your vault. */
    std::string secret_key;
    /** Accept an empty `secret_key` with a durable token store: a random key per process, so
        every stored code and token stops working at each restart (clients must be connected
        again). For tests and throwaway demos; off by default. */
    bool ephemeral_secret_key = false;

    /// Cookies with `Secure` and the `__Host-` prefix; default: when issuer starts with "https://".
    std::optional<bool> secure_cookies;

    /// Clock for every expiry; defaults to system_clock::now. Tests inject their own.
    std::function<time_point()> clock;

    /// Token-response field carrying the subject (Seam's `user_id`); empty: omitted.
    std::string user_id_field = "user_id";
    /// Adds vendor fields to a successful token response (RFC 6749 5.1 allows extra parameters).
    std::function<void(token_response_context const&, boost::json::object&)> extra_token_fields;

    /** The built-in pages' product name, colours, logo, account field, words per language
        (chosen by `Accept-Language`) and scope descriptions; see docs/branding.md. */
    sign_in_page_options sign_in;

    /// Replaces the built-in sign-in page; must escape everything it reflects.
    std::function<std::string(sign_in_page const&)> render_sign_in_page;

    /// Receives operator events (store exceptions, replays); never secrets.
    std::function<void(log_event const&)> log;

    /// Receives security events (sign-ins, issuance, replays, failures, throttling); never secrets.
    std::function<void(audit_event const&)> audit;

    /** Receives one @ref request_metric per answered request (endpoint, outcome, RFC error,
        status, elapsed time); see docs/operations.md. Empty (the default): no clock is read.
        `metrics_collector::hook()` counts them for a Prometheus scrape. */
    metrics_hook metrics;

    /** Keeps the failure counts of the throttle. Null with `rate_limiting` on: a
        `token_bucket_limiter` per server. Share one over a common store to share counts
        between instances. */
    std::shared_ptr<beast_oauth::rate_limiter> rate_limiter;
    /** Which failures are counted and when they slow or refuse (see @ref throttle_policy):
        failed sign-ins per (account, address), per address and per account; failed client
        authentications the same way per client_id. Needs the address in `request_context`. */
    throttle_policy throttle;
    /// Turns throttling off entirely (e.g. behind a gateway that already limits).
    bool rate_limiting = true;

    /// Limits on request parameters (count, length).
    param_limits limits{};
    /// Longest accepted `state`.
    std::size_t max_state_size = 1024;
    /// Longest accepted `scope`.
    std::size_t max_scope_size = 1024;
    /// Largest request body the endpoints read.
    std::size_t max_body_size = 16 * 1024;
};

} // namespace beast_oauth

#endif
