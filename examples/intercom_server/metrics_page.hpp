// GET /metrics of the example server: the library's request counters in the Prometheus text
// format, on a listener of its own, or on the public one behind a scrape token.
#pragma once

#include <beast_oauth/beast_oauth.hpp>
#include <string>

namespace intercom {

class metrics_page
{
public:
    /// `token`: the Bearer token the public listener requires (unused on the metrics listener).
    metrics_page(beast_oauth::metrics_collector const& metrics, std::string token)
        : metrics_(metrics)
        , token_(std::move(token))
    {
    }

    /// Whether the request is for /metrics.
    static bool handles(beast_oauth::http_request const& req);

    /** The exposition (`text/plain; version=0.0.4`) for GET/HEAD of /metrics; 404 for other
        paths, 405 for other methods. On the public listener (`needs_token`), a request without
        `Authorization: Bearer <token>` gets 401 (the token compared in constant time). */
    beast_oauth::http_response answer(beast_oauth::http_request const& req, bool needs_token) const;

private:
    beast_oauth::metrics_collector const& metrics_;
    std::string token_;
};

} // namespace intercom
