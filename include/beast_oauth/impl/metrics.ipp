#ifndef BEAST_OAUTH_IMPL_METRICS_IPP
#define BEAST_OAUTH_IMPL_METRICS_IPP

// Request counters and latency histograms in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).

#include <beast_oauth/metrics.hpp>
#include <stdexcept>

namespace beast_oauth {

BEAST_OAUTH_DECL std::string_view metric_endpoint_name(metric_endpoint e) noexcept
{
    switch(e)
    {
    case metric_endpoint::authorize: return "authorize";
    case metric_endpoint::sign_in: return "sign_in";
    case metric_endpoint::token: return "token";
    case metric_endpoint::revocation: return "revocation";
    case metric_endpoint::introspection: return "introspection";
    case metric_endpoint::metadata: return "metadata";
    case metric_endpoint::jwks: return "jwks";
    case metric_endpoint::bearer: return "bearer";
    case metric_endpoint::par: return "par";
    case metric_endpoint::other: return "other";
    }
    return "other";
}

BEAST_OAUTH_DECL std::string_view metric_outcome_name(metric_outcome o) noexcept
{
    switch(o)
    {
    case metric_outcome::issued: return "issued";
    case metric_outcome::refreshed: return "refreshed";
    case metric_outcome::revoked: return "revoked";
    case metric_outcome::introspected: return "introspected";
    case metric_outcome::page_shown: return "page_shown";
    case metric_outcome::served: return "served";
    case metric_outcome::accepted: return "accepted";
    case metric_outcome::failure: return "failure";
    case metric_outcome::throttled: return "throttled";
    case metric_outcome::store_error: return "store_error";
    }
    return "failure";
}

namespace detail {

// The error label's values, by slot: none, the RFC 6749 4.1.2.1 / 5.2 and RFC 6750 3.1 names, other.
inline constexpr std::array<std::string_view, metrics_collector::error_slot_count> metric_error_names = {
    "",           "invalid_request",         "invalid_client", "invalid_grant",   "unauthorized_client",
    "unsupported_grant_type", "unsupported_response_type", "invalid_scope", "access_denied", "server_error",
    "temporarily_unavailable", "invalid_token", "insufficient_scope",
    "invalid_request_uri",  "invalid_dpop_proof", "use_dpop_nonce", "other"};

// Latency bucket bounds as written in `le` (seconds), matching latency_bounds_ns.
inline constexpr std::array<std::string_view, metrics_collector::latency_bounds_ns.size()> latency_bound_labels = {
    "5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005",
    "0.01",  "0.05",   "0.1",     "0.25",   "1",     "5"};

inline bool valid_label_name(std::string_view n) noexcept
{
    if(n.empty() || (n.size() >= 2 && n[0] == '_' && n[1] == '_'))
        return false;
    for(std::size_t i = 0; i < n.size(); ++i)
    {
        char c = n[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if(!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return n != "endpoint" && n != "outcome" && n != "error" && n != "le";
}

// Nanoseconds as decimal seconds, exactly (no floating point, no locale).
inline void append_seconds(std::string& out, std::uint64_t ns)
{
    out += std::to_string(ns / 1'000'000'000u);
    auto frac = std::to_string(ns % 1'000'000'000u);
    out += '.';
    out.append(9 - frac.size(), '0');
    out += frac;
}

BEAST_OAUTH_DECL void append_label_value(std::string& out, std::string_view v)
{
    for(char c : v)
    {
        if(c == '\\')
            out += "\\\\";
        else if(c == '"')
            out += "\\\"";
        else if(c == '\n')
            out += "\\n";
        else
            out += c;
    }
}

} // namespace detail

BEAST_OAUTH_DECL metrics_collector::metrics_collector(label_list constant_labels)
{
    for(auto const& [name, value] : constant_labels)
    {
        if(!detail::valid_label_name(name))
            throw std::invalid_argument("beast_oauth: invalid metrics label name '" + name + "'");
        constant_labels_ += name;
        constant_labels_ += "=\"";
        detail::append_label_value(constant_labels_, value);
        constant_labels_ += "\",";
    }
}

BEAST_OAUTH_DECL std::size_t metrics_collector::error_slot(std::string_view error) noexcept
{
    for(std::size_t i = 0; i + 1 < detail::metric_error_names.size(); ++i)
        if(detail::metric_error_names[i] == error)
            return i;
    return error_slot_count - 1; // "other": the label set never grows
}

BEAST_OAUTH_DECL void metrics_collector::record(request_metric const& m) noexcept
{
    auto const e = static_cast<std::size_t>(m.endpoint) % metric_endpoint_count;
    auto const o = static_cast<std::size_t>(m.outcome) % metric_outcome_count;
    counts_[(e * metric_outcome_count + o) * error_slot_count + error_slot(m.error)].fetch_add(1, std::memory_order_relaxed);
    auto const ns = m.elapsed.count() < 0 ? 0 : m.elapsed.count();
    std::size_t b = 0;
    while(b < latency_bounds_ns.size() && ns > latency_bounds_ns[b])
        ++b;
    auto& h = latency_[e];
    h.buckets[b].fetch_add(1, std::memory_order_relaxed);
    h.sum_ns.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

BEAST_OAUTH_DECL std::uint64_t metrics_collector::count(metric_endpoint e, metric_outcome o,
                                                        std::string_view error) const noexcept
{
    auto const i = (static_cast<std::size_t>(e) % metric_endpoint_count * metric_outcome_count +
                    static_cast<std::size_t>(o) % metric_outcome_count) * error_slot_count + error_slot(error);
    return counts_[i].load(std::memory_order_relaxed);
}

BEAST_OAUTH_DECL std::uint64_t metrics_collector::latency_count(metric_endpoint e) const noexcept
{
    std::uint64_t n = 0;
    for(auto const& b : latency_[static_cast<std::size_t>(e) % metric_endpoint_count].buckets)
        n += b.load(std::memory_order_relaxed);
    return n;
}

BEAST_OAUTH_DECL void metrics_collector::write_prometheus(std::string& out) const
{
    std::string text;
    text += "# HELP beast_oauth_requests_total OAuth requests answered, by endpoint, outcome and RFC error.\n"
            "# TYPE beast_oauth_requests_total counter\n";
    for(std::size_t e = 0; e < metric_endpoint_count; ++e)
        for(std::size_t o = 0; o < metric_outcome_count; ++o)
            for(std::size_t s = 0; s < error_slot_count; ++s)
            {
                auto n = counts_[(e * metric_outcome_count + o) * error_slot_count + s].load(std::memory_order_relaxed);
                if(n == 0)
                    continue;
                text += "beast_oauth_requests_total{";
                text += constant_labels_;
                text += "endpoint=\"";
                text += metric_endpoint_name(static_cast<metric_endpoint>(e));
                text += "\",outcome=\"";
                text += metric_outcome_name(static_cast<metric_outcome>(o));
                text += '"';
                if(s != 0)
                {
                    text += ",error=\"";
                    text += detail::metric_error_names[s];
                    text += '"';
                }
                text += "} ";
                text += std::to_string(n);
                text += '\n';
            }
    text += "# HELP beast_oauth_request_duration_seconds Time from a request's handling to its response.\n"
            "# TYPE beast_oauth_request_duration_seconds histogram\n";
    for(std::size_t e = 0; e < metric_endpoint_count; ++e)
    {
        auto const& h = latency_[e];
        std::array<std::uint64_t, latency_bounds_ns.size() + 1> b{};
        std::uint64_t total = 0;
        for(std::size_t i = 0; i < b.size(); ++i)
            total += b[i] = h.buckets[i].load(std::memory_order_relaxed);
        if(total == 0)
            continue;
        std::string labels = constant_labels_ + "endpoint=\"" + std::string(metric_endpoint_name(static_cast<metric_endpoint>(e))) + '"';
        std::uint64_t cumulative = 0;
        for(std::size_t i = 0; i < b.size(); ++i)
        {
            cumulative += b[i];
            text += "beast_oauth_request_duration_seconds_bucket{" + labels + ",le=\"";
            text += i < detail::latency_bound_labels.size() ? detail::latency_bound_labels[i] : std::string_view("+Inf");
            text += "\"} " + std::to_string(cumulative) + '\n';
        }
        text += "beast_oauth_request_duration_seconds_sum{" + labels + "} ";
        detail::append_seconds(text, h.sum_ns.load(std::memory_order_relaxed));
        text += "\nbeast_oauth_request_duration_seconds_count{" + labels + "} " + std::to_string(total) + '\n';
    }
    out += text;
}

} // namespace beast_oauth

#endif
