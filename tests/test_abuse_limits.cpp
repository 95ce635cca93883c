// Abuse limits and the audit hook: throttled sign-ins and client authentication
// (429 + Retry-After), and audit events that never carry a secret.
#include "fixture.hpp"
#include "catch.hpp"

#include <boost/json.hpp>
#include <mutex>
#include <set>

using namespace test;

namespace {

http_response sign_in_from(fixture& f, std::string const& address, std::string const& email, std::string const& password)
{
    auto page = f.get(fixture::authorize_query("state=s"));
    std::string body = form({{"username", email}, {"password", password}, {"action", "sign_in"}});
    for(auto const& [k, v] : hidden_fields(page.body()))
        body += "&" + form({{k, v}});
    http_request req{http::verb::post, "/authorize", 11};
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.set(http::field::cookie, cookie_from(page, "__Host-boa_csrf"));
    req.body() = body;
    req.prepare_payload();
    return *beast_oauth::handle_request(f.server, std::move(req), beast_oauth::request_context{address});
}

} // namespace

TEST_CASE("token bucket: a burst of failures, then one per refill interval")
{
    beast_oauth::token_bucket_limiter limiter(3, std::chrono::seconds(10));
    auto t0 = beast_oauth::time_point(std::chrono::seconds(1000));
    CHECK_FALSE(limiter.check("k", t0));
    for(int i = 0; i < 3; ++i)
        limiter.record_failure("k", t0);
    auto wait = limiter.check("k", t0);
    REQUIRE(wait);
    CHECK(wait->count() == 10);
    CHECK_FALSE(limiter.check("other", t0));
    CHECK(limiter.check("k", t0 + std::chrono::seconds(5))->count() == 5);
    CHECK_FALSE(limiter.check("k", t0 + std::chrono::seconds(10)));
    limiter.record_failure("k", t0 + std::chrono::seconds(10));
    CHECK(limiter.check("k", t0 + std::chrono::seconds(10)));
    limiter.reset("k");
    CHECK_FALSE(limiter.check("k", t0 + std::chrono::seconds(10)));
    CHECK_THROWS(beast_oauth::token_bucket_limiter(0, std::chrono::seconds(1)));
}

TEST_CASE("failed sign-ins are throttled per account: 429, Retry-After, a clear message")
{
    fixture f;
    for(int i = 0; i < 10; ++i)
        REQUIRE(f.sign_in(fixture::authorize_query(), owner_email, "wrong").result_int() == 200);
    auto res = f.sign_in(fixture::authorize_query(), owner_email, owner_password); // even the right password
    CHECK(res.result_int() == 429);
    CHECK(res[http::field::retry_after] == "30");
    CHECK(res.body().find("Too many failed sign-in attempts. Try again in 30 seconds.") != std::string::npos);
    CHECK(res.find(http::field::location) == res.end());
    // Another account is not affected; usernames compare case-insensitively.
    CHECK(f.sign_in(fixture::authorize_query(), "OWNER@example.com", owner_password).result_int() == 429);
    f.advance(30);
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 303);
}

TEST_CASE("failed sign-ins are throttled per remote address")
{
    fixture f;
    for(int i = 0; i < 10; ++i)
        sign_in_from(f, "203.0.113.7", "user" + std::to_string(i) + "@example.com", "x");
    CHECK(sign_in_from(f, "203.0.113.7", owner_email, owner_password).result_int() == 429);
    CHECK(sign_in_from(f, "198.51.100.1", owner_email, owner_password).result_int() == 303);
}

TEST_CASE("failed client authentications are throttled per client_id")
{
    fixture f;
    auto attempt = [&](std::string const& client, std::string const& secret) {
        return f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", "x"}}), {},
                           "Basic " + base64(client + ":" + secret));
    };
    for(int i = 0; i < 10; ++i)
        REQUIRE(attempt("seam", "wrong").result_int() == 401);
    auto res = attempt("seam", "seamsecret");
    CHECK(res.result_int() == 429);
    CHECK(res[http::field::retry_after] == "30");
    CHECK(boost::json::parse(res.body()).at("error").as_string() == "temporarily_unavailable");
    CHECK(attempt("single", "singlesecret").result_int() == 400); // authenticated, then invalid_grant
    for(int i = 0; i < 20; ++i)
        attempt("no-such-client", "x"); // unknown ids are not tracked
    CHECK(attempt("no-such-client", "x").result_int() == 401);
}

