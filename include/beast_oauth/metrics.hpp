#ifndef BEAST_OAUTH_METRICS_HPP
#define BEAST_OAUTH_METRICS_HPP

/** @file
    Request metrics: what each endpoint answered and how long it took, delivered to a hook
    (`server_options::metrics`), and `beast_oauth::metrics_collector`, a ready-made hook that keeps
    counters and latency histograms and writes them in the Prometheus text format.
*/

#include <beast_oauth/config.hpp>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace beast_oauth {

/// The endpoint a `request_metric` is about.
enum class metric_endpoint : unsigned char
{
    /// GET/HEAD of the authorize path: the sign-in or consent page, or a redirect (RFC 6749 4.1.1).
    authorize,
    /// POST of the authorize path: sign-in, consent or denial (RFC 6749 4.1.2).
    sign_in,
    /// The token endpoint (RFC 6749 3.2).
    token,
    /// The revocation endpoint (RFC 7009).
    revocation,
    /// The introspection endpoint (RFC 7662).
    introspection,
    /// The metadata document (RFC 8414).
    metadata,
    /// The JWKS document (RFC 7517).
    jwks,
    /// A bearer token check of a resource request (RFC 6750).
    bearer,
    /// The pushed authorization request endpoint (RFC 9126).
    par,
    /// A path that is none of the server's endpoints (a handler mounted elsewhere).
    other
};

/// Number of @ref metric_endpoint values.
inline constexpr std::size_t metric_endpoint_count = 10;

/// What an endpoint answered.
enum class metric_outcome : unsigned char
{
    /// Token endpoint: tokens issued for a grant other than refresh_token; authorize: a code issued.
    issued,
    /// Token endpoint: tokens issued for a refresh token (RFC 6749 6).
    refreshed,
    /// Revocation endpoint: answered 200 (RFC 7009 2.2 answers so for unknown tokens too).
    revoked,
    /// Introspection endpoint: answered 200 (active or not, RFC 7662 2.2).
    introspected,
    /// Authorize: a page shown (sign-in, consent, or the sign-in page again after a wrong password).
    page_shown,
    /// Metadata or JWKS served.
    served,
    /// Bearer check: the token is valid for the scope asked.
    accepted,
    /// A protocol error (`error` says which).
    failure,
    /// Refused by the throttle (429).
    throttled,
    /// A store (or the server) failed: 503 `temporarily_unavailable` or 500 `server_error`.
    store_error
};

/// Number of @ref metric_outcome values.
inline constexpr std::size_t metric_outcome_count = 10;

/// Stable name of an endpoint ("authorize", "sign_in", "token", ...), for labels.
BEAST_OAUTH_DECL std::string_view metric_endpoint_name(metric_endpoint e) noexcept;

/// Stable name of an outcome ("issued", "failure", ...), for labels.
BEAST_OAUTH_DECL std::string_view metric_outcome_name(metric_outcome o) noexcept;

/** One answered request, delivered to `server_options::metrics` once the response is ready.

    Carries nothing a client chose freely: the error is an RFC 6749 / 6750 wire name, the
    grant type a registered one. The views are valid only during the callback.
*/
struct request_metric
{
    metric_endpoint endpoint = metric_endpoint::other;
    metric_outcome outcome = metric_outcome::failure;
    /** The RFC wire error (`invalid_grant`, `invalid_client`, ...) with `failure`;
        `temporarily_unavailable` with `throttled` and with a 503 `store_error`, `server_error`
        with a 500; empty otherwise. */
    std::string_view error;
    /// Token endpoint: the grant type when it is a registered one; empty otherwise.
    std::string_view grant_type;
    /// The HTTP status answered (bearer: the status @ref bearer_validator::make_error would use, 200 when accepted).
    unsigned status = 0;
    /// From the start of the request's handling to its response (steady clock; store waits included).
    std::chrono::nanoseconds elapsed{0};
};

/** The metrics hook: called once per answered request, on the thread that finished it.

    Must be cheap, thread-safe and must not throw (an exception it throws is discarded).
*/
using metrics_hook = std::function<void(request_metric const&)>;

