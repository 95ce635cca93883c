#ifndef BEAST_OAUTH_HTTP_TYPES_HPP
#define BEAST_OAUTH_HTTP_TYPES_HPP

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace beast_oauth {

/// The request type the endpoints take.
using http_request = boost::beast::http::request<boost::beast::http::string_body>;
/// The response type the endpoints return.
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

} // namespace beast_oauth

#endif
