#ifndef BEAST_OAUTH_IMPL_SERVER_IPP
#define BEAST_OAUTH_IMPL_SERVER_IPP

#include <beast_oauth/server.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/detail/log_escape.hpp>
#include <beast_oauth/secret_hash.hpp>
#include <beast_oauth/sign_in_page.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <stdexcept>

namespace beast_oauth {

namespace detail {

constexpr std::string_view code_prefix = "boa_ac_";
constexpr std::string_view access_token_prefix = "boa_at_";
constexpr std::string_view refresh_token_prefix = "boa_rt_";

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

// Sets a query parameter, replacing any of the same name. Everything but RFC 3986
// unreserved characters is percent-encoded, so '+' stays '+' for form decoders too
// (Boost.URL's params().set() leaves '+' bare, which they would read as a space).
// RFC 6749 4.1.2 / 4.1.2.1: the redirect URI with response parameters added to its query,
// keeping the parameters it was registered with. A registered parameter with one of the
// response's names is removed first, so the URI can never carry two codes or states.
// Values are percent-encoded down to unreserved characters; one Boost.URL edit appends all.
// A pair with an empty key is skipped (an optional parameter that is absent).
inline std::string with_query_params(std::string_view redirect_uri,
                                     std::initializer_list<std::pair<std::string_view, std::string_view>> params)
{
    std::string_view keys[4];
    std::string values[4]; // percent-encoded
    std::size_t n = 0;
    for(auto const& [key, value] : params)
    {
        if(key.empty())
            continue;
        if(n == 4)
            throw std::logic_error("beast_oauth: with_query_params takes at most 4 parameters");
        keys[n] = key; // our own names: unreserved characters only
        values[n++] = boost::urls::encode(boost::urls::string_view(value.data(), value.size()),
                                          boost::urls::unreserved_chars);
    }
    // Fast path: a redirect URI without a query (Seam's) or fragment (never accepted) takes the
    // parameters appended as text.
    if(redirect_uri.find_first_of("?#") == std::string_view::npos)
    {
        std::string out;
        out.reserve(redirect_uri.size() + 256);
        out.append(redirect_uri);
        for(std::size_t i = 0; i < n; ++i)
        {
            out.push_back(i == 0 ? '?' : '&');
            out.append(keys[i]);
            out.push_back('=');
            out.append(values[i]);
        }
        return out;
    }
    boost::urls::url u(boost::urls::string_view(redirect_uri.data(), redirect_uri.size()));
    auto query = u.encoded_params();
    boost::urls::param_pct_view views[4];
    for(std::size_t i = 0; i < n; ++i)
    {
        auto k = boost::urls::string_view(keys[i].data(), keys[i].size());
        if(u.has_query() && query.contains(k))
            query.erase(k);
        views[i] = boost::urls::param_pct_view(boost::urls::pct_string_view(k), boost::urls::pct_string_view(values[i]));
    }
    query.append(views, views + n);
    return std::string(u.buffer());
}

inline void set_common_headers(http_response& res, http_request const& req)
{
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(boost::beast::http::field::cache_control, "no-store");
    res.set(boost::beast::http::field::pragma, "no-cache");
}

} // namespace detail

BEAST_OAUTH_DECL authorization_server::authorization_server(server_options options,
                                                            client_store& clients, code_store& codes,
                                                            token_store& tokens,
                                                            user_authenticator& users)
    : options_(std::move(options))
    , clients_(clients)
    , codes_(codes)
    , tokens_(tokens)
    , users_(users)
    , secret_(detail::server_secret(options_.secret_key))
    , csrf_key_(detail::derive_key(secret_, "beast_oauth csrf v1"))
    , session_key_(detail::derive_key(secret_, "beast_oauth session v2"))
    , rotation_key_(detail::derive_key(secret_, "beast_oauth refresh rotation v1"))
    , codec_(detail::derive_key(secret_, "beast_oauth token v1"))
{
    if(tokens.is_durable() && options_.secret_key.empty() && !options_.ephemeral_secret_key)
        throw std::invalid_argument(
            "beast_oauth: the token store is durable but server_options::secret_key is empty: a random "
            "key per process would make every stored token invalid at the next restart. Set secret_key "
            "(at least 32 bytes, the same on every instance), e.g. from "
            "beast_oauth::load_or_create_secret_key(path) in <beast_oauth/key_file.hpp>, or set "
            "server_options::ephemeral_secret_key = true to accept losing them");
    if(options_.code_ttl.count() <= 0 || options_.code_ttl > std::chrono::seconds(600))
        throw std::invalid_argument("beast_oauth: code_ttl must be 1 to 600 seconds (RFC 6749 4.1.2)");
    if(options_.access_token_ttl.count() <= 0)
        throw std::invalid_argument("beast_oauth: access_token_ttl must be positive");
    bool const jwt = options_.access_token_format == token_format::jwt || options_.code_format == token_format::jwt;
    if(jwt && (!options_.signing_keys || options_.signing_keys->empty()))
        throw std::invalid_argument("beast_oauth: JWT tokens or codes need signing_keys");
    if(jwt && options_.issuer.empty())
        throw std::invalid_argument("beast_oauth: JWT tokens or codes need an issuer");
    if(options_.rate_limiting)
        throttle_.emplace(options_.rate_limiter ? options_.rate_limiter : std::make_shared<token_bucket_limiter>(),
                          options_.throttle);
    secret_cache_ = std::make_shared<detail::verified_secret_cache>();
    validate_sign_in_page_options(options_.sign_in);
    secure_cookies_ = options_.secure_cookies.value_or(options_.issuer.rfind("https://", 0) == 0);
}

BEAST_OAUTH_DECL time_point authorization_server::now() const
{
    return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

BEAST_OAUTH_DECL void authorization_server::log(std::string_view name, std::string_view detail) const
{
    if(options_.log)
        options_.log(log_event{name, detail});
}

BEAST_OAUTH_DECL void authorization_server::audit(audit_event_type type, request_context const& ctx,
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
                           : revocation_actor::none; // issue 14: who asked for the revocation
    options_.audit(audit_event{type, now(), fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], actor});
}

BEAST_OAUTH_DECL std::optional<std::chrono::seconds> authorization_server::throttled(
    throttle_attempt const& attempt, request_context const& ctx, std::string_view client_id,
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

BEAST_OAUTH_DECL void authorization_server::record_failure(throttle_attempt const& attempt) const
{
    if(throttle_)
        throttle_->failed(attempt, now());
}

BEAST_OAUTH_DECL bool authorization_server::client_secret_matches(client const& c, std::string_view secret) const
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

BEAST_OAUTH_DECL std::string authorization_server::cookie_name(std::string_view base) const
{
    // RFC 6265bis 4.1.3.2: "__Host-" pins the cookie to this host, Secure, Path=/.
    return (secure_cookies_ ? "__Host-" : "") + std::string(base);
}

BEAST_OAUTH_DECL std::string authorization_server::csrf_token(std::string_view nonce,
                                                              authorization_request const& ar) const
{
    // Binds the token to the browser (cookie nonce) and to this exact request.
    std::string binding;
    binding.reserve(256);
    for(std::string_view part : {std::string_view(nonce), std::string_view(ar.client->client_id),
                                 std::string_view(ar.redirect_uri), std::string_view(ar.state),
                                 std::string_view(ar.scope), std::string_view(ar.code_challenge),
                                 std::string_view(ar.code_challenge_method)})
    {
        binding += std::to_string(part.size());
        binding.push_back(':');
        binding.append(part);
    }
    binding.push_back(ar.prompt_login ? '1' : '0');
    auto mac = csrf_key_.mac(binding);
    return detail::base64url_encode(mac.data(), mac.size());
}

BEAST_OAUTH_DECL std::string authorization_server::make_session(user_identity const& who) const
{
    auto expires = std::chrono::duration_cast<std::chrono::seconds>(
                       (now() + options_.session_ttl).time_since_epoch())
                       .count();
    return session_key_.seal(who, expires); // AES-256-GCM: nothing personal readable (detail/session_cookie.hpp)
}

BEAST_OAUTH_DECL std::optional<user_identity> authorization_server::read_session(std::string_view cookie) const
{
    if(options_.session_ttl.count() <= 0)
        return std::nullopt;
    auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    return session_key_.open(cookie, now_s);
}

BEAST_OAUTH_DECL std::optional<user_identity> authorization_server::signed_in_owner(http_request const& req) const
{
    return read_session(detail::find_cookie(req[boost::beast::http::field::cookie], cookie_name("boa_session")));
}

BEAST_OAUTH_DECL std::string authorization_server::issue_code_redirect(authorization_request const& ar,
                                                                       user_identity const& owner) const
{
    code_record rec;
    rec.grant_id = detail::random_base64url(16);
    rec.client_id = ar.client->client_id;
    rec.subject = owner.subject;
    rec.scope = ar.scope;
    rec.scope_changed = ar.scope_changed;
    rec.redirect_uri = ar.redirect_uri;
    rec.redirect_uri_sent = ar.redirect_uri_sent;
    rec.code_challenge = ar.code_challenge;
    rec.code_challenge_method = ar.code_challenge_method;
    rec.issued_at = now();
    rec.expires_at = rec.issued_at + options_.code_ttl;
    auto code = make_code(rec);
    audit(audit_event_type::code_issued, {}, rec.client_id, rec.subject, {}, rec.grant_id);

    // RFC 6749 4.1.2: code and state; RFC 9207 2: iss.
    std::string_view const absent{};
    return detail::with_query_params(ar.redirect_uri, {{"code", code},
                                                       {ar.has_state ? "state" : absent, ar.state},
                                                       {options_.issuer.empty() ? absent : "iss", options_.issuer}});
}

BEAST_OAUTH_DECL std::string authorization_server::make_error_redirect(authorization_request const& ar,
                                                                       error e,
                                                                       std::string_view description) const
{
    std::string_view const absent{};
    return detail::with_query_params(ar.redirect_uri, {{"error", wire_name(e)},
                                                       {description.empty() ? absent : "error_description", description},
                                                       {ar.has_state ? "state" : absent, ar.state},
                                                       {options_.issuer.empty() ? absent : "iss", options_.issuer}}); // RFC 9207 2
}

BEAST_OAUTH_DECL http_response authorization_server::make_server_error(http_request const& req, error e,
                                                                      std::chrono::seconds retry_after) const
{
    auto path = req.target().substr(0, req.target().find('?'));
    http_response res;
    if(path == options_.authorize_path)
        res = error_page(req, "The server could not complete the request. Please try again later.",
                         http_status(e));
    else
    {
        res = http_response{static_cast<boost::beast::http::status>(http_status(e)), req.version()};
        detail::set_common_headers(res, req);
        res.set(boost::beast::http::field::content_type, "application/json");
        res.body() = std::string("{\"error\":\"") + std::string(wire_name(e)) + "\"}";
        res.prepare_payload();
    }
    if(retry_after.count() > 0)
        res.set(boost::beast::http::field::retry_after, std::to_string(retry_after.count()));
    return res;
}

} // namespace beast_oauth

#endif
