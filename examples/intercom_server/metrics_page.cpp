#include "metrics_page.hpp"

#include <beast_oauth/detail/crypto.hpp>

namespace intercom {

namespace http = boost::beast::http;
using beast_oauth::http_request;
using beast_oauth::http_response;

namespace {

http_response plain(http_request const& req, unsigned status, std::string body)
{
    http_response res{static_cast<http::status>(status), req.version()};
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

// RFC 6750 2.1: `Bearer <token>`, the scheme case-insensitive.
bool bearer_matches(std::string_view header, std::string const& token)
{
    constexpr std::string_view scheme = "bearer ";
    if(header.size() <= scheme.size())
        return false;
    for(std::size_t i = 0; i < scheme.size(); ++i)
        if((header[i] | 0x20) != scheme[i])
            return false;
    return beast_oauth::detail::constant_time_equal(header.substr(scheme.size()), token);
}

} // namespace

bool metrics_page::handles(http_request const& req)
{
    auto t = req.target();
    return t.substr(0, t.find('?')) == "/metrics";
}

http_response metrics_page::answer(http_request const& req, bool needs_token) const
{
    if(!handles(req))
        return plain(req, 404, "not found\n");
    if(req.method() != http::verb::get && req.method() != http::verb::head)
    {
        auto res = plain(req, 405, "GET or HEAD\n");
        res.set(http::field::allow, "GET, HEAD");
        return res;
    }
    if(needs_token && !bearer_matches(req[http::field::authorization], token_))
    {
        auto res = plain(req, 401, "a scrape token is required\n");
        res.set(http::field::www_authenticate, "Bearer realm=\"metrics\"");
        return res;
    }
    std::string body;
    metrics_.write_prometheus(body);
    auto res = plain(req, 200, std::move(body));
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    beast_oauth::drop_body_for_head(res, req);
    return res;
}

} // namespace intercom
