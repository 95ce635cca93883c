// Request metrics (server_options::metrics, metrics_collector): every endpoint outcome counted
// from real flows through the handlers, and the Prometheus text exposition format 0.0.4.
#include <beast_oauth/metrics.hpp>
#include "fixture.hpp"
#include "catch.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

using namespace test;
using beast_oauth::metric_endpoint;
using beast_oauth::metric_outcome;
using beast_oauth::metrics_collector;

namespace {

// A copy of what the hook received (the metric's views die with the callback).
struct seen
{
    metric_endpoint endpoint;
    metric_outcome outcome;
    std::string error, grant_type;
    unsigned status;
};

struct metered
{
    std::shared_ptr<metrics_collector> collector = std::make_shared<metrics_collector>();
    std::shared_ptr<std::vector<seen>> calls = std::make_shared<std::vector<seen>>();

    std::function<void(beast_oauth::server_options&)> tweak(bool rate_limiting = true)
    {
        return [c = collector, v = calls, rate_limiting](beast_oauth::server_options& o) {
            o.rate_limiting = rate_limiting;
            o.metrics = [c, v](beast_oauth::request_metric const& m) {
                c->record(m);
                v->push_back({m.endpoint, m.outcome, std::string(m.error), std::string(m.grant_type), m.status});
            };
        };
    }
    seen const& last() const { return calls->back(); }
};

std::string field(http_response const& res, char const* key)
{
    auto v = boost::json::parse(res.body());
    auto const* p = v.as_object().if_contains(key);
    return p && p->is_string() ? std::string(p->as_string()) : std::string();
}

http_response refresh(fixture& f, std::string const& rt, std::string const& secret = "seamsecret")
{
    return f.post_form("/oauth/token", form({{"grant_type", "refresh_token"}, {"refresh_token", rt},
                                             {"client_id", "seam"}, {"client_secret", secret}}));
}

// --- a checker for the Prometheus text format 0.0.4 -------------------------------------

struct sample
{
    std::string name;
    std::map<std::string, std::string> labels;
    std::string value;
};

bool metric_name_ok(std::string const& n)
{
    if(n.empty() || (n[0] >= '0' && n[0] <= '9'))
        return false;
    for(char c : n)
        if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':'))
            return false;
    return true;
}

