#ifndef BEAST_OAUTH_DETAIL_REQUEST_TIMER_HPP
#define BEAST_OAUTH_DETAIL_REQUEST_TIMER_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/error.hpp>
#include <beast_oauth/http_types.hpp>
#include <beast_oauth/metrics.hpp>
#include <beast_oauth/options.hpp>
#include <chrono>
#include <string_view>

namespace beast_oauth {

class authorize_handler;
class token_handler;
class revocation_handler;
class introspection_handler;

namespace detail {

/** Times one request for `server_options::metrics` and reports its outcome, derived from the
    finished response in one place (@ref classify_response). Without a hook it reads no clock
    and reports nothing. `options` outlives it. */
class request_timer
{
public:
    explicit request_timer(server_options const& options) noexcept
        : options_(options)
        , on_(static_cast<bool>(options.metrics))
    {
        if(on_)
            start_ = std::chrono::steady_clock::now();
    }

    bool on() const noexcept { return on_; }

    /// Reports a response of endpoint `e` (`grant_type`: the registered grant, token endpoint).
    BEAST_OAUTH_DECL void finish(metric_endpoint e, http_response const& res, std::string_view grant_type = {}) const noexcept;

    /// Reports a response of the endpoint at the request's path (@ref metric_endpoint_for).
    void finish(http_request const& req, http_response const& res, std::string_view grant_type = {}) const noexcept
    {
        if(on_)
            finish(metric_endpoint_for(options_, req), res, grant_type);
    }

    /// Reports a bearer check (`R`: bearer_result).
    template<class R>
    void finish_bearer(R const& r) const noexcept
    {
        if(on_)
            report_bearer(r.ok(), r.credentials_present, r.err);
    }

    /// The endpoint at the request's path (`sign_in` for a POST of the authorize path).
    BEAST_OAUTH_DECL static metric_endpoint metric_endpoint_for(server_options const& o, http_request const& req) noexcept;

private:
    BEAST_OAUTH_DECL void report_bearer(bool ok, bool credentials_present, error err) const noexcept;
    BEAST_OAUTH_DECL void report(request_metric& m) const noexcept;

    server_options const& options_;
    bool on_;
    std::chrono::steady_clock::time_point start_{};
};

/** The metric of a finished response (elapsed unset): the outcome from the status, the error
    from a JSON body's `error` member or an authorize redirect's `error` parameter. */
BEAST_OAUTH_DECL request_metric classify_response(metric_endpoint e, http_response const& res,
                                                  std::string_view grant_type);

// The endpoint a handler serves, for the metrics hook (a handler mounted at any path); others
// are found by the request's path.
inline metric_endpoint metric_endpoint_of(token_handler const&, server_options const&, http_request const&) noexcept
{
    return metric_endpoint::token;
}
inline metric_endpoint metric_endpoint_of(revocation_handler const&, server_options const&, http_request const&) noexcept
{
    return metric_endpoint::revocation;
}
inline metric_endpoint metric_endpoint_of(introspection_handler const&, server_options const&, http_request const&) noexcept
{
    return metric_endpoint::introspection;
}
inline metric_endpoint metric_endpoint_of(authorize_handler const&, server_options const&, http_request const& req) noexcept
{
    return req.method() == boost::beast::http::verb::post ? metric_endpoint::sign_in : metric_endpoint::authorize;
}
template<class Handler>
metric_endpoint metric_endpoint_of(Handler const&, server_options const& o, http_request const& req) noexcept
{
    return request_timer::metric_endpoint_for(o, req);
}

// The registered grant type of a finished token algorithm (empty for the other endpoints).
template<class A>
auto metric_grant_type(A const& a, int) -> decltype(std::string_view(a.grant_type()))
{
    return a.grant_type();
}
template<class A>
std::string_view metric_grant_type(A const&, long)
{
    return {};
}

}} // namespace beast_oauth::detail

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/detail/impl/request_timer.ipp>
#endif

#endif
