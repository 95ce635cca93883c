#ifndef BEAST_OAUTH_IMPL_BEARER_IPP
#define BEAST_OAUTH_IMPL_BEARER_IPP

// Bearer token usage, RFC 6750 2.1 (Authorization header) and 3 (WWW-Authenticate).

#include <beast_oauth/server.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/scope.hpp>
#include <beast_oauth/params.hpp>
#include <iterator>

namespace beast_oauth {

namespace detail {
// RFC 6750 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
// A table, not character-class branches: token characters are random, branches mispredict.
struct b64token_table
{
    bool ok[256];
};
constexpr b64token_table make_b64token_table()
{
    b64token_table t{};
    for(int c = 0; c < 256; ++c)
        t.ok[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    return t;
}
constexpr b64token_table b64token_chars = make_b64token_table();

// The answer when the token store failed: 503 with the store's retry hint, if any.
inline bearer_result store_failure_bearer_result(std::chrono::seconds retry_after)
{
    bearer_result r;
    r.err = error::temporarily_unavailable;
    r.description = "the token store is unavailable";
    r.credentials_present = true;
    r.retry_after = retry_after;
    return r;
}

// Whether a form-encoded string has a parameter named `name` (RFC 6750 2.2/2.3 access_token).
// Names are compared after percent-decoding, so "access%5Ftoken" counts too.
inline bool has_form_param(std::string_view form, std::string_view name)
{
    if(form.find(name) == std::string_view::npos && form.find('%') == std::string_view::npos)
        return false; // the common case: no parse
    param_list params;
    param_error perr;
    param_limits limits;
    limits.max_count = 1000;
    limits.max_size = form.size() + 1;
    if(parse_form(form, params, perr, limits))
        return form.find(name) != std::string_view::npos; // malformed: decide on the raw text
    return params.contains(name);
}

inline bool is_b64token(std::string_view s) noexcept
{
    std::size_t i = 0;
    while(i < s.size() && b64token_chars.ok[static_cast<unsigned char>(s[i])])
        ++i;
    if(i == 0)
        return false;
    for(; i < s.size(); ++i)
        if(s[i] != '=')
            return false;
    return true;
}
} // namespace detail

BEAST_OAUTH_DECL bearer_result authorization_server::validate_bearer(std::string_view authorization,
                                                                     std::string_view required_scope) const
{
    bearer_result r;
    r.required_scope = std::string(required_scope);
    auto fail = [&r](error e, char const* description) -> bearer_result& {
        r.err = e;
        r.description = description;
        return r;
    };
    std::string_view scheme, credentials;
    if(authorization.empty())
        return fail(error::invalid_token, "no access token"); // RFC 6750 3.1: no error attribute
    if(!detail::split_authorization(authorization, scheme, credentials))
    {
        if(detail::iequals(detail::trim_ows(authorization), "Bearer"))
        {
            r.credentials_present = true;
            return fail(error::invalid_request, "the Bearer credentials are empty");
        }
        return fail(error::invalid_token, "no access token");
    }
    if(!detail::iequals(scheme, "Bearer"))
        return fail(error::invalid_token, "no access token"); // another scheme: no Bearer credentials
    r.credentials_present = true;
    std::shared_ptr<token_record const> token;
    auto const jwt = detail::looks_like_jwt(credentials);
    // A genuine opaque token (its HMAC verifies) is b64token by construction: the syntax
    // check only runs to name what is wrong with one that does not verify.
    auto const signature = jwt ? std::nullopt : codec_.verify(credentials, detail::access_token_prefix);
    if(!signature && !detail::is_b64token(credentials))
        return fail(error::invalid_request, "the Bearer credentials are malformed");
    if(jwt)
    {
        std::string why;
        token = access_from_jwt(credentials, true, why);
        if(!token)
        {
            r.err = error::invalid_token;
            r.description = std::move(why);
            return r;
        }
    }
    else
    {
        if(!signature)
            return fail(error::invalid_token, "the access token is invalid");
        token = tokens_.find_token(*signature);
    }
    if(!token || token->kind != token_kind::access)
        return fail(error::invalid_token, "the access token is invalid or revoked");
    if(now() >= token->expires_at)
        return fail(error::invalid_token, "the access token expired");
    if(!required_scope.empty() && !scope_includes(token->scope, required_scope))
        return fail(error::insufficient_scope, "the access token lacks the required scope");
    r.token = std::move(token);
    return r;
}

BEAST_OAUTH_DECL bearer_result authorization_server::validate_bearer(http_request const& req,
                                                                     std::string_view required_scope) const
{
    namespace http = boost::beast::http;
    // RFC 6750 2: one method per request. Two Authorization fields, or a header token plus an
    // access_token in the query or a form body, would let two components check different tokens.
    auto authorization = req[http::field::authorization];
    if(!authorization.empty())
    {
        auto auths = req.equal_range(http::field::authorization);
        bool const twice = std::next(auths.first) != auths.second;
        auto q = req.target().find('?');
        bool const in_query = q != boost::beast::string_view::npos &&
                              detail::has_form_param(req.target().substr(q + 1), "access_token");
        bool const in_body = detail::iequals(detail::media_type(req[http::field::content_type]),
                                             "application/x-www-form-urlencoded") &&
                             detail::has_form_param(req.body(), "access_token");
        if(twice || in_query || in_body)
        {
            bearer_result r;
            r.required_scope = std::string(required_scope);
            r.credentials_present = true;
            r.err = error::invalid_request;
            r.description = "the access token was sent more than once or by more than one method";
            return r;
        }
    }
    try
    {
        return validate_bearer(authorization, required_scope);
    }
    catch(store_unavailable const& e)
    {
        log("store_unavailable", e.what());
        return detail::store_failure_bearer_result(e.retry_after());
    }
    catch(std::exception const& e)
    {
        log("store_exception", e.what());
        return detail::store_failure_bearer_result({});
    }
}

BEAST_OAUTH_DECL http_response authorization_server::make_bearer_error(bearer_result const& r,
                                                                       http_request const& req) const
{
    namespace http = boost::beast::http;
    auto status = r.credentials_present ? http_status(r.err) : 401u;
    http_response res{static_cast<http::status>(status), req.version()};
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    std::string challenge = "Bearer realm=\"" +
                            (options_.issuer.empty() ? std::string("api") : options_.issuer) + "\"";
    if(r.credentials_present && (r.err == error::invalid_request || r.err == error::invalid_token ||
                                 r.err == error::insufficient_scope))
    {
        challenge += ", error=\"" + std::string(wire_name(r.err)) + "\", error_description=\"" +
                     r.description + "\"";
        if(r.err == error::insufficient_scope && !r.required_scope.empty())
            challenge += ", scope=\"" + r.required_scope + "\"";
    }
    if(status == 401 || r.err == error::invalid_request || r.err == error::insufficient_scope)
        res.set(http::field::www_authenticate, challenge);
    if(r.err == error::temporarily_unavailable && r.retry_after.count() > 0)
        res.set(http::field::retry_after, std::to_string(r.retry_after.count())); // RFC 9110 10.2.3
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::string("{\"error\":\"") +
                 std::string(r.credentials_present ? wire_name(r.err) : "invalid_token") + "\"}";
    res.prepare_payload();
    return res;
}

} // namespace beast_oauth

#endif
