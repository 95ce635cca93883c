#ifndef BEAST_OAUTH_IMPL_BEAST_ASYNC_HPP
#define BEAST_OAUTH_IMPL_BEAST_ASYNC_HPP

// The asynchronous entry points (templates): on asynchronous stores, or offloaded to an executor.

#include <beast_oauth/async_run.hpp>
#include <beast_oauth/dispatch.hpp>
#include <beast_oauth/endpoints/guard.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/execution/executor.hpp>
#include <boost/asio/is_executor.hpp>
#include <type_traits>
#include <boost/asio/post.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace beast_oauth {

BEAST_OAUTH_DECL void drop_body_for_head(http_response& res, http_request const& req);
BEAST_OAUTH_DECL std::optional<http_response> handle_request(authorization_server const& server,
                                                             http_request const& req, request_context const& ctx);

namespace detail {

struct async_request_state
{
    http_request req;
    request_context ctx;
    request_timer timer; // the metrics hook's clock (store waits included)
    endpoint_dispatch dispatch;

    async_request_state(authorization_server const& server, http_request r, request_context c)
        : req(std::move(r))
        , ctx(std::move(c))
        , timer(server.options())
        , dispatch(server, req, ctx)
    {
    }
};

struct async_bearer_state
{
    std::string authorization;
    std::string scope;
    std::optional<bearer_result> refused;
    resource_dpop dpop; // RFC 9449 7
    bearer_validator::algorithm algo;
    request_timer timer;

    async_bearer_state(bearer_validator const& v, http_request const& req, std::string_view required_scope)
        : authorization(req[boost::beast::http::field::authorization])
        , scope(required_scope)
        , refused(bearer_validator::check_single_method(req, required_scope))
        , dpop(v.dpop_context(req))
        , algo(v, authorization, scope, &dpop)
        , timer(v.core().options())
    {
    }
};

inline void need_async_stores(authorization_server const& server)
{
    if(!server.core()->has_async_stores())
        throw std::logic_error("beast_oauth: this server has no asynchronous stores; pass a work executor to run "
                               "the synchronous ones off the I/O thread");
}

} // namespace detail

/** Answers a request on the server's asynchronous stores (@ref async_store_set): no thread is
    blocked, many requests overlap on one I/O thread. Completes with
    `void(std::optional<http_response>)` (empty: not an OAuth path) through the handler's
    associated executor, never inside this call. Works with callbacks, `asio::use_awaitable`
    and `asio::use_future`.

    @code
    auto res = co_await beast_oauth::async_handle_request(oauth, std::move(req), ctx, asio::use_awaitable);
    @endcode

    @par Thread Safety
    Safe to call concurrently on one server; `server` must outlive the operation.
    @throws std::logic_error when the server has no asynchronous stores.
*/
template<class CompletionToken>
auto async_handle_request(authorization_server const& server, http_request req, request_context ctx,
                          CompletionToken&& token)
{
    detail::need_async_stores(server);
    return boost::asio::async_initiate<CompletionToken, void(std::optional<http_response>)>(
        [&server](auto handler, http_request request, request_context context) {
            auto st = std::make_shared<detail::async_request_state>(server, std::move(request), std::move(context));
            auto ex = boost::asio::get_associated_executor(handler);
            auto work = boost::asio::make_work_guard(ex);
            auto finish = [st, &server, handler = std::move(handler), work = std::move(work)](std::exception_ptr ep) mutable {
                std::optional<http_response> res;
                if(st->dispatch.matched())
                {
                    res = ep ? response_for_exception(*server.core(), st->req, ep) : std::move(st->dispatch.response());
                    st->timer.finish(st->req, *res, ep || !st->timer.on() ? std::string_view() : st->dispatch.grant_type());
                    drop_body_for_head(*res, st->req);
                }
                auto handler_ex = work.get_executor();
                boost::asio::post(handler_ex, [handler = std::move(handler), res = std::move(res)]() mutable {
                    std::move(handler)(std::move(res));
                });
            };
            if(!st->dispatch.matched())
                return finish(nullptr);
            async_run(st->dispatch, server.core()->async_stores(), boost::asio::bind_executor(ex, std::move(finish)));
        },
        token, std::move(req), std::move(ctx));
}

