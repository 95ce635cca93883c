#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_AUTHORIZE_PAGE_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_AUTHORIZE_PAGE_IPP

// The sign-in page (CSRF: RFC 9700 4.7; clickjacking: 4.16), the session cookie, redirects.

#include <beast_oauth/endpoints/authorize_page.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/detail/request_uri.hpp>
#include <beast_oauth/endpoints/page_response.hpp>
#include <beast_oauth/scope.hpp>
#include <beast_oauth/sign_in_page.hpp>
#include <boost/beast/http/field.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL std::string authorize_page::cookie_name(std::string_view base) const
{
    // RFC 6265bis 4.1.3.2: "__Host-" pins the cookie to this host, Secure, Path=/.
    return (core_.secure_cookies() ? "__Host-" : "") + std::string(base);
}

BEAST_OAUTH_DECL std::string authorize_page::csrf_token(std::string_view nonce, authorization_request const& ar) const
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
    auto mac = core_.csrf_key().mac(binding);
    return detail::base64url_encode(mac.data(), mac.size());
}

BEAST_OAUTH_DECL std::string authorize_page::make_session(user_identity const& who) const
{
    auto expires = std::chrono::duration_cast<std::chrono::seconds>(
                       (core_.now() + core_.options().session_ttl).time_since_epoch())
                       .count();
    return core_.session_key().seal(who, expires); // AES-256-GCM: nothing personal readable (detail/session_cookie.hpp)
}

BEAST_OAUTH_DECL std::optional<user_identity> authorize_page::read_session(std::string_view cookie) const
{
    if(core_.options().session_ttl.count() <= 0)
        return std::nullopt;
    auto now_s = std::chrono::duration_cast<std::chrono::seconds>(core_.now().time_since_epoch()).count();
    return core_.session_key().open(cookie, now_s);
}

BEAST_OAUTH_DECL std::string authorize_page::session_cookie(user_identity const& who) const
{
    return cookie_name("boa_session") + "=" + make_session(who) + "; Path=/; Max-Age=" +
           std::to_string(core_.options().session_ttl.count()) + "; HttpOnly; SameSite=Lax" +
           (core_.secure_cookies() ? "; Secure" : "");
}

BEAST_OAUTH_DECL http_response authorize_page::redirect(http_request const& req, std::string const& location,
                                                        authorization_request const& ar) const
{
    namespace http = boost::beast::http;
    // 303 after a POST so the browser follows with GET; 302 after a GET (RFC 6749 4.1.2).
    http_response res{req.method() == http::verb::post ? http::status::see_other : http::status::found, req.version()};
    res.keep_alive(req.keep_alive());
    set_page_security_headers(res, ar.redirect_uri, core_.options().sign_in);
    res.set(http::field::location, location);
    res.prepare_payload();
    return res;
}

BEAST_OAUTH_DECL http_response authorize_page::render(http_request const& req, param_list const& params,
                                                      authorization_request const& ar, std::string_view signed_in_as,
                                                      std::string error_message, std::string_view username,
                                                      unsigned status) const
{
    namespace http = boost::beast::http;
    auto const csrf_cookie = cookie_name("boa_csrf");
    std::string nonce(detail::find_cookie(req[http::field::cookie], csrf_cookie));
    bool const new_nonce =
        nonce.size() != 43 ||
        nonce.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos;
    if(new_nonce)
        nonce = detail::random_base64url(32);

    sign_in_page page;
    page.action = core_.options().authorize_path;
    if(auto request_uri = params.get("request_uri"))
    {
        // A pushed request (RFC 9126 4): the form posts back the client_id and request_uri only.
        page.hidden_fields.emplace_back("client_id", std::string(params.get_or_empty("client_id")));
        page.hidden_fields.emplace_back("request_uri", std::string(*request_uri));
    }
    else
        for(auto name : detail::authorization_params)
            if(auto v = params.get(name))
                page.hidden_fields.emplace_back(std::string(name), std::string(*v));
    page.hidden_fields.emplace_back("csrf", csrf_token(nonce, ar));
    page.client_name = ar.client->name.empty() ? ar.client->client_id : ar.client->name;
    parse_scope(ar.scope, page.scopes);
    page.error_message = std::move(error_message);
    page.signed_in_as = std::string(signed_in_as);
    page.username = std::string(username);
    detail::localize_sign_in_page(page, core_.options().sign_in, req[http::field::accept_language]);

    http_response res{static_cast<http::status>(status), req.version()};
    res.keep_alive(req.keep_alive());
    set_page_security_headers(res, ar.redirect_uri, core_.options().sign_in);
    res.set(http::field::content_type, "text/html; charset=utf-8");
    if(new_nonce)
        res.insert(http::field::set_cookie, csrf_cookie + "=" + nonce + "; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax" +
                                                (core_.secure_cookies() ? "; Secure" : ""));
    auto const& o = core_.options();
    res.body() = o.render_sign_in_page ? o.render_sign_in_page(page) : render_default_sign_in_page(page);
    res.prepare_payload();
    if(req.method() == http::verb::head)
        res.body().clear();
    return res;
}

} // namespace beast_oauth

#endif
