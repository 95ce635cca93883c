#ifndef BEAST_OAUTH_DPOP_HPP
#define BEAST_OAUTH_DPOP_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/rate_limiter.hpp>
#include <beast_oauth/jwt.hpp>
#include <beast_oauth/model.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beast_oauth {

/** DPoP (RFC 9449): sender-constrained access and refresh tokens.

    Set in `server_options::dpop`. With DPoP enabled, a token request carrying a `DPoP`
    header gets tokens bound to the proof's key (`token_type: DPoP`, `cnf.jkt`), and a
    resource request must then present them with `Authorization: DPoP` and a fresh proof.
*/
struct dpop_options
{
    /// Unset: on with `profile::strict`, off with `profile::seam` (Seam sends no proofs).
    std::optional<bool> enabled;
    /// Proof algorithms accepted (`dpop_signing_alg_values_supported`); asymmetric only.
    std::vector<jws_alg> algorithms{jws_alg::es256, jws_alg::eddsa};
    /// Oldest accepted proof: `iat` at most this far in the past (RFC 9449 11.1).
    std::chrono::seconds max_age{300};
    /// Clock skew allowed for an `iat` in the future.
    std::chrono::seconds max_skew{30};
    /// Require a server nonce in every proof (RFC 9449 8, 9): `use_dpop_nonce` + `DPoP-Nonce`.
    bool require_nonce = false;
    /// How long a nonce stays valid (stateless, derived from `secret_key` per time window).
    std::chrono::seconds nonce_lifetime{300};
    /** Most proof `jti`s the replay cache (the token store) remembers at once. When it is full,
        NEW proofs are refused with a retryable 503 until entries expire (after `max_age` +
        `max_skew`); nothing is evicted early, so a replay never becomes possible again. */
    std::size_t replay_cache_capacity = 100000;
    /** How many NEW proofs one source may add to the replay cache: a client address at the
        token endpoint, a token's key (`cnf.jkt`) at a resource. The cache is shared by every
        client, so without this one source could fill it and every other client's proofs would
        get the 503 above; a spent source gets `429` + `Retry-After`, only that source. The
        default (120, then one per second) lets one source hold at most about 450 of the
        cache's entries. Counted in `server_options::rate_limiter`; off with `rate_limiting`
        off, and at the token endpoint when `request_context::remote_address` is empty. */
    rate_limit proofs_per_source{120, std::chrono::seconds(1)};
};

/// What a valid proof says (RFC 9449 4.2).
struct dpop_proof
{
    /// RFC 7638 thumbprint (base64url SHA-256) of the proof's public key: the `cnf.jkt`.
    std::string jkt;
    std::string jti;
    /// The `nonce` claim; empty when absent.
    std::string nonce;
    time_point iat{};
};

/// Why a proof was refused.
struct dpop_error
{
    /// True: the proof lacks a valid server nonce (answer `use_dpop_nonce`); else `invalid_dpop_proof`.
    bool use_nonce = false;
    std::string description;
};

/// What the request a proof came with looks like (RFC 9449 4.3).
struct dpop_request
{
    /// The HTTP method (`htm`), e.g. "POST".
    std::string_view method;
    /// The request's absolute URL (`htu`); compared after @ref normalize_htu.
    std::string_view url;
    /// Resource requests: the access token presented (`ath`); empty at the token endpoint.
    std::string_view access_token;
    /// Now, for the `iat` window.
    time_point now{};
};

/** Validates a DPoP proof JWT (RFC 9449 4.3), statelessly: `typ` `dpop+jwt`; `alg` in
    `o.algorithms` (never `none` or a MAC); a public `jwk` only (a private member such as `d`
    is refused) whose type matches `alg`; the signature by that key; `jti`; `htm`, `htu`
    (normalized); `iat` within the window; `ath` when an access token is given.
    The nonce and the replay cache are the caller's (see `dpop_nonce_valid`).

    @par Thread Safety
    Safe to call concurrently.
    @par Exception Safety
    Never throws for bad input; only `std::bad_alloc`.
*/
BEAST_OAUTH_DECL boost::system::result<dpop_proof, dpop_error>
validate_dpop_proof(std::string_view proof, dpop_request const& req, dpop_options const& o);

/** The RFC 7638 thumbprint of a public JWK (EC P-256 or OKP Ed25519), base64url; empty when the
    key is not one of those. */
BEAST_OAUTH_DECL std::string jwk_thumbprint(boost::json::object const& jwk);

/// `ath` (RFC 9449 4.2): base64url SHA-256 of the access token.
BEAST_OAUTH_DECL std::string dpop_access_token_hash(std::string_view access_token);

/** `url` as compared for `htu` (RFC 9449 4.3, RFC 3986 6.2.2/6.2.3): scheme and host lower
    case, default port dropped, empty path "/", percent-encoding normalized, no query or
    fragment. Nullopt when it is not an absolute http(s) URL. */
BEAST_OAUTH_DECL std::optional<std::string> normalize_htu(std::string_view url);

/** A stateless server nonce (RFC 9449 8): `window "." HMAC(secret, window)` for the time window
    `now / lifetime`; every instance with the same secret makes and accepts the same nonces.
    `derive(from, label)` is the keyed derivation (server_core::derive_token). */
template<class Derive>
std::string dpop_make_nonce(Derive const& derive, time_point now, std::chrono::seconds lifetime)
{
    auto w = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() /
                            (lifetime.count() > 0 ? lifetime.count() : 1));
    return w + "." + derive(w, "dpop-nonce");
}

/// Whether `nonce` is the current or the previous window's nonce.
template<class Derive>
bool dpop_nonce_valid(Derive const& derive, std::string_view nonce, time_point now, std::chrono::seconds lifetime)
{
    if(nonce.empty())
        return false;
    if(nonce == dpop_make_nonce(derive, now, lifetime))
        return true;
    return nonce == dpop_make_nonce(derive, now - (lifetime.count() > 0 ? lifetime : std::chrono::seconds(1)), lifetime);
}

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/dpop.ipp>
#endif

#endif
