#ifndef BEAST_OAUTH_ENDPOINTS_GUARD_HPP
#define BEAST_OAUTH_ENDPOINTS_GUARD_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/core.hpp>
#include <beast_oauth/error.hpp>
#include <beast_oauth/http_types.hpp>
#include <beast_oauth/detail/request_timer.hpp>
#include <chrono>
#include <exception>

namespace beast_oauth {

/** An error response in the endpoint's format (the HTML error page for the authorize path,
    JSON otherwise) for `server_error` or `temporarily_unavailable`; a positive `retry_after`
    adds `Retry-After`. */
BEAST_OAUTH_DECL http_response make_server_error(server_core const& core, http_request const& req,
                                                 error e = error::server_error,
                                                 std::chrono::seconds retry_after = {});

/** The response for what a store (or an algorithm) threw: @ref store_unavailable becomes 503
    with its Retry-After, anything else 500; the text goes to the log hook only. */
BEAST_OAUTH_DECL http_response response_for_exception(server_core const& core, http_request const& req,
                                                      std::exception_ptr ep);

namespace detail {
// The one exception-to-response guard of the synchronous entry points.
template<class Fn>
http_response guarded(server_core const& core, http_request const& req, Fn&& fn)
{
    try
    {
        return fn();
    }
    catch(...)
    {
        return response_for_exception(core, req, std::current_exception());
    }
}

// Runs one endpoint algorithm on the core's synchronous stores, guarded; reports the metric.
template<class Algorithm, class Handler>
http_response run_endpoint(server_core const& core, Handler const& h, http_request const& req,
                           request_context const& ctx)
{
    request_timer timer(core.options());
    std::string_view grant_type; // a view into the registered grant handler: lives with the server
    auto res = guarded(core, req, [&] {
        Algorithm a(h, req, ctx);
        run_sync(a, core.stores());
        if(timer.on())
            grant_type = metric_grant_type(a, 0);
        return std::move(a.response());
    });
    if(timer.on())
        timer.finish(metric_endpoint_of(h, core.options(), req), res, grant_type);
    return res;
}
} // namespace detail

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/guard.ipp>
#endif

#endif
