#ifndef BEAST_OAUTH_DETAIL_REQUEST_TIMER_HPP
#define BEAST_OAUTH_DETAIL_REQUEST_TIMER_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/error.hpp>
#include <beast_oauth/http_types.hpp>
#include <beast_oauth/metrics.hpp>
#include <beast_oauth/options.hpp>
#include <chrono>
#include <string_view>

namespace beast_oauth { namespace detail {

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

}} // namespace beast_oauth::detail

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/detail/impl/request_timer.ipp>
#endif

#endif