/** A ready-made metrics hook: request counters per (endpoint, outcome, error) and a latency
    histogram per endpoint, written in the Prometheus text exposition format 0.0.4.

    @code
    beast_oauth::metrics_collector metrics;         // outlives the server
    options.metrics = metrics.hook();
    // GET /metrics on an internal listener:
    std::string body;
    metrics.write_prometheus(body);                 // Content-Type: text/plain; version=0.0.4
    @endcode

    Memory is fixed at construction: the error label takes only the RFC 6749 / 6750 error
    names, and any other value is counted as `other`, so requests cannot add label values.

    @par Thread Safety
    `record` and `write_prometheus` are safe to call concurrently from any threads: counters
    are relaxed atomics, no lock is taken. A scrape concurrent with requests may see a request
    in the counter but not yet in the histogram (or the reverse); each series is exact.
    @par Exception Safety
    `record` never throws; `write_prometheus` offers the strong guarantee (it may throw
    `std::bad_alloc`).
*/
class metrics_collector
{
public:
    /// Upper bounds of the latency buckets, in nanoseconds (50 us to 5 s; `+Inf` follows).
    static constexpr std::array<std::int64_t, 13> latency_bounds_ns = {
        50'000,      100'000,     250'000,     500'000,       1'000'000,     2'500'000,    5'000'000,
        10'000'000,  50'000'000,  100'000'000, 250'000'000,   1'000'000'000, 5'000'000'000};

    /// Error label values besides the RFC names: none (successes) and `other`.
    static constexpr std::size_t error_slot_count = 17;

    /// Labels added to every series, as (name, value) pairs.
    using label_list = std::vector<std::pair<std::string, std::string>>;

    metrics_collector() = default;

    /** With labels added to every series (e.g. `label_list{{"instance", "eu-1"}}`); their
        values are escaped as the format requires.
        @throws std::invalid_argument for a name that is not `[a-zA-Z_][a-zA-Z0-9_]*`, starts
        with `__`, or is one of the collector's own (`endpoint`, `outcome`, `error`, `le`).
    */
    BEAST_OAUTH_DECL explicit metrics_collector(label_list constant_labels);

    metrics_collector(metrics_collector const&) = delete;
    metrics_collector& operator=(metrics_collector const&) = delete;

    /// Counts one request (the hook's body).
    BEAST_OAUTH_DECL void record(request_metric const& m) noexcept;

    /// A hook calling @ref record on this collector, which must outlive every server using it.
    metrics_hook hook() noexcept
    {
        return [this](request_metric const& m) { record(m); };
    }

    /// Requests counted for (endpoint, outcome, error); `error` as in @ref request_metric (unknown: "other").
    BEAST_OAUTH_DECL std::uint64_t count(metric_endpoint e, metric_outcome o, std::string_view error = {}) const noexcept;

    /// Requests in the endpoint's latency histogram.
    BEAST_OAUTH_DECL std::uint64_t latency_count(metric_endpoint e) const noexcept;

    /** Appends the Prometheus text exposition (format 0.0.4) to `out`:
        `beast_oauth_requests_total` (counter) and `beast_oauth_request_duration_seconds`
        (histogram), each with HELP and TYPE; series that were never hit are left out. */
    BEAST_OAUTH_DECL void write_prometheus(std::string& out) const;

    /// The error label's slot: 0 for none, 1-12 for the RFC names, 13 for anything else.
    BEAST_OAUTH_DECL static std::size_t error_slot(std::string_view error) noexcept;

private:
    static constexpr std::size_t counter_count = metric_endpoint_count * metric_outcome_count * error_slot_count;

    struct histogram
    {
        std::array<std::atomic<std::uint64_t>, latency_bounds_ns.size() + 1> buckets{}; // not cumulative
        std::atomic<std::uint64_t> sum_ns{0};
    };

    std::array<std::atomic<std::uint64_t>, counter_count> counts_{};
    std::array<histogram, metric_endpoint_count> latency_{};
    std::string constant_labels_; // rendered: `name="value",` each
};

namespace detail {
/// Appends `v` escaped as a Prometheus label value (`\\`, `\"`, `\n`).
BEAST_OAUTH_DECL void append_label_value(std::string& out, std::string_view v);
} // namespace detail

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/metrics.ipp>
#endif

#endif
