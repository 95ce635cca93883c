#ifndef BEAST_OAUTH_IMPL_JWT_TOKENS_IPP
#define BEAST_OAUTH_IMPL_JWT_TOKENS_IPP

// Token representations: opaque HMAC tokens, JWT access tokens (RFC 9068) and
// self-contained JWT authorization codes; the JWKS endpoint (RFC 7517).

#include <beast_oauth/server.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <boost/json/serialize.hpp>

namespace beast_oauth {

namespace detail {

constexpr std::string_view access_jwt_typ = "at+jwt";      // RFC 9068 2.1
constexpr std::string_view code_jwt_typ = "boa-code+jwt";  // our own: a code is not an access token

inline bool looks_like_jwt(std::string_view token) noexcept
{
    return token.size() > 3 && token.substr(0, 3) == "eyJ";
}

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

BEAST_OAUTH_DECL std::string authorization_server::make_access_token(token_record& at,
                                                                     std::string_view derived_random) const
{
    if(options_.access_token_format == token_format::opaque)
    {
        auto issued = derived_random.empty() ? codec_.issue(detail::access_token_prefix)
                                             : codec_.issue_derived(detail::access_token_prefix, derived_random);
        at.signature = std::move(issued.signature);
        return std::move(issued.token);
    }
    // RFC 9068 2.2: iss, exp, aud, sub, client_id, iat, jti (+ scope).
    at.signature = derived_random.empty() ? detail::random_base64url(32) : std::string(derived_random);
    boost::json::object claims;
    claims["iss"] = options_.issuer;
    claims["sub"] = at.subject;
    claims["aud"] = options_.jwt_audience.empty() ? options_.issuer : options_.jwt_audience;
    claims["client_id"] = at.client_id;
    claims["iat"] = detail::unix_seconds(at.issued_at);
    claims["exp"] = detail::unix_seconds(at.expires_at);
    claims["jti"] = at.signature;
    if(!at.scope.empty())
        claims["scope"] = at.scope;
    return jws_sign(*options_.signing_keys->active(), detail::access_jwt_typ, claims);
}

BEAST_OAUTH_DECL std::shared_ptr<token_record const> authorization_server::access_from_jwt(
    std::string_view token, bool check_expiry, std::string& why) const
{
    if(!options_.signing_keys)
    {
        why = "the access token is invalid";
        return nullptr;
    }
    auto v = jws_verify(token, *options_.signing_keys, detail::access_jwt_typ);
    if(!v.ok())
    {
        why = "the access token is invalid";
        return nullptr;
    }
    auto const& c = v.claims;
    auto rec = std::make_shared<token_record>();
    rec->kind = token_kind::access;
    rec->signature = detail::claim_string(c, "jti");
    rec->subject = detail::claim_string(c, "sub");
    rec->client_id = detail::claim_string(c, "client_id");
    rec->scope = detail::claim_string(c, "scope");
    auto aud = options_.jwt_audience.empty() ? options_.issuer : options_.jwt_audience;
    if(detail::claim_string(c, "iss") != options_.issuer || detail::claim_string(c, "aud") != aud ||
       rec->signature.size() != 43 || rec->subject.empty() || rec->client_id.empty() ||
       !detail::claim_seconds(c, "exp", rec->expires_at) || !detail::claim_seconds(c, "iat", rec->issued_at))
    {
        why = "the access token is invalid";
        return nullptr;
    }
    if(check_expiry && now() >= rec->expires_at)
    {
        why = "the access token expired";
        return nullptr;
    }
    if(!options_.jwt_check_revocation)
        return rec;
    // Revocation by jti: the store keeps a record for every live JWT it issued.
    auto stored = tokens_.find_token(rec->signature);
    if(!stored || stored->kind != token_kind::access)
    {
        why = "the access token is invalid or revoked";
        return nullptr;
    }
    return stored;
}

BEAST_OAUTH_DECL std::string authorization_server::make_code(code_record& rec) const
{
    if(options_.code_format == token_format::opaque)
    {
        // Bound to the client: presented by another client, the code fails its MAC check and
        // is refused without being consumed (so it cannot be burnt by whoever saw it).
        auto issued = codec_.issue(detail::code_prefix, rec.client_id);
        rec.signature = issued.signature;
        codes_.save_code(rec);
        return std::move(issued.token);
    }
    // Self-contained: nothing stored now; claim_code keeps it single-use at redemption.
    rec.signature = detail::random_base64url(32);
    boost::json::object claims;
    claims["iss"] = options_.issuer;
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
    return jws_sign(*options_.signing_keys->active(), detail::code_jwt_typ, claims);
}

BEAST_OAUTH_DECL consume_result authorization_server::redeem_code(std::string_view code,
                                                                   std::string_view client_id) const
{
    consume_result r; // not_found
    if(!detail::looks_like_jwt(code))
    {
        auto signature = codec_.verify(code, detail::code_prefix, client_id);
        return signature ? codes_.consume_code(*signature) : r;
    }
    if(!options_.signing_keys)
        return r;
    auto v = jws_verify(code, *options_.signing_keys, detail::code_jwt_typ);
    if(!v.ok())
        return r;
    auto const& c = v.claims;
    code_record rec;
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
    if(detail::claim_string(c, "iss") != options_.issuer || rec.signature.size() != 43 ||
       rec.grant_id.empty() || rec.client_id.empty() || !detail::claim_seconds(c, "exp", rec.expires_at) ||
       !detail::claim_seconds(c, "iat", rec.issued_at))
        return r;
    if(rec.client_id != client_id)
        return r; // another client's code: refused before it is claimed (never burnt)
    r = codes_.claim_code(rec.signature, rec.grant_id, rec.expires_at);
    if(r.status == consume_status::consumed)
        r.record = std::move(rec);
    return r;
}

BEAST_OAUTH_DECL http_response authorization_server::handle_jwks(http_request const& req) const
{
    namespace http = boost::beast::http;
    auto res = detail::json_response(req, 200, boost::json::serialize(options_.signing_keys->jwks()));
    res.set(http::field::cache_control, "public, max-age=300");
    res.erase(http::field::pragma);
    return res;
}

} // namespace beast_oauth

#endif