// Parses the exposition; throws std::runtime_error naming the first violation.
std::vector<sample> parse_exposition(std::string const& text)
{
    std::vector<sample> out;
    std::map<std::string, std::string> types; // family -> type
    if(text.empty() || text.back() != '\n')
        throw std::runtime_error("the text must end with a newline");
    std::size_t pos = 0;
    while(pos < text.size())
    {
        auto eol = text.find('\n', pos);
        std::string line = text.substr(pos, eol - pos);
        pos = eol + 1;
        if(line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0)
        {
            auto rest = line.substr(7);
            auto sp = rest.find(' ');
            auto name = rest.substr(0, sp);
            if(!metric_name_ok(name) || sp == std::string::npos)
                throw std::runtime_error("bad comment line: " + line);
            if(line[2] == 'T')
            {
                auto type = rest.substr(sp + 1);
                if(type != "counter" && type != "histogram" && type != "gauge")
                    throw std::runtime_error("bad type: " + line);
                if(types.count(name))
                    throw std::runtime_error("TYPE twice: " + line);
                types[name] = type;
            }
            continue;
        }
        sample s;
        std::size_t i = 0;
        while(i < line.size() && line[i] != '{' && line[i] != ' ')
            s.name += line[i++];
        if(!metric_name_ok(s.name))
            throw std::runtime_error("bad metric name: " + line);
        if(i < line.size() && line[i] == '{')
        {
            ++i;
            while(i < line.size() && line[i] != '}')
            {
                std::string key;
                while(i < line.size() && line[i] != '=')
                    key += line[i++];
                if(!metric_name_ok(key) || key.find(':') != std::string::npos || i + 1 >= line.size() || line[i + 1] != '"')
                    throw std::runtime_error("bad label: " + line);
                i += 2;
                std::string value;
                for(; i < line.size() && line[i] != '"'; ++i)
                {
                    if(line[i] != '\\')
                    {
                        value += line[i];
                        continue;
                    }
                    char e = ++i < line.size() ? line[i] : '\0';
                    if(e == 'n') value += '\n';
                    else if(e == '\\' || e == '"') value += e;
                    else throw std::runtime_error("bad escape: " + line);
                }
                if(i >= line.size())
                    throw std::runtime_error("unterminated label value: " + line);
                ++i; // closing quote
                if(s.labels.count(key))
                    throw std::runtime_error("label twice: " + line);
                s.labels[key] = value;
                if(i < line.size() && line[i] == ',')
                    ++i;
            }
            if(i >= line.size())
                throw std::runtime_error("unterminated labels: " + line);
            ++i;
        }
        if(i >= line.size() || line[i] != ' ')
            throw std::runtime_error("no value: " + line);
        s.value = line.substr(i + 1);
        std::size_t used = 0;
        (void)std::stod(s.value, &used);
        if(used != s.value.size())
            throw std::runtime_error("bad value: " + line);
        // Every sample belongs to a family declared before it (histograms: _bucket/_sum/_count).
        std::string family = s.name;
        for(char const* suffix : {"_bucket", "_sum", "_count"})
        {
            std::string sx(suffix);
            if(family.size() > sx.size() && family.compare(family.size() - sx.size(), sx.size(), sx) == 0 &&
               types.count(family.substr(0, family.size() - sx.size())) &&
               types[family.substr(0, family.size() - sx.size())] == "histogram")
                family = family.substr(0, family.size() - sx.size());
        }
        if(!types.count(family))
            throw std::runtime_error("sample before its TYPE: " + line);
        out.push_back(std::move(s));
    }
    return out;
}

double value_of(std::vector<sample> const& samples, std::string const& name, std::map<std::string, std::string> const& labels)
{
    for(auto const& s : samples)
        if(s.name == name && s.labels == labels)
            return std::stod(s.value);
    return -1;
}

// Histogram rules: buckets cumulative and non-decreasing, +Inf equal to _count.
void check_histograms(std::vector<sample> const& samples)
{
    std::map<std::string, std::vector<double>> buckets;
    for(auto const& s : samples)
        if(s.name == "beast_oauth_request_duration_seconds_bucket")
        {
            REQUIRE(s.labels.count("le"));
            buckets[s.labels.at("endpoint")].push_back(std::stod(s.value));
        }
    REQUIRE_FALSE(buckets.empty());
    for(auto const& [endpoint, counts] : buckets)
    {
        CHECK(counts.size() == metrics_collector::latency_bounds_ns.size() + 1);
        for(std::size_t i = 1; i < counts.size(); ++i)
            CHECK(counts[i] >= counts[i - 1]);
        CHECK(counts.back() == value_of(samples, "beast_oauth_request_duration_seconds_count", {{"endpoint", endpoint}}));
    }
}

} // namespace

