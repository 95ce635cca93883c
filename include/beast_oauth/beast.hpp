#ifndef BEAST_OAUTH_BEAST_HPP
#define BEAST_OAUTH_BEAST_HPP

#include <beast_oauth/dispatch.hpp>
#include <beast_oauth/request_shape.hpp>
#include <beast_oauth/server.hpp>
#include <optional>

namespace beast_oauth {

/** Answers a request if its path is one of the server's endpoints, with synchronous stores.

    The paths: `authorize_path`, `token_path`, `revocation_path`, `introspection_path`,
    `metadata_path`, and `jwks_path` when `signing_keys` is set. An empty path in the
    options disables that endpoint (its path stays yours). Everything else comes back as
    `std::nullopt` for the vendor's own router. A store that throws becomes a `server_error`
    (or, for @ref store_unavailable, 503 + Retry-After); the exception text goes to the log
    hook only. A request whose framing could be read two ways (@ref check_request_shape)
    gets 400 with `Connection: close`; answers to HEAD carry no body (@ref drop_body_for_head).

    @code
    beast_oauth::request_context ctx{peer_address};
    if(auto res = beast_oauth::handle_request(oauth, req, ctx))
        return std::move(*res); // converts to http::message_generator
    @endcode

    @par Thread Safety
    Safe to call concurrently on one server.
*/
BEAST_OAUTH_DECL std::optional<http_response> handle_request(authorization_server const& server,
                                                             http_request const& req,
                                                             request_context const& ctx = {});

/** Makes `res` a valid answer to a HEAD request: the headers a GET would get, including its
    Content-Length, and no body (RFC 9110 9.3.2). A body after a HEAD answer would be read
    as the next response on a keep-alive connection. Does nothing for other methods.

    @par Thread Safety
    Touches only `res`.
*/
BEAST_OAUTH_DECL void drop_body_for_head(http_response& res, http_request const& req);

/// Whether `target` (path and query) is one of the server's endpoints.
BEAST_OAUTH_DECL bool is_oauth_target(authorization_server const& server, boost::beast::string_view target) noexcept;

} // namespace beast_oauth

#include <beast_oauth/impl/beast_async.hpp>

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/beast.ipp>
#endif

#endif
