#ifndef BEAST_OAUTH_IMPL_REQUEST_SHAPE_IPP
#define BEAST_OAUTH_IMPL_REQUEST_SHAPE_IPP

#include <beast_oauth/request_shape.hpp>
#include <beast_oauth/detail/http_util.hpp>

namespace beast_oauth {

namespace detail {

inline std::size_t field_lines(http_request const& req, boost::beast::http::field f)
{
    auto range = req.equal_range(f);
    return static_cast<std::size_t>(std::distance(range.first, range.second));
}

// The last coding of a Transfer-Encoding list (RFC 9112 6.1), without parameters.
inline std::string_view last_transfer_coding(std::string_view value) noexcept
{
    auto comma = value.rfind(',');
    auto last = comma == std::string_view::npos ? value : value.substr(comma + 1);
    return media_type(last); // trims OWS and drops ";params"
}

} // namespace detail

BEAST_OAUTH_DECL std::optional<request_shape_error> check_request_shape(http_request const& req,
                                                                       bool check_host) noexcept
{
    namespace http = boost::beast::http;
    auto const te_lines = detail::field_lines(req, http::field::transfer_encoding);
    auto const cl_lines = detail::field_lines(req, http::field::content_length);
    if(te_lines > 1)
        return request_shape_error{"Transfer-Encoding must appear once"};
    if(te_lines == 1)
    {
        if(cl_lines > 0)
            return request_shape_error{"Transfer-Encoding and Content-Length must not both be sent"};
        if(!detail::iequals(detail::last_transfer_coding(req[http::field::transfer_encoding]), "chunked"))
            return request_shape_error{"Transfer-Encoding must end with chunked"};
    }
    if(cl_lines > 1)
        return request_shape_error{"Content-Length must appear once"};
    auto const hosts = check_host ? detail::field_lines(req, http::field::host) : 1;
    if(hosts > 1)
        return request_shape_error{"Host must appear once"};
    if(hosts == 0 && req.version() >= 11)
        return request_shape_error{"an HTTP/1.1 request needs a Host header"};
    if(detail::field_lines(req, http::field::authorization) > 1)
        return request_shape_error{"Authorization must appear once"};
    return std::nullopt;
}

BEAST_OAUTH_DECL http_response make_request_shape_response(http_request const& req, request_shape_error const& e)
{
    namespace http = boost::beast::http;
    http_response res{http::status::bad_request, req.version() >= 10 ? req.version() : 11};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::string("{\"error\":\"invalid_request\",\"error_description\":\"") +
                 std::string(e.description) + "\"}";
    res.keep_alive(false); // RFC 9112 6.3: then close the connection
    res.prepare_payload();
    if(req.method() == http::verb::head)
        res.body().clear();
    return res;
}

BEAST_OAUTH_DECL std::optional<http_response> reject_malformed_request(http_request const& req, bool check_host)
{
    if(auto e = check_request_shape(req, check_host))
        return make_request_shape_response(req, *e);
    return std::nullopt;
}

} // namespace beast_oauth

#endif