TEST_CASE("rate limiting can be turned off or replaced")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) { o.rate_limiting = false; });
    for(int i = 0; i < 15; ++i)
        f.sign_in(fixture::authorize_query(), owner_email, "wrong");
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 303);

    fixture strict(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.rate_limiter = std::make_shared<beast_oauth::token_bucket_limiter>(1, std::chrono::seconds(60));
    });
    strict.sign_in(fixture::authorize_query(), owner_email, "wrong");
    CHECK(strict.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 429);
}

TEST_CASE("audit events cover the security-relevant steps and never carry a secret")
{
    struct recorded
    {
        std::string type, all_fields;
    };
    std::mutex m;
    std::vector<recorded> events;
    fixture f(beast_oauth::profile::strict, [&](beast_oauth::server_options& o) {
        o.rotation = beast_oauth::refresh_rotation::rotate;
        o.audit = [&](beast_oauth::audit_event const& e) {
            std::lock_guard<std::mutex> lock(m);
            std::string all;
            for(auto v : {e.client_id, e.subject, e.username, e.remote_address, e.grant_id, e.detail})
                all += std::string(v) + "\n";
            events.push_back({std::string(beast_oauth::audit_event_name(e.type)), all});
        };
    });
    std::vector<std::string> secrets = {owner_password, "seamsecret", "wrong-password-123"};
    f.sign_in(fixture::authorize_query(), owner_email, "wrong-password-123");
    auto page = f.get(fixture::authorize_query());
    secrets.push_back(hidden_fields(page.body())["csrf"]);
    auto code = f.obtain_code(fixture::authorize_query());
    secrets.push_back(code);
    auto tokens = boost::json::parse(f.exchange(code).body()).as_object();
    auto at = std::string(tokens.at("access_token").as_string());
    auto rt = std::string(tokens.at("refresh_token").as_string());
    secrets.push_back(at);
    secrets.push_back(rt);
    auto refresh = [&](std::string const& token) {
        return f.post_form("/oauth/token", form({{"grant_type", "refresh_token"}, {"refresh_token", token},
                                                 {"client_id", "seam"}, {"client_secret", "seamsecret"}}));
    };
    auto next = boost::json::parse(refresh(rt).body()).as_object();
    secrets.push_back(std::string(next.at("access_token").as_string()));
    secrets.push_back(std::string(next.at("refresh_token").as_string()));
    f.advance(120);
    refresh(rt); // reuse after grace
    auto code2 = f.obtain_code(fixture::authorize_query());
    secrets.push_back(code2);
    f.exchange(code2);
    f.exchange(code2); // replay
    f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code2},
                                      {"client_id", "seam"}, {"client_secret", "bad-secret-456"}}));
    secrets.push_back("bad-secret-456");
    auto code3 = f.obtain_code(fixture::authorize_query());
    auto t3 = std::string(boost::json::parse(f.exchange(code3).body()).at("access_token").as_string());
    secrets.push_back(t3);
    f.post_form("/oauth/revoke", form({{"token", t3}}), {}, "Basic " + base64("seam:seamsecret"));
    for(int i = 0; i < 12; ++i)
        f.sign_in(fixture::authorize_query(), "victim@example.com", "guess-" + std::to_string(i));

    std::set<std::string> types;
    for(auto const& e : events)
    {
        types.insert(e.type);
        for(auto const& s : secrets)
        {
            INFO(e.type);
            CHECK(e.all_fields.find(s) == std::string::npos);
        }
    }
    for(auto t : {"sign_in_succeeded", "sign_in_failed", "code_issued", "token_issued", "code_replay_detected",
                  "refresh_reuse_detected", "client_authentication_failed", "token_revoked", "rate_limited"})
    {
        INFO(t);
        CHECK(types.count(t) == 1);
    }
}
