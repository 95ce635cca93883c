#ifndef BEAST_OAUTH_BEAST_HPP
#define BEAST_OAUTH_BEAST_HPP

#include <beast_oauth/server.hpp>
#include <beast_oauth/request_shape.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <optional>

namespace beast_oauth {

/** Answers a request if its target is one of the server's endpoints.

    Dispatches on the path (query excluded): the authorize, token, revocation,
    introspection and metadata paths of the options, and the JWKS path when
    `signing_keys` is set. An empty path disables that endpoint. Everything
    else comes back as `std::nullopt`, leaving `req` untouched, for the
    vendor's own router. A store that throws becomes a `server_error` response; the
    exception text goes to the log hook only. A request whose framing could be
    read two ways (@ref check_request_shape) gets 400 with `Connection: close`;
    answers to HEAD carry no body (@ref drop_body_for_head).

    @code
    beast_oauth::request_context ctx{peer_address}; // throttling and audit per client address
    if(auto res = beast_oauth::handle_request(oauth, std::move(req), ctx))
        return std::move(*res); // converts to http::message_generator
    @endcode

    @par Thread Safety
    Safe to call concurrently on one server.
*/
BEAST_OAUTH_DECL std::optional<http_response> handle_request(authorization_server const& server,
                                                             http_request&& req,
                                                             request_context const& ctx = {});

/** Makes `res` a valid answer to a HEAD request: the headers a GET would get, including its
    Content-Length, and no body (RFC 9110 9.3.2). A body after a HEAD answer would be read
    as the next response on a keep-alive connection. Does nothing for other methods.

    @par Thread Safety
    Touches only `res`.
*/
BEAST_OAUTH_DECL void drop_body_for_head(http_response& res, http_request const& req);

/// Whether `target` (path and query) is one of the server's endpoints.
BEAST_OAUTH_DECL bool is_oauth_target(authorization_server const& server,
                                      boost::beast::string_view target) noexcept;

/** Like @ref handle_request, but runs the endpoint on `work_executor`.

    Use when a store or the user_authenticator may block (a database, a
    password hash): the I/O threads stay free. The handler is invoked
    through its associated executor (by default the one of `token`'s
    initiating context), with signature `void(std::optional<http_response>)`.

    @code
    auto res = co_await beast_oauth::async_handle_request(
        oauth, std::move(req), ctx, pool.get_executor(), asio::use_awaitable);
    @endcode

    @par Thread Safety
    Safe to call concurrently on one server; `server` must outlive the operation.
*/
template<class Executor, class CompletionToken>
auto async_handle_request(authorization_server const& server, http_request&& req, request_context ctx,
                          Executor work_executor, CompletionToken&& token)
{
    return boost::asio::async_initiate<CompletionToken, void(std::optional<http_response>)>(
        [&server](auto handler, http_request request, request_context context, Executor ex) {
            auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler, ex));
            boost::asio::post(ex, [&server, request = std::move(request), context = std::move(context),
                                   handler = std::move(handler), work = std::move(work)]() mutable {
                auto res = handle_request(server, std::move(request), context);
                auto handler_ex = work.get_executor();
                boost::asio::post(handler_ex, [handler = std::move(handler), res = std::move(res),
                                               work = std::move(work)]() mutable {
                    std::move(handler)(std::move(res));
                });
            });
        },
        token, std::move(req), std::move(ctx), std::move(work_executor));
}

/// @ref async_handle_request without a request_context (no per-address throttling).
template<class Executor, class CompletionToken>
auto async_handle_request(authorization_server const& server, http_request&& req,
                          Executor work_executor, CompletionToken&& token)
{
    return async_handle_request(server, std::move(req), request_context{}, std::move(work_executor),
                                std::forward<CompletionToken>(token));
}

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/beast.ipp>
#endif

#endif
