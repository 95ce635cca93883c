#ifndef BEAST_OAUTH_IMPL_CORE_IPP
#define BEAST_OAUTH_IMPL_CORE_IPP

#include <beast_oauth/core.hpp>
#include <beast_oauth/detail/log_escape.hpp>
#include <beast_oauth/secret_hash.hpp>
#include <stdexcept>

namespace beast_oauth {

namespace detail {

// Separate keys for each use of the server secret (HMAC as a KDF).
inline std::string derive_key(std::string_view secret, std::string_view label)
{
    return std::string(as_view(hmac_sha256(secret, label)));
}

inline std::string server_secret(std::string const& configured)
{
    if(configured.empty())
        return random_base64url(32);
    if(configured.size() < 32)
        throw std::invalid_argument("beast_oauth: secret_key must be at least 32 bytes");
    return configured;
}

} // namespace detail

BEAST_OAUTH_DECL server_core::server_core(server_options options, store_set stores, async_store_set async)
    : options_(std::move(options))
    , stores_(stores)
    , async_(async)
    , secret_(detail::server_secret(options_.secret_key))
    , csrf_key_(detail::derive_key(secret_, "beast_oauth csrf v1"))
    , session_key_(detail::derive_key(secret_, "beast_oauth session v2"))
    , par_key_(detail::derive_key(secret_, "beast_oauth par v1"))
    , rotation_key_(detail::derive_key(secret_, "beast_oauth refresh rotation v1"))
    , codec_(detail::derive_key(secret_, "beast_oauth token v1"))
{
    if(stores_.tokens && stores_.tokens->is_durable() && options_.secret_key.empty() && !options_.ephemeral_secret_key)
        throw std::invalid_argument(
            "beast_oauth: the token store is durable but server_options::secret_key is empty: a random "
            "key per process would make every stored token invalid at the next restart. Set secret_key "
            "(at least 32 bytes, the same on every instance), e.g. from "
            "beast_oauth::load_or_create_secret_key(path) in <beast_oauth/key_file.hpp>, or set "
            "server_options::ephemeral_secret_key = true to accept losing them");
    if(options_.code_ttl.count() <= 0 || options_.code_ttl > std::chrono::seconds(600))
        throw std::invalid_argument("beast_oauth: code_ttl must be 1 to 600 seconds (RFC 6749 4.1.2)");
    if(options_.par_ttl.count() <= 0 || options_.par_ttl > std::chrono::seconds(600))
        throw std::invalid_argument("beast_oauth: par_ttl must be 1 to 600 seconds (RFC 9126 2.2: short-lived)");
    if(options_.require_pushed_authorization_requests && options_.par_path.empty())
        throw std::invalid_argument("beast_oauth: require_pushed_authorization_requests needs par_path");
    if(options_.access_token_ttl.count() <= 0)
        throw std::invalid_argument("beast_oauth: access_token_ttl must be positive");
    bool const jwt = options_.access_token_format == token_format::jwt || options_.code_format == token_format::jwt;
    if(jwt && (!options_.signing_keys || options_.signing_keys->empty()))
        throw std::invalid_argument("beast_oauth: JWT tokens or codes need signing_keys");
    if(jwt && options_.issuer.empty())
        throw std::invalid_argument("beast_oauth: JWT tokens or codes need an issuer");
    if(options_.rate_limiting)
    {
        limiter_ = options_.rate_limiter ? options_.rate_limiter : std::make_shared<token_bucket_limiter>();
        throttle_.emplace(limiter_, options_.throttle);
    }
    secret_cache_ = std::make_shared<detail::verified_secret_cache>();
    validate_sign_in_page_options(options_.sign_in);
    secure_cookies_ = options_.secure_cookies.value_or(options_.issuer.rfind("https://", 0) == 0);
}

BEAST_OAUTH_DECL time_point server_core::now() const
{
    return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

BEAST_OAUTH_DECL void server_core::log(std::string_view name, std::string_view detail) const
{
    if(options_.log)
        options_.log(log_event{name, detail});
}

BEAST_OAUTH_DECL void server_core::audit(audit_event_type type, request_context const& ctx,
                                         std::string_view client_id, std::string_view subject,
                                         std::string_view username, std::string_view grant_id,
                                         std::string_view detail) const
{
    if(!options_.audit)
        return;
    // Fields a client chose (client_id, username, the address a proxy reported) reach the hook
    // with control characters escaped, so no log format can be forged by a newline in them.
    std::string escaped[6];
    std::string_view fields[6] = {client_id, subject, username, ctx.remote_address, grant_id, detail};
    for(std::size_t i = 0; i < 6; ++i)
        if(detail::needs_log_escaping(fields[i]))
        {
            escaped[i] = detail::escape_for_log(fields[i]);
            fields[i] = escaped[i];
        }
    auto const actor = type == audit_event_type::code_replay_detected || type == audit_event_type::refresh_reuse_detected
                           ? revocation_actor::replay_rule
                           : revocation_actor::none; // who asked for the revocation (grant_manager sets its own)
    options_.audit(audit_event{type, now(), fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], actor});
}

BEAST_OAUTH_DECL throttle_attempt server_core::attempt_for(authentication_throttle::subject_kind kind,
                                                           std::string_view who, request_context const& ctx) const
{
    return throttle_ ? throttle_->attempt_for(kind, who, ctx.remote_address) : throttle_attempt{};
}

BEAST_OAUTH_DECL std::optional<std::chrono::seconds> server_core::throttled(throttle_attempt const& attempt,
                                                                           request_context const& ctx,
                                                                           std::string_view client_id,
                                                                           std::string_view username) const
{
    if(!throttle_)
        return std::nullopt;
    auto verdict = throttle_->check(attempt, now());
    if(!verdict)
        return std::nullopt;
    audit(audit_event_type::rate_limited, ctx, client_id, {}, username, {}, verdict->reason);
    return verdict->wait;
}

BEAST_OAUTH_DECL std::optional<std::chrono::seconds> server_core::dpop_budget_spent(std::string_view source) const
{
    if(!limiter_ || source.empty())
        return std::nullopt;
    return limiter_->check(std::string("dpop|") += source, options_.dpop.proofs_per_source, now());
}

BEAST_OAUTH_DECL void server_core::dpop_budget_charge(std::string_view source) const
{
    if(limiter_ && !source.empty())
        limiter_->record_failure(std::string("dpop|") += source, options_.dpop.proofs_per_source, now());
}

BEAST_OAUTH_DECL void server_core::failed(throttle_attempt const& attempt) const
{
    if(throttle_)
        throttle_->failed(attempt, now());
}

BEAST_OAUTH_DECL void server_core::succeeded(throttle_attempt const& attempt) const
{
    if(throttle_)
        throttle_->succeeded(attempt);
}

BEAST_OAUTH_DECL bool server_core::client_secret_matches(client const& c, std::string_view secret) const
{
    // A slow (PBKDF2) hash is paid once per process for a secret that verified; see verified_secret_cache.
    bool const slow = !detail::is_fast_secret_hash(c.secret_hash);
    if(slow && secret_cache_->contains(c.client_id, c.secret_hash, secret))
        return true;
    if(!verify_secret(secret, c.secret_hash))
        return false;
    if(slow)
        secret_cache_->insert(c.client_id, c.secret_hash, secret);
    return true;
}

BEAST_OAUTH_DECL std::string server_core::derive_token(std::string_view from, std::string_view label) const
{
    auto mac = rotation_key_.mac(std::string(label) + "|" + std::string(from));
    return detail::base64url_encode(mac.data(), mac.size());
}

} // namespace beast_oauth

#endif
