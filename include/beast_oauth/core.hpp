#ifndef BEAST_OAUTH_CORE_HPP
#define BEAST_OAUTH_CORE_HPP

#include <beast_oauth/async_storage.hpp>
#include <beast_oauth/audit.hpp>
#include <beast_oauth/detail/aead.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/secret_cache.hpp>
#include <beast_oauth/detail/session_cookie.hpp>
#include <beast_oauth/options.hpp>
#include <beast_oauth/store_op.hpp>
#include <beast_oauth/throttle.hpp>
#include <beast_oauth/token_codec.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace beast_oauth {

/** What the transport knows about a request that the HTTP message does not.

    Pass the peer's address (behind a reverse proxy: @ref client_address with your
    proxies) so failed authentications are throttled per address and audit events name it.
*/
struct request_context
{
    std::string remote_address;
};

/** The shared, immutable state every handler object works from: the options, the stores,
    the keys derived from the server secret, the clock, the throttle and the hooks.

    Made once (by @ref authorization_server, or by you to compose handlers yourself) and
    shared by `std::shared_ptr<server_core const>`.

    @par Thread Safety
    Immutable after construction; every member is safe to call concurrently (the throttle
    and the secret cache synchronize internally). The stores must outlive it.
    @par Exception Safety
    The constructor throws `std::invalid_argument` on invalid options (short secret_key,
    code_ttl above 600 s, JWT without keys or issuer, a durable store without a key).
*/
class server_core
{
public:
    /// Synchronous stores (any may be null if only `async` is used) and, optionally, asynchronous ones.
    BEAST_OAUTH_DECL server_core(server_options options, store_set stores, async_store_set async = {});

    server_options const& options() const noexcept { return options_; }
    store_set const& stores() const noexcept { return stores_; }
    async_store_set const& async_stores() const noexcept { return async_; }
    /// Whether every store has an asynchronous counterpart (then no thread pool is needed).
    bool has_async_stores() const noexcept
    {
        return async_.clients && async_.codes && async_.tokens && async_.users;
    }

    /// The current time from the configured clock.
    BEAST_OAUTH_DECL time_point now() const;
    /// Reports an operator event to the log hook.
    BEAST_OAUTH_DECL void log(std::string_view name, std::string_view detail) const;
    /// Reports a security event to the audit hook, client-chosen fields escaped.
    BEAST_OAUTH_DECL void audit(audit_event_type type, request_context const& ctx, std::string_view client_id,
                                std::string_view subject = {}, std::string_view username = {},
                                std::string_view grant_id = {}, std::string_view detail = {}) const;

    /// The throttle, or null when rate limiting is off.
    authentication_throttle const* throttle() const noexcept { return throttle_ ? &*throttle_ : nullptr; }
    /// The keys for `who` attempting from `ctx` (empty keys when throttling is off).
    BEAST_OAUTH_DECL throttle_attempt attempt_for(authentication_throttle::subject_kind kind, std::string_view who,
                                                  request_context const& ctx) const;
    /// nullopt when the attempt may be evaluated; else the wait (audited as rate_limited).
    BEAST_OAUTH_DECL std::optional<std::chrono::seconds> throttled(throttle_attempt const& attempt,
                                                                  request_context const& ctx,
                                                                  std::string_view client_id,
                                                                  std::string_view username) const;
    /** The DPoP proof budget of one source (@ref dpop_options::proofs_per_source), keyed by
        `source` ("address:..." or "key:..."): nullopt when it may add one more proof to the
        replay cache, else the wait. Always nullopt with rate limiting off. */
    BEAST_OAUTH_DECL std::optional<std::chrono::seconds> dpop_budget_spent(std::string_view source) const;
    /// Charges one proof that entered the replay cache to `source`.
    BEAST_OAUTH_DECL void dpop_budget_charge(std::string_view source) const;
    /// Records a failed attempt / a success.
    BEAST_OAUTH_DECL void failed(throttle_attempt const& attempt) const;
    BEAST_OAUTH_DECL void succeeded(throttle_attempt const& attempt) const;

    /// Whether `secret` is `c`'s; a slow hash is paid once per process per client.
    BEAST_OAUTH_DECL bool client_secret_matches(client const& c, std::string_view secret) const;

    token_codec const& codec() const noexcept { return codec_; }
    detail::hmac_sha256_key const& csrf_key() const noexcept { return csrf_key_; }
    detail::session_cookie_key const& session_key() const noexcept { return session_key_; }
    /// Seals pushed authorization requests' request_uri values (RFC 9126).
    detail::aead_key const& par_key() const noexcept { return par_key_; }
    /// A token derived from `from` (refresh rotation successors), 43 base64url characters.
    BEAST_OAUTH_DECL std::string derive_token(std::string_view from, std::string_view label) const;
    /// Cookies get `Secure` and the `__Host-` prefix.
    bool secure_cookies() const noexcept { return secure_cookies_; }

private:
    server_options options_;
    store_set stores_;
    async_store_set async_;
    std::string secret_;
    detail::hmac_sha256_key csrf_key_;
    detail::session_cookie_key session_key_;
    detail::aead_key par_key_;
    detail::hmac_sha256_key rotation_key_;
    token_codec codec_;
    std::optional<authentication_throttle> throttle_;
    std::shared_ptr<rate_limiter> limiter_; // the throttle's, also the DPoP proof budget's
    std::shared_ptr<detail::verified_secret_cache> secret_cache_;
    bool secure_cookies_ = false;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/core.ipp>
#endif

#endif