TEST_CASE("metrics: each outcome of a whole flow is counted once, from the handlers", "[metrics]")
{
    metered m;
    fixture f(beast_oauth::profile::strict, m.tweak());
    auto& c = *m.collector;

    CHECK(f.get(fixture::authorize_query()).result_int() == 200);
    CHECK(m.last().endpoint == metric_endpoint::authorize);
    CHECK(m.last().outcome == metric_outcome::page_shown);

    // A wrong password shows the page again: page_shown, not a failure (no oracle in the metrics).
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, "wrong").result_int() == 200);
    CHECK(m.last().endpoint == metric_endpoint::sign_in);
    CHECK(m.last().outcome == metric_outcome::page_shown);
    CHECK(m.last().error.empty());

    auto code = f.obtain_code(fixture::authorize_query());
    REQUIRE_FALSE(code.empty());
    CHECK(m.last().endpoint == metric_endpoint::sign_in);
    CHECK(m.last().outcome == metric_outcome::issued);
    CHECK(m.last().status == 303);

    auto exchanged = f.exchange(code);
    REQUIRE(exchanged.result_int() == 200);
    CHECK(m.last().endpoint == metric_endpoint::token);
    CHECK(m.last().outcome == metric_outcome::issued);
    CHECK(m.last().grant_type == "authorization_code");
    CHECK(m.last().status == 200);

    auto access = field(exchanged, "access_token");
    CHECK(f.server.validate_bearer("Bearer " + access).ok());
    CHECK(m.last().endpoint == metric_endpoint::bearer);
    CHECK(m.last().outcome == metric_outcome::accepted);
    CHECK(refresh(f, field(exchanged, "refresh_token")).result_int() == 200);
    CHECK(m.last().outcome == metric_outcome::refreshed);
    CHECK(m.last().grant_type == "refresh_token");

    CHECK(f.exchange(code).result_int() == 400); // replayed code (RFC 6749 4.1.2)
    CHECK(m.last().outcome == metric_outcome::failure);
    CHECK(m.last().error == "invalid_grant");
    CHECK(m.last().status == 400);

    CHECK(refresh(f, field(exchanged, "refresh_token"), "wrong").result_int() == 401);
    CHECK(m.last().outcome == metric_outcome::failure);
    CHECK(m.last().error == "invalid_client");

    // An unregistered grant type is a failure without a grant_type label value.
    CHECK(f.post_form("/oauth/token", form({{"grant_type", "urn:attacker:chosen"}, {"client_id", "seam"},
                                            {"client_secret", "seamsecret"}})).result_int() == 400);
    CHECK(m.last().error == "unsupported_grant_type");
    CHECK(m.last().grant_type.empty());

    CHECK_FALSE(f.server.validate_bearer("Bearer boa_at_forged.x").ok());
    CHECK(m.last().outcome == metric_outcome::failure);
    CHECK(m.last().error == "invalid_token");
    CHECK(m.last().status == 401);

    auto basic = "Basic " + base64("seam:seamsecret"); // the replay revoked `access`: introspection says inactive
    CHECK(f.post_form("/oauth/introspect", form({{"token", access}}), {}, basic).result_int() == 200);
    CHECK(m.last().endpoint == metric_endpoint::introspection);
    CHECK(m.last().outcome == metric_outcome::introspected);
    CHECK(f.post_form("/oauth/revoke", form({{"token", access}}), {}, basic).result_int() == 200);
    CHECK(m.last().endpoint == metric_endpoint::revocation);
    CHECK(m.last().outcome == metric_outcome::revoked);
    CHECK(f.get("/.well-known/oauth-authorization-server").result_int() == 200);
    CHECK(m.last().endpoint == metric_endpoint::metadata);
    CHECK(m.last().outcome == metric_outcome::served);

    // Authorize failures: back to the client (RFC 6749 4.1.2.1) or an error page.
    CHECK(f.get("/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fevil.example%2Fcb").result_int() == 400);
    CHECK(m.last().outcome == metric_outcome::failure);
    CHECK(m.last().error == "invalid_request");
    // The registered redirect_uri has a query of its own: the library's `error` comes after it.
    CHECK(f.get("/authorize?response_type=code&client_id=single&scope=admin"
                "&redirect_uri=https%3A%2F%2Fapp.example.test%2Fcb%3Ftenant%3D7").result_int() == 302);
    CHECK(m.last().endpoint == metric_endpoint::authorize);
    CHECK(m.last().outcome == metric_outcome::failure);
    CHECK(m.last().error == "invalid_scope");

    // Counters agree with the calls, and every request is in its endpoint's histogram.
    std::map<metric_endpoint, std::uint64_t> per_endpoint;
    for(auto const& s : *m.calls)
    {
        ++per_endpoint[s.endpoint];
        CHECK(c.count(s.endpoint, s.outcome, s.error) >= 1);
    }
    for(auto const& [e, n] : per_endpoint)
        CHECK(c.latency_count(e) == n);
    CHECK(c.count(metric_endpoint::token, metric_outcome::issued) == 1);
    CHECK(c.count(metric_endpoint::token, metric_outcome::refreshed) == 1);
    CHECK(c.count(metric_endpoint::token, metric_outcome::failure, "invalid_grant") == 1);
    CHECK(c.count(metric_endpoint::sign_in, metric_outcome::page_shown) == 1);
    CHECK(c.count(metric_endpoint::sign_in, metric_outcome::failure, "invalid_grant") == 0);
}

