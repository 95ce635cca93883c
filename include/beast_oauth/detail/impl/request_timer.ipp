#ifndef BEAST_OAUTH_DETAIL_IMPL_REQUEST_TIMER_IPP
#define BEAST_OAUTH_DETAIL_IMPL_REQUEST_TIMER_IPP

// The one place where a finished response becomes a request_metric (server_options::metrics).

#include <beast_oauth/detail/request_timer.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <boost/url/parse.hpp>

namespace beast_oauth { namespace detail {

// The RFC name in a JSON error body (RFC 6749 5.2 / RFC 6750 3): `{"error":"invalid_grant",...}`.
// Boost.JSON escapes quotes inside strings, so the needle cannot match inside a description.
inline std::string_view json_error_member(std::string_view body) noexcept
{
    constexpr std::string_view needle = "\"error\":\"";
    auto at = body.find(needle);
    if(at == std::string_view::npos)
        return {};
    body.remove_prefix(at + needle.size());
    return body.substr(0, body.find('"'));
}

// A canonical (static) label value: an RFC name, or "other".
inline std::string_view known_error(std::string_view e) noexcept
{
    auto slot = metrics_collector::error_slot(e);
    return slot == 0 ? metric_error_names.back() : metric_error_names[slot];
}

BEAST_OAUTH_DECL request_metric classify_response(metric_endpoint e, http_response const& res,
                                                  std::string_view grant_type)
{
    request_metric m;
    m.endpoint = e;
    m.status = res.result_int();
    m.grant_type = grant_type;
    auto const s = m.status;
    bool const page = e == metric_endpoint::authorize || e == metric_endpoint::sign_in;
    if(s == 429)
    {
        m.outcome = metric_outcome::throttled;
        m.error = wire_name(error::temporarily_unavailable);
    }
    else if(s >= 500)
    {
        m.outcome = metric_outcome::store_error;
        m.error = wire_name(s == 503 ? error::temporarily_unavailable : error::server_error);
    }
    else if(s >= 200 && s < 300)
    {
        switch(e)
        {
        case metric_endpoint::token:
            m.outcome = grant_type == "refresh_token" ? metric_outcome::refreshed : metric_outcome::issued;
            break;
        case metric_endpoint::revocation: m.outcome = metric_outcome::revoked; break;
        case metric_endpoint::introspection: m.outcome = metric_outcome::introspected; break;
        case metric_endpoint::authorize:
        case metric_endpoint::sign_in: m.outcome = metric_outcome::page_shown; break; // a wrong password too
        case metric_endpoint::bearer:
        case metric_endpoint::par: m.outcome = metric_outcome::accepted; break; // RFC 9126 2.2: 201
        default: m.outcome = metric_outcome::served; break;
        }
    }
    else if(s >= 300 && s < 400 && page)
    {
        // RFC 6749 4.1.2 / 4.1.2.1: the library appends `code` or `error` after the registered query.
        m.outcome = metric_outcome::issued;
        auto loc = res[boost::beast::http::field::location];
        if(auto u = boost::urls::parse_uri_reference(boost::urls::string_view(loc.data(), loc.size())))
            for(auto const& p : u->params())
            {
                if(p.key == "code")
                {
                    m.outcome = metric_outcome::issued;
                    m.error = {};
                }
                else if(p.key == "error")
                {
                    m.outcome = metric_outcome::failure;
                    m.error = known_error(p.value);
                }
            }
    }
    else
    {
        // 4xx: a JSON error names its RFC code; the authorize error pages are malformed requests.
        m.outcome = metric_outcome::failure;
        auto named = page ? std::string_view() : json_error_member(res.body());
        m.error = named.empty() ? wire_name(error::invalid_request) : known_error(named);
    }
    return m;
}

BEAST_OAUTH_DECL void request_timer::finish(metric_endpoint e, http_response const& res,
                                            std::string_view grant_type) const noexcept
{
    if(!on_)
        return;
    try
    {
        auto m = classify_response(e, res, grant_type);
        report(m);
    }
    catch(...)
    {
        // URL parsing may allocate; a metric is never worth failing a request.
    }
}

BEAST_OAUTH_DECL void request_timer::report_bearer(bool ok, bool credentials_present, error err) const noexcept
{
    request_metric m;
    m.endpoint = metric_endpoint::bearer;
    if(ok)
    {
        m.outcome = metric_outcome::accepted;
        m.status = 200;
    }
    else
    {
        // RFC 6750 3.1: without credentials the answer is a bare 401 challenge (body: invalid_token).
        m.outcome = err == error::temporarily_unavailable || err == error::server_error ? metric_outcome::store_error
                                                                                          : metric_outcome::failure;
        m.error = credentials_present ? wire_name(err) : wire_name(error::invalid_token);
        m.status = credentials_present ? http_status(err) : 401u;
    }
    report(m);
}

BEAST_OAUTH_DECL void request_timer::report(request_metric& m) const noexcept
{
    m.elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_);
    try
    {
        options_.metrics(m);
    }
    catch(...)
    {
        // The hook must not throw; if it does, the request's answer is unaffected.
    }
}

BEAST_OAUTH_DECL metric_endpoint request_timer::metric_endpoint_for(server_options const& o,
                                                                    http_request const& req) noexcept
{
    auto const path = target_path(req);
    if(path.empty())
        return metric_endpoint::other;
    if(path == o.authorize_path)
        return req.method() == boost::beast::http::verb::post ? metric_endpoint::sign_in : metric_endpoint::authorize;
    if(path == o.token_path)
        return metric_endpoint::token;
    if(path == o.revocation_path)
        return metric_endpoint::revocation;
    if(path == o.introspection_path)
        return metric_endpoint::introspection;
    if(path == o.metadata_path)
        return metric_endpoint::metadata;
    if(!o.par_path.empty() && path == o.par_path)
        return metric_endpoint::par;
    if(o.signing_keys && path == o.jwks_path)
        return metric_endpoint::jwks;
    return metric_endpoint::other;
}

}} // namespace beast_oauth::detail

#endif