/** Like @ref handle_request, but runs it on `work_executor` (a thread pool) with the
    synchronous stores: for stores or a user_authenticator that block (a database, a
    password hash), so the I/O threads stay free. Completes with
    `void(std::optional<http_response>)` through the handler's associated executor.

    @par Thread Safety
    Safe to call concurrently on one server; `server` must outlive the operation.
*/
template<class Executor, class CompletionToken>
auto async_handle_request(authorization_server const& server, http_request req, request_context ctx,
                          Executor work_executor, CompletionToken&& token)
{
    return boost::asio::async_initiate<CompletionToken, void(std::optional<http_response>)>(
        [&server](auto handler, http_request request, request_context context, Executor ex) {
            auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler, ex));
            boost::asio::post(ex, [&server, request = std::move(request), context = std::move(context),
                                   handler = std::move(handler), work = std::move(work)]() mutable {
                auto res = handle_request(server, request, context);
                auto handler_ex = work.get_executor();
                boost::asio::post(handler_ex, [handler = std::move(handler), res = std::move(res)]() mutable {
                    std::move(handler)(std::move(res));
                });
            });
        },
        token, std::move(req), std::move(ctx), std::move(work_executor));
}

/** Validates the request's bearer token on the server's asynchronous stores (see
    @ref bearer_validator). Completes with `void(bearer_result)`; a store failure is a
    `temporarily_unavailable` result. `req` is read before this returns.

    @throws std::logic_error when the server has no asynchronous stores.
*/
template<class CompletionToken>
auto async_validate_bearer(authorization_server const& server, http_request const& req,
                           std::string_view required_scope, CompletionToken&& token)
{
    detail::need_async_stores(server);
    auto st = std::make_shared<detail::async_bearer_state>(server.bearer(), req, required_scope);
    return boost::asio::async_initiate<CompletionToken, void(bearer_result)>(
        [&server](auto handler, std::shared_ptr<detail::async_bearer_state> state) {
            auto ex = boost::asio::get_associated_executor(handler);
            auto work = boost::asio::make_work_guard(ex);
            auto finish = [state, &server, handler = std::move(handler), work = std::move(work)](std::exception_ptr ep) mutable {
                bearer_result r = state->refused ? std::move(*state->refused)
                                  : ep           ? server.bearer().store_failure(ep)
                                                 : std::move(state->algo.result());
                if(ep)
                    r.required_scope = state->scope;
                state->timer.finish_bearer(r);
                auto handler_ex = work.get_executor();
                boost::asio::post(handler_ex, [handler = std::move(handler), r = std::move(r)]() mutable {
                    std::move(handler)(std::move(r));
                });
            };
            if(state->refused)
                return finish(nullptr);
            async_run(state->algo, server.core()->async_stores(), boost::asio::bind_executor(ex, std::move(finish)));
        },
        token, std::move(st));
}

/// @ref async_handle_request on `work_executor` without a request_context (no per-address throttling).
template<class Executor, class CompletionToken,
         class = std::enable_if_t<boost::asio::execution::is_executor<Executor>::value ||
                                  boost::asio::is_executor<Executor>::value>>
auto async_handle_request(authorization_server const& server, http_request req, Executor work_executor,
                          CompletionToken&& token)
{
    return async_handle_request(server, std::move(req), request_context{}, std::move(work_executor),
                                std::forward<CompletionToken>(token));
}

/// @ref async_validate_bearer with the synchronous stores, run on `work_executor`.
template<class Executor, class CompletionToken>
auto async_validate_bearer(authorization_server const& server, http_request const& req,
                           std::string_view required_scope, Executor work_executor, CompletionToken&& token)
{
    return boost::asio::async_initiate<CompletionToken, void(bearer_result)>(
        [&server](auto handler, std::string authorization, std::string scope, std::optional<bearer_result> refused,
                  resource_dpop dpop, Executor ex) {
            auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler, ex));
            boost::asio::post(ex, [&server, authorization = std::move(authorization), scope = std::move(scope),
                                   refused = std::move(refused), dpop = std::move(dpop), handler = std::move(handler),
                                   work = std::move(work)]() mutable {
                if(refused)
                    detail::request_timer(server.options()).finish_bearer(*refused);
                bearer_result r = refused ? std::move(*refused) : server.bearer().validate(authorization, scope, &dpop);
                auto handler_ex = work.get_executor();
                boost::asio::post(handler_ex, [handler = std::move(handler), r = std::move(r)]() mutable {
                    std::move(handler)(std::move(r));
                });
            });
        },
        token, std::string(req[boost::beast::http::field::authorization]), std::string(required_scope),
        bearer_validator::check_single_method(req, required_scope), server.bearer().dpop_context(req),
        std::move(work_executor));
}

} // namespace beast_oauth

#endif