TEST_CASE("metrics: a throttled client authentication counts as throttled (429)", "[metrics]")
{
    metered m;
    fixture f(beast_oauth::profile::strict, m.tweak());
    auto attempt = [&](std::string const& secret) {
        return f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", "x"}}), {},
                           "Basic " + base64("seam:" + secret));
    };
    for(int i = 0; i < 10; ++i)
        REQUIRE(attempt("wrong").result_int() == 401);
    CHECK(attempt("seamsecret").result_int() == 429);
    CHECK(m.last().outcome == metric_outcome::throttled);
    CHECK(m.last().error == "temporarily_unavailable");
    CHECK(m.collector->count(metric_endpoint::token, metric_outcome::failure, "invalid_client") == 10);
    CHECK(m.collector->count(metric_endpoint::token, metric_outcome::throttled, "temporarily_unavailable") == 1);
    CHECK(m.collector->latency_count(metric_endpoint::token) == 11);
}

namespace {
// A memory_store whose token calls throw on demand (what an unreachable database does).
struct failing_store : beast_oauth::memory_store
{
    bool unavailable = false, broken = false;
    void maybe_fail() const
    {
        if(unavailable)
            throw beast_oauth::store_unavailable("connection refused", std::chrono::seconds(3));
        if(broken)
            throw std::runtime_error("a bug");
    }
    bool save_token(beast_oauth::token_record const& r) override
    {
        maybe_fail();
        return memory_store::save_token(r);
    }
    std::shared_ptr<beast_oauth::token_record const> find_token(std::string_view s) const override
    {
        maybe_fail();
        return memory_store::find_token(s);
    }
};
} // namespace

