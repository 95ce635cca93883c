#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_PAGE_RESPONSE_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_PAGE_RESPONSE_IPP

#include <beast_oauth/endpoints/page_response.hpp>
#include <beast_oauth/redirect_uri.hpp>
#include <beast_oauth/sign_in_page.hpp>
#include <boost/beast/http/field.hpp>

namespace beast_oauth {

namespace detail {
inline std::string origin_of(std::string const& uri)
{
    parsed_redirect_uri p;
    if(parse_redirect_uri(uri, p))
        return {};
    auto origin = p.scheme + "://" + p.host;
    if(!((p.scheme == "https" && p.port == 443) || (p.scheme == "http" && p.port == 80)))
        origin += ":" + std::to_string(p.port);
    return origin;
}
} // namespace detail

BEAST_OAUTH_DECL void set_page_security_headers(http_response& res, std::string const& redirect_uri,
                                               sign_in_page_options const& page)
{
    namespace http = boost::beast::http;
    // CSP: nothing loads; the form may post only here and be redirected only to the client.
    std::string csp = "default-src 'none'; " + detail::page_csp_sources(page) + "; form-action 'self'";
    auto origin = detail::origin_of(redirect_uri);
    if(!origin.empty())
        csp += " " + origin;
    csp += "; frame-ancestors 'none'; base-uri 'none'";
    res.set("Content-Security-Policy", csp);
    res.set(http::field::x_frame_options, "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::cache_control, "no-store");
    res.set(http::field::pragma, "no-cache");
}

BEAST_OAUTH_DECL http_response make_error_page(http_request const& req, std::string_view description, unsigned status,
                                               sign_in_page_options const& page)
{
    namespace http = boost::beast::http;
    http_response res{static_cast<http::status>(status), req.version()};
    res.keep_alive(req.keep_alive());
    set_page_security_headers(res, {}, page);
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.body() = render_error_page(description, page, req[http::field::accept_language]);
    res.prepare_payload();
    return res;
}

} // namespace beast_oauth

#endif
