#ifndef BEAST_OAUTH_DETAIL_HTTP_RESPONSE_HPP
#define BEAST_OAUTH_DETAIL_HTTP_RESPONSE_HPP

// Small response and time helpers shared by the endpoint files (one place, included by each).

#include <beast_oauth/http_types.hpp>
#include <beast_oauth/model.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/url/pct_string_view.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace beast_oauth { namespace detail {

inline void set_common_headers(http_response& res, http_request const& req)
{
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(boost::beast::http::field::cache_control, "no-store");
    res.set(boost::beast::http::field::pragma, "no-cache");
}

// RFC 6749 5.1: JSON with Cache-Control: no-store, Pragma: no-cache.
inline http_response json_response(http_request const& req, unsigned status, std::string body)
{
    namespace http = boost::beast::http;
    http_response res{static_cast<http::status>(status), req.version()};
    set_common_headers(res, req);
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

inline long long seconds_until(time_point t, time_point now)
{
    auto s = std::chrono::duration_cast<std::chrono::seconds>(t - now).count();
    return s > 0 ? s : 0;
}

inline long long unix_seconds(time_point t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// RFC 6749 2.3.1: client_id and client_secret in Basic are form-urlencoded first.
inline bool form_decode(std::string_view in, std::string& out)
{
    auto rv = boost::urls::make_pct_string_view(boost::urls::string_view(in.data(), in.size()));
    if(!rv)
        return false;
    out = rv->decode(boost::urls::encoding_opts(true));
    return out.find('\0') == std::string::npos;
}

// The path of a request target (query excluded).
inline std::string_view target_path(http_request const& req) noexcept
{
    auto t = req.target();
    auto path = t.substr(0, t.find('?'));
    return {path.data(), path.size()};
}

constexpr std::string_view code_prefix = "boa_ac_";
constexpr std::string_view access_token_prefix = "boa_at_";
constexpr std::string_view refresh_token_prefix = "boa_rt_";

}} // namespace beast_oauth::detail

#endif