TEST_CASE("metrics: a failing store counts as store_error (503 and 500), sync and async paths", "[metrics]")
{
    metered m;
    auto options = fixture::make_options(beast_oauth::profile::strict, m.tweak(false), nullptr);
    options.clock = {};
    failing_store store;
    beast_oauth::memory_user_store users;
    users.add_user(owner_email, beast_oauth::hash_password(owner_password, 1000), {owner_subject, "Owner"});
    beast_oauth::client seam;
    seam.client_id = "seam";
    seam.secret_hash = beast_oauth::hash_password("seamsecret", 1000);
    seam.redirect_uris.emplace_back(seam_callback);
    store.add_client(seam);
    beast_oauth::sync_store_adapter adapter(&store, &store, &store, &users);
    beast_oauth::authorization_server server(options, beast_oauth::store_set{&store, &store, &store, &users},
                                             adapter.stores());
    // A code issued through the phases, exchanged while the store is up: real tokens to present.
    beast_oauth::param_list params;
    for(auto [k, v] : {std::pair{"response_type", "code"}, {"client_id", "seam"}, {"redirect_uri", seam_callback.c_str()}})
        params.add(k, v);
    auto ar = server.validate_authorization_request(params);
    REQUIRE(ar.has_value());
    auto code = query_of(server.issue_code_redirect(*ar, {owner_subject, "Owner"}))["code"];
    auto token_request = [](std::string const& body) {
        http_request req{http::verb::post, "/oauth/token", 11};
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.set(http::field::authorization, "Basic " + base64("seam:seamsecret"));
        req.body() = body;
        req.prepare_payload();
        return req;
    };
    auto issued = beast_oauth::handle_request(
        server, token_request(form({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", seam_callback}})));
    REQUIRE(issued);
    REQUIRE(issued->result_int() == 200);
    auto access = field(*issued, "access_token");
    auto refresh_request = [&] { return token_request(form({{"grant_type", "refresh_token"}, {"refresh_token", field(*issued, "refresh_token")}})); };

    store.unavailable = true;
    auto res = beast_oauth::handle_request(server, refresh_request());
    REQUIRE(res);
    CHECK(res->result_int() == 503);
    CHECK(m.last().endpoint == metric_endpoint::token);
    CHECK(m.last().outcome == metric_outcome::store_error);
    CHECK(m.last().error == "temporarily_unavailable");
    CHECK(m.last().status == 503);

    CHECK(server.validate_bearer("Bearer " + access).err == beast_oauth::error::temporarily_unavailable);
    CHECK(m.last().endpoint == metric_endpoint::bearer);
    CHECK(m.last().outcome == metric_outcome::store_error);
    CHECK(m.last().status == 503);

    // The handler mounted alone reports through the same guard.
    CHECK(server.token().handle(refresh_request()).result_int() == 503);
    CHECK(m.last().outcome == metric_outcome::store_error);

    // Asynchronous stores: the completion reports.
    store.unavailable = false;
    store.broken = true;
    boost::asio::io_context io;
    std::optional<http_response> async_res;
    beast_oauth::async_handle_request(server, refresh_request(), {},
                                      boost::asio::bind_executor(io, [&](std::optional<http_response> r) { async_res = std::move(r); }));
    io.run();
    REQUIRE(async_res);
    CHECK(async_res->result_int() == 500);
    CHECK(m.last().endpoint == metric_endpoint::token);
    CHECK(m.last().outcome == metric_outcome::store_error);
    CHECK(m.last().error == "server_error");
    CHECK(m.collector->count(metric_endpoint::token, metric_outcome::store_error, "temporarily_unavailable") == 2);
    CHECK(m.collector->count(metric_endpoint::token, metric_outcome::store_error, "server_error") == 1);
    CHECK(m.collector->latency_count(metric_endpoint::token) == 4); // the exchange, then three failures
    CHECK(m.collector->latency_count(metric_endpoint::bearer) == 1);
}

TEST_CASE("metrics: the async entry points report issued and refreshed with the grant type", "[metrics]")
{
    metered m;
    fixture f(beast_oauth::profile::strict, m.tweak());
    auto code = f.obtain_code(fixture::authorize_query());
    beast_oauth::sync_store_adapter adapter(&f.store, &f.store, &f.store, &f.users);
    auto options = fixture::make_options(beast_oauth::profile::strict, m.tweak(), &f);
    beast_oauth::authorization_server server(options, beast_oauth::store_set{&f.store, &f.store, &f.store, &f.users},
                                             adapter.stores());
    http_request req{http::verb::post, "/oauth/token", 11};
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = form({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", seam_callback},
                       {"client_id", "seam"}, {"client_secret", "seamsecret"}});
    req.prepare_payload();
    boost::asio::io_context io;
    std::optional<http_response> res;
    beast_oauth::async_handle_request(server, req, {},
                                      boost::asio::bind_executor(io, [&](std::optional<http_response> r) { res = std::move(r); }));
    io.run();
    REQUIRE(res);
    REQUIRE(res->result_int() == 200);
    CHECK(m.last().endpoint == metric_endpoint::token);
    CHECK(m.last().outcome == metric_outcome::issued);
    CHECK(m.last().grant_type == "authorization_code");

    // The async bearer check (a token sent twice is refused before any store call).
    http_request api{http::verb::get, "/intercoms?access_token=" + field(*res, "access_token"), 11};
    api.set(http::field::authorization, "Bearer " + field(*res, "access_token"));
    std::optional<beast_oauth::bearer_result> checked;
    beast_oauth::async_validate_bearer(server, api, "",
                                       boost::asio::bind_executor(io, [&](beast_oauth::bearer_result r) { checked = std::move(r); }));
    io.restart();
    io.run();
    REQUIRE(checked);
    CHECK(m.last().endpoint == metric_endpoint::bearer);
    CHECK(m.last().outcome == metric_outcome::failure);
    CHECK(m.last().error == "invalid_request");
    CHECK(m.last().status == 400);
}

TEST_CASE("metrics: the Prometheus text is valid exposition format 0.0.4", "[metrics]")
{
    metered m;
    fixture f(beast_oauth::profile::strict, m.tweak());
    auto code = f.obtain_code(fixture::authorize_query());
    REQUIRE(f.exchange(code).result_int() == 200);
    REQUIRE(f.exchange(code).result_int() == 400);
    std::string text;
    m.collector->write_prometheus(text);
    auto samples = parse_exposition(text);
    CHECK(text.find("# TYPE beast_oauth_requests_total counter\n") != std::string::npos);
    CHECK(text.find("# TYPE beast_oauth_request_duration_seconds histogram\n") != std::string::npos);
    CHECK(value_of(samples, "beast_oauth_requests_total", {{"endpoint", "token"}, {"outcome", "issued"}}) == 1);
    CHECK(value_of(samples, "beast_oauth_requests_total",
                   {{"endpoint", "token"}, {"outcome", "failure"}, {"error", "invalid_grant"}}) == 1);
    CHECK(value_of(samples, "beast_oauth_request_duration_seconds_count", {{"endpoint", "token"}}) == 2);
    CHECK(value_of(samples, "beast_oauth_request_duration_seconds_sum", {{"endpoint", "token"}}) > 0);
    check_histograms(samples);
    // Never-hit series are left out.
    CHECK(text.find("outcome=\"revoked\"") == std::string::npos);
}

TEST_CASE("metrics: the checker refuses text that is not the format", "[metrics]")
{
    CHECK_THROWS(parse_exposition("beast_oauth_x 1\n"));                                  // no TYPE
    CHECK_THROWS(parse_exposition("# TYPE a counter\na{l=\"x} 1\n"));                     // unterminated
    CHECK_THROWS(parse_exposition("# TYPE a counter\na{l=\"\\t\"} 1\n"));                 // bad escape
    CHECK_THROWS(parse_exposition("# TYPE a counter\na 1x\n"));                           // bad value
    CHECK_NOTHROW(parse_exposition("# TYPE a counter\na{l=\"q\\\"\\\\\\n\"} 1\n"));
}

TEST_CASE("metrics: constant label values are escaped; bad label names are refused", "[metrics]")
{
    metrics_collector c(metrics_collector::label_list{{"instance", "eu \"1\"\\a\nb"}});
    beast_oauth::request_metric r;
    r.endpoint = metric_endpoint::token;
    r.outcome = metric_outcome::issued;
    r.elapsed = std::chrono::microseconds(70);
    c.record(r);
    std::string text;
    c.write_prometheus(text);
    CHECK(text.find(R"(instance="eu \"1\"\\a\nb")") != std::string::npos);
    auto samples = parse_exposition(text);
    CHECK(value_of(samples, "beast_oauth_requests_total",
                   {{"instance", "eu \"1\"\\a\nb"}, {"endpoint", "token"}, {"outcome", "issued"}}) == 1);
    // 70 us falls in the 100 us bucket, not the 50 us one.
    CHECK(value_of(samples, "beast_oauth_request_duration_seconds_bucket",
                   {{"instance", "eu \"1\"\\a\nb"}, {"endpoint", "token"}, {"le", "5e-05"}}) == 0);
    CHECK(value_of(samples, "beast_oauth_request_duration_seconds_bucket",
                   {{"instance", "eu \"1\"\\a\nb"}, {"endpoint", "token"}, {"le", "0.0001"}}) == 1);
    CHECK(text.find("beast_oauth_request_duration_seconds_sum{instance=\"eu \\\"1\\\"\\\\a\\nb\",endpoint=\"token\"} 0.000070000\n") !=
          std::string::npos);

    for(char const* bad : {"", "1abc", "a-b", "__reserved", "endpoint", "le", "error", "outcome"})
        CHECK_THROWS_AS(metrics_collector(metrics_collector::label_list{{bad, "v"}}), std::invalid_argument);
}

TEST_CASE("metrics: an unknown error folds into other, so label values cannot grow", "[metrics]")
{
    metrics_collector c;
    for(int i = 0; i < 100; ++i)
    {
        std::string attacker = "chosen_" + std::to_string(i) + "\"}";
        beast_oauth::request_metric r;
        r.endpoint = metric_endpoint::token;
        r.outcome = metric_outcome::failure;
        r.error = attacker;
        c.record(r);
    }
    CHECK(c.count(metric_endpoint::token, metric_outcome::failure, "other") == 100);
    CHECK(c.count(metric_endpoint::token, metric_outcome::failure, "chosen_1\"}") == 100); // also "other"
    std::string text;
    c.write_prometheus(text);
    CHECK(text.find("chosen") == std::string::npos);
    CHECK(value_of(parse_exposition(text), "beast_oauth_requests_total",
                   {{"endpoint", "token"}, {"outcome", "failure"}, {"error", "other"}}) == 100);
    CHECK(metrics_collector::error_slot("invalid_grant") != metrics_collector::error_slot("other"));
}

TEST_CASE("metrics: without a hook no clock is read and nothing is reported; a throwing hook changes no answer", "[metrics]")
{
    fixture plain;
    beast_oauth::server_options none;
    CHECK_FALSE(beast_oauth::detail::request_timer(none).on());
    auto code = plain.obtain_code(fixture::authorize_query());
    CHECK(plain.exchange(code).result_int() == 200);

    int calls = 0;
    fixture throwing(beast_oauth::profile::strict, [&calls](beast_oauth::server_options& o) {
        o.metrics = [&calls](beast_oauth::request_metric const&) {
            ++calls;
            throw std::runtime_error("hook bug");
        };
    });
    auto code2 = throwing.obtain_code(fixture::authorize_query());
    REQUIRE_FALSE(code2.empty());
    CHECK(throwing.exchange(code2).result_int() == 200);
    CHECK(calls == 3); // page, sign-in, exchange
}

TEST_CASE("metrics: pushed authorization requests count under endpoint par (RFC 9126)", "[metrics][par]")
{
    metered m;
    auto const basic = "Basic " + base64("seam:seamsecret");
    auto tweak = m.tweak();
    fixture f(beast_oauth::profile::strict, [&](beast_oauth::server_options& o) {
        tweak(o);
        o.par_path = "/oauth/par";
    });
    auto body = form({{"response_type", "code"}, {"redirect_uri", seam_callback}, {"scope", "intercoms.read"},
                      {"code_challenge", beast_oauth::make_s256_challenge(std::string(43, 'v'))},
                      {"code_challenge_method", "S256"}});
    REQUIRE(f.post_form("/oauth/par", body, {}, basic).result_int() == 201);
    CHECK(m.last().endpoint == metric_endpoint::par);
    CHECK(m.last().outcome == metric_outcome::accepted);
    REQUIRE(f.post_form("/oauth/par", body + "&request_uri=x", {}, basic).result_int() == 400);
    CHECK(m.last().endpoint == metric_endpoint::par);
    CHECK(m.last().outcome == metric_outcome::failure);
    CHECK(m.collector->count(metric_endpoint::par, metric_outcome::accepted, "") == 1);
    // A request_uri that does not unseal: the authorize page's failure, labelled as such.
    REQUIRE(f.get("/authorize?client_id=seam&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Abogus")
                .result_int() == 400);
    CHECK(m.last().endpoint == metric_endpoint::authorize);
    CHECK(m.last().outcome == metric_outcome::failure);
}
