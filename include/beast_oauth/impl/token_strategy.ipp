#ifndef BEAST_OAUTH_IMPL_TOKEN_STRATEGY_IPP
#define BEAST_OAUTH_IMPL_TOKEN_STRATEGY_IPP

// Opaque HMAC tokens (fosite's strategy), JWT access tokens (RFC 9068) and self-contained JWT codes.

#include <beast_oauth/token_strategy.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/jwt.hpp>
#include <boost/json/object.hpp>

namespace beast_oauth {

namespace detail {

constexpr std::string_view access_jwt_typ = "at+jwt";     // RFC 9068 2.1
constexpr std::string_view code_jwt_typ = "boa-code+jwt"; // our own: a code is not an access token

inline std::string claim_string(boost::json::object const& o, char const* key)
{
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}

inline bool claim_seconds(boost::json::object const& o, char const* key, time_point& out)
{
    auto it = o.find(key);
    if(it == o.end() || !it->value().is_int64())
        return false;
    out = time_point(std::chrono::seconds(it->value().as_int64()));
    return true;
}

inline bool claim_bool(boost::json::object const& o, char const* key)
{
    auto it = o.find(key);
    return it != o.end() && it->value().is_bool() && it->value().as_bool();
}

} // namespace detail

BEAST_OAUTH_DECL token_strategy::token_strategy(std::shared_ptr<server_core const> core)
    : core_(std::move(core))
    , jwt_access_(core_->options().access_token_format == token_format::jwt)
    , jwt_codes_(core_->options().code_format == token_format::jwt)
{
}

BEAST_OAUTH_DECL bool token_strategy::looks_like_jwt(std::string_view token) noexcept
{
    return token.size() > 3 && token.substr(0, 3) == "eyJ";
}

BEAST_OAUTH_DECL std::string token_strategy::make_access_token(token_record& at, std::string_view derived_random) const
{
    auto const& o = core_->options();
    if(!jwt_access_)
    {
        auto issued = derived_random.empty() ? core_->codec().issue(detail::access_token_prefix)
                                             : core_->codec().issue_derived(detail::access_token_prefix, derived_random);
        at.signature = std::move(issued.signature);
        return std::move(issued.token);
    }
    // RFC 9068 2.2: iss, exp, aud, sub, client_id, iat, jti (+ scope).
    at.signature = derived_random.empty() ? detail::random_base64url(32) : std::string(derived_random);
    boost::json::object claims;
    claims["iss"] = o.issuer;
    claims["sub"] = at.subject;
    claims["aud"] = o.jwt_audience.empty() ? o.issuer : o.jwt_audience;
    claims["client_id"] = at.client_id;
    claims["iat"] = detail::unix_seconds(at.issued_at);
    claims["exp"] = detail::unix_seconds(at.expires_at);
    claims["jti"] = at.signature;
    if(!at.scope.empty())
        claims["scope"] = at.scope;
    if(!at.jkt.empty())
        claims["cnf"] = boost::json::object{{"jkt", at.jkt}}; // RFC 9449 6.1
    return jws_sign(*o.signing_keys->active(), detail::access_jwt_typ, claims);
}

BEAST_OAUTH_DECL token_strategy::presented_access token_strategy::read_access_token(std::string_view token) const
{
    presented_access p;
    read_access_token(token, p);
    return p;
}

BEAST_OAUTH_DECL void token_strategy::read_access_token(std::string_view token, presented_access& p) const
{
    auto const& o = core_->options();
    if(!looks_like_jwt(token))
    {
        if(auto sig = core_->codec().verify(token, detail::access_token_prefix))
            p.key = *sig;
        else
            p.why = "the access token is invalid";
        return;
    }
    p.why = "the access token is invalid";
    if(!o.signing_keys)
        return;
    auto v = jws_verify(token, *o.signing_keys, detail::access_jwt_typ);
    if(!v.ok())
        return;
    auto const& c = v.claims;
    auto rec = std::make_shared<token_record>();
    rec->kind = token_kind::access;
    rec->signature = detail::claim_string(c, "jti");
    rec->subject = detail::claim_string(c, "sub");
    rec->client_id = detail::claim_string(c, "client_id");
    rec->scope = detail::claim_string(c, "scope");
    if(auto const* cnf = c.if_contains("cnf"); cnf && cnf->is_object())
        rec->jkt = detail::claim_string(cnf->as_object(), "jkt");
    auto aud = o.jwt_audience.empty() ? o.issuer : o.jwt_audience;
    if(detail::claim_string(c, "iss") != o.issuer || detail::claim_string(c, "aud") != aud ||
       rec->signature.size() != 43 || rec->subject.empty() || rec->client_id.empty() ||
       !detail::claim_seconds(c, "exp", rec->expires_at) || !detail::claim_seconds(c, "iat", rec->issued_at))
        return;
    p.claims = std::move(rec);
    p.key = p.claims->signature;
    p.needs_lookup = o.jwt_check_revocation;
    p.why.clear();
}

BEAST_OAUTH_DECL std::optional<std::string> token_strategy::lookup_key(std::string_view token) const
{
    auto const& o = core_->options();
    if(looks_like_jwt(token))
    {
        if(!o.signing_keys)
            return std::nullopt;
        auto claims = jws_verify(token, *o.signing_keys, detail::access_jwt_typ);
        if(!claims.ok())
            return std::nullopt;
        return detail::claim_string(claims.claims, "jti");
    }
    for(auto prefix : {detail::access_token_prefix, detail::refresh_token_prefix})
        if(auto sig = core_->codec().verify(token, prefix))
            return std::string(*sig);
    return std::nullopt;
}

BEAST_OAUTH_DECL std::string token_strategy::make_code(code_record& rec, bool& store) const
{
    auto const& o = core_->options();
    if(!jwt_codes_)
    {
        // Bound to the client: presented by another client, the code fails its MAC check and
        // is refused without being consumed (so it cannot be burnt by whoever saw it).
        auto issued = core_->codec().issue(detail::code_prefix, rec.client_id);
        rec.signature = issued.signature;
        store = true;
        return std::move(issued.token);
    }
    // Self-contained: nothing stored now; claim_code keeps it single-use at redemption.
    store = false;
    rec.signature = detail::random_base64url(32);
    boost::json::object claims;
    claims["iss"] = o.issuer;
    claims["jti"] = rec.signature;
    claims["grant"] = rec.grant_id;
    claims["client_id"] = rec.client_id;
    claims["sub"] = rec.subject;
    claims["scope"] = rec.scope;
    claims["sc"] = rec.scope_changed;
    claims["ru"] = rec.redirect_uri;
    claims["rus"] = rec.redirect_uri_sent;
    claims["cc"] = rec.code_challenge;
    claims["ccm"] = rec.code_challenge_method;
    claims["iat"] = detail::unix_seconds(rec.issued_at);
    claims["exp"] = detail::unix_seconds(rec.expires_at);
    return jws_sign(*o.signing_keys->active(), detail::code_jwt_typ, claims);
}

BEAST_OAUTH_DECL token_strategy::presented_code token_strategy::read_code(std::string_view code,
                                                                          std::string_view client_id) const
{
    presented_code p;
    auto const& o = core_->options();
    if(!looks_like_jwt(code))
    {
        if(auto sig = core_->codec().verify(code, detail::code_prefix, client_id))
        {
            p.kind = presented_code::form::opaque;
            p.signature = *sig;
        }
        return p;
    }
    if(!o.signing_keys)
        return p;
    auto v = jws_verify(code, *o.signing_keys, detail::code_jwt_typ);
    if(!v.ok())
        return p;
    auto const& c = v.claims;
    auto& rec = p.record;
    rec.signature = detail::claim_string(c, "jti");
    rec.grant_id = detail::claim_string(c, "grant");
    rec.client_id = detail::claim_string(c, "client_id");
    rec.subject = detail::claim_string(c, "sub");
    rec.scope = detail::claim_string(c, "scope");
    rec.scope_changed = detail::claim_bool(c, "sc");
    rec.redirect_uri = detail::claim_string(c, "ru");
    rec.redirect_uri_sent = detail::claim_bool(c, "rus");
    rec.code_challenge = detail::claim_string(c, "cc");
    rec.code_challenge_method = detail::claim_string(c, "ccm");
    if(detail::claim_string(c, "iss") != o.issuer || rec.signature.size() != 43 || rec.grant_id.empty() ||
       rec.client_id.empty() || !detail::claim_seconds(c, "exp", rec.expires_at) ||
       !detail::claim_seconds(c, "iat", rec.issued_at))
        return p;
    if(rec.client_id != client_id)
        return p; // another client's code: refused before it is claimed (never burnt)
    p.kind = presented_code::form::jwt;
    return p;
}

} // namespace beast_oauth

#endif
