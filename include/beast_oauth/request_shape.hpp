#ifndef BEAST_OAUTH_REQUEST_SHAPE_HPP
#define BEAST_OAUTH_REQUEST_SHAPE_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/http_types.hpp>
#include <optional>
#include <string_view>

namespace beast_oauth {

/** Why a request's shape was refused; see @ref check_request_shape. */
struct request_shape_error
{
    /// Client-safe reason, e.g. "Transfer-Encoding must end with chunked".
    std::string_view description;
};

/** Checks the framing and credential rules that, if broken, let two HTTP components read one
    request differently (request smuggling, credential confusion).

    Refuses:
    - a `Transfer-Encoding` whose final coding is not `chunked` (RFC 9112 6.3: the length
      cannot be determined; 400 and close), and `Transfer-Encoding` together with
      `Content-Length` (RFC 9112 6.1: "ought to be handled as an error");
    - more than one `Content-Length` or `Transfer-Encoding` field line (RFC 9112 6.3);
    - an HTTP/1.1 request without `Host`, or with more than one (RFC 9112 3.2);
    - more than one `Authorization` field (RFC 9110 11.6.2 defines one credential set; RFC
      6750 2 and RFC 6749 2.3: one authentication method per request).

    Beast's parser accepts some of these shapes, so a transport should call this on every
    request before dispatching it, answer with @ref make_request_shape_response and close the
    connection. @ref handle_request calls it for the OAuth endpoints with `check_host` false
    (a request built in process, e.g. in a test, need not carry Host; the transport checks it).

    @par Thread Safety
    Pure function.
*/
BEAST_OAUTH_DECL std::optional<request_shape_error> check_request_shape(http_request const& req,
                                                                       bool check_host = true) noexcept;

/** The 400 response for a refused shape: JSON `invalid_request`, `Connection: close`. The
    transport must close the connection after writing it (RFC 9112 6.3). */
BEAST_OAUTH_DECL http_response make_request_shape_response(http_request const& req,
                                                           request_shape_error const& e);

/// `check_request_shape` and, when it refuses, the response to send before closing.
BEAST_OAUTH_DECL std::optional<http_response> reject_malformed_request(http_request const& req,
                                                                       bool check_host = true);

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/request_shape.ipp>
#endif

#endif
