#ifndef BEAST_OAUTH_DETAIL_DPOP_CHECK_HPP
#define BEAST_OAUTH_DETAIL_DPOP_CHECK_HPP

// The server side of a DPoP proof (RFC 9449 4.3, 8, 11.1), shared by the token endpoint and
// the resource check: the header, the stateless validation, the nonce, the replay-cache key.

#include <beast_oauth/core.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/dpop.hpp>
#include <beast_oauth/failure.hpp>
#include <beast_oauth/http_types.hpp>
#include <beast_oauth/store_op.hpp>
#include <iterator>

namespace beast_oauth {
namespace detail {

/// With `dpop.enabled` unset: on in the strict profile, off in the Seam profile.
inline bool dpop_enabled(server_options const& o) noexcept
{
    return o.dpop.enabled.value_or(o.profile == profile::strict);
}

/// The `DPoP` request header (RFC 9449 4.1): absent, one value, or repeated (refused, 4.3 (1)).
struct dpop_header
{
    bool present = false;
    bool repeated = false;
    std::string_view value;
};

inline dpop_header read_dpop_header(http_request const& req)
{
    dpop_header h;
    auto r = req.equal_range("DPoP");
    if(r.first == r.second)
        return h;
    h.present = true;
    h.repeated = std::next(r.first) != r.second;
    h.value = std::string_view(r.first->value().data(), r.first->value().size());
    return h;
}

/// The current server nonce (RFC 9449 8).
inline std::string dpop_nonce(server_core const& core)
{
    return dpop_make_nonce([&core](std::string_view from, std::string_view label) { return core.derive_token(from, label); },
                           core.now(), core.options().dpop.nonce_lifetime);
}

/** Validates a proof for a request: statelessly, then the nonce when required.
    Failures: `invalid_dpop_proof`, or `use_dpop_nonce` (the caller sends `DPoP-Nonce`). */
inline oauth_result<dpop_proof> check_dpop(server_core const& core, std::string_view proof, std::string_view method,
                                           std::string_view url, std::string_view access_token)
{
    auto const& o = core.options().dpop;
    auto r = validate_dpop_proof(proof, dpop_request{method, url, access_token, core.now()}, o);
    if(!r)
        return fail(error::invalid_dpop_proof, r.error().description);
    if(o.require_nonce)
    {
        auto derive = [&core](std::string_view from, std::string_view label) { return core.derive_token(from, label); };
        if(!dpop_nonce_valid(derive, r->nonce, core.now(), o.nonce_lifetime))
            return fail(error::use_dpop_nonce, "the DPoP proof must carry the server's nonce");
    }
    return std::move(*r);
}

/** The replay-cache claim for a validated proof: the key is base64url SHA-256 of jkt "." jti
    (a jti is unique per key, RFC 9449 11.1), kept until the proof's iat leaves the window. */
inline void dpop_claim_op(server_core const& core, dpop_proof const& p, std::string& key, store_op& op)
{
    auto d = sha256(p.jkt + "." + p.jti);
    key = base64url_encode(d.data(), d.size());
    op.reset();
    op.what = store_op::kind::claim_dpop_jti;
    op.key = key;
    op.expires_at = p.iat + core.options().dpop.max_age + std::chrono::seconds(1);
    op.keep = core.options().dpop.replay_cache_capacity;
}

/** The replay cache is shared by every client: a source that has spent its
    dpop_options::proofs_per_source gets a 429 that concerns it alone, before its proof can
    take a cache entry (nullopt: it may). `source` names the source (see dpop_address_source). */
inline std::optional<oauth_failure> dpop_budget_failure(server_core const& core, std::string_view source)
{
    auto wait = core.dpop_budget_spent(source);
    if(!wait)
        return std::nullopt;
    auto f = fail(error::temporarily_unavailable, "too many DPoP proofs from this source; retry later", 429);
    f.retry_after = *wait;
    return f;
}

/// A token request's budget source: its address (canonical, IPv6 per network); empty (no
/// budget: never one shared by every client) when the address is unknown or throttling is off.
inline std::string dpop_address_source(server_core const& core, request_context const& ctx)
{
    auto const* t = core.throttle();
    if(!t || ctx.remote_address.empty())
        return {};
    return "address:" + t->canonical_address(ctx.remote_address);
}

/// The failure for a claim that did not succeed (nullopt: claimed).
inline std::optional<oauth_failure> dpop_claim_failure(dpop_jti_status st)
{
    if(st == dpop_jti_status::claimed)
        return std::nullopt;
    if(st == dpop_jti_status::replayed)
        return fail(error::invalid_dpop_proof, "the DPoP proof was already used");
    // Full: refuse new proofs (never evict, that would re-enable a replay); the client retries.
    auto f = fail(error::temporarily_unavailable, "the DPoP replay cache is full; retry later");
    f.retry_after = std::chrono::seconds(5);
    return f;
}

/// The origin of `issuer` ("https://host[:port]"), for a resource request's htu.
inline std::string issuer_origin(std::string const& issuer)
{
    auto p = issuer.find("://");
    if(p == std::string::npos)
        return issuer;
    auto slash = issuer.find('/', p + 3);
    return slash == std::string::npos ? issuer : issuer.substr(0, slash);
}

} // namespace detail
} // namespace beast_oauth

#endif
