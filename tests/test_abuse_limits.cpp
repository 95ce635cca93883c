// Abuse limits and the audit hook: throttled sign-ins and client authentication
// (429 + Retry-After), and audit events that never carry a secret.
#include "fixture.hpp"
#include "catch.hpp"

#include <boost/json.hpp>
#include <mutex>
#include <set>
#include <sstream>

using namespace test;


TEST_CASE("token bucket: a burst of failures, then one per refill interval")
{
    beast_oauth::token_bucket_limiter limiter;
    beast_oauth::rate_limit const limit{3, std::chrono::seconds(10)};
    auto t0 = beast_oauth::time_point(std::chrono::seconds(1000));
    CHECK_FALSE(limiter.check("k", limit, t0));
    for(int i = 0; i < 3; ++i)
        limiter.record_failure("k", limit, t0);
    auto wait = limiter.check("k", limit, t0);
    REQUIRE(wait);
    CHECK(wait->count() == 10);
    CHECK_FALSE(limiter.check("other", limit, t0));
    CHECK(limiter.check("k", limit, t0 + std::chrono::seconds(5))->count() == 5);
    CHECK_FALSE(limiter.check("k", limit, t0 + std::chrono::seconds(10)));
    limiter.record_failure("k", limit, t0 + std::chrono::seconds(10));
    CHECK(limiter.check("k", limit, t0 + std::chrono::seconds(10)));
    // A stricter limit on the same count: one attempt only once everything is earned back.
    CHECK(limiter.check("k", {1, std::chrono::seconds(10)}, t0 + std::chrono::seconds(10))->count() == 30);
    limiter.reset("k");
    CHECK_FALSE(limiter.check("k", limit, t0 + std::chrono::seconds(10)));
    CHECK_THROWS(beast_oauth::token_bucket_limiter(8));
}

TEST_CASE("token bucket: a flood of distinct keys cannot grow memory past max_keys")
{
    beast_oauth::token_bucket_limiter limiter(64);
    beast_oauth::rate_limit const limit{10, std::chrono::seconds(30)};
    auto t0 = beast_oauth::time_point(std::chrono::seconds(1000));
    // The attacker's own key has the most failures: eviction takes the others first.
    for(int i = 0; i < 20; ++i)
        limiter.record_failure("ip:203.0.113.66", limit, t0);
    for(int i = 0; i < 20000; ++i)
        limiter.record_failure("user:random-" + std::to_string(i), limit, t0);
    CHECK(limiter.size() <= 64);
    CHECK(limiter.check("ip:203.0.113.66", limit, t0));
}

TEST_CASE("failed sign-ins are throttled per account and address: 429, Retry-After, a clear message")
{
    fixture f;
    for(int i = 0; i < 10; ++i)
        REQUIRE(f.sign_in(fixture::authorize_query(), owner_email, "wrong").result_int() == 200);
    auto res = f.sign_in(fixture::authorize_query(), owner_email, owner_password); // even the right password
    CHECK(res.result_int() == 429);
    CHECK(res[http::field::retry_after] == "30");
    CHECK(res.body().find("Too many failed sign-in attempts. Try again in 30 seconds.") != std::string::npos);
    CHECK(res.find(http::field::location) == res.end());
    // Usernames compare case-insensitively.
    CHECK(f.sign_in(fixture::authorize_query(), "OWNER@example.com", owner_password).result_int() == 429);
    f.advance(30);
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 303);
}

TEST_CASE("attack: 30 wrong passwords from address B never stop the owner at address A")
{
    fixture f;
    f.address = "198.51.100.66"; // B
    for(int i = 0; i < 30; ++i)
    {
        auto res = f.sign_in(fixture::authorize_query(), owner_email, "guess-" + std::to_string(i));
        CHECK(res.find(http::field::location) == res.end()); // never a code for a wrong password
    }
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 429); // B waits
    f.address = "192.0.2.10"; // A: the owner
    auto res = f.sign_in(fixture::authorize_query(), owner_email, owner_password);
    REQUIRE(res.result_int() == 303);
    CHECK(query_of(res[http::field::location]).count("code") == 1);
}

TEST_CASE("attack: 60 wrong passwords from one address, spread over accounts, get 429 with Retry-After")
{
    fixture f;
    f.address = "198.51.100.66";
    http_response last;
    int throttled = 0;
    for(int i = 0; i < 60; ++i)
    {
        last = f.sign_in(fixture::authorize_query(), "user" + std::to_string(i) + "@example.com", "x");
        throttled += last.result_int() == 429;
    }
    CHECK(throttled >= 25); // the per-address budget (30) is spent
    CHECK(last.result_int() == 429);
    CHECK_FALSE(last[http::field::retry_after].empty());
    CHECK(last.body().find("Too many failed sign-in attempts") != std::string::npos);
    // The address is refused for every account, the right password included...
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 429);
    // ...and nobody else is.
    f.address = "192.0.2.10";
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 303);
}

TEST_CASE("attack: guessing one account from many addresses is slowed, the owner is never refused")
{
    fixture f;
    // 120 addresses, 1 guess each: the account's budget across addresses (100) is spent.
    for(int i = 0; i < 120; ++i)
    {
        f.address = "203.0.113." + std::to_string(i);
        f.sign_in(fixture::authorize_query(), owner_email, "guess");
    }
    // A fresh address still gets its attempt: the owner signs in.
    f.address = "192.0.2.10";
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 303);
    // A guesser at a fresh address gets one try, then waits a refill (30 s) instead of 10 tries.
    f.address = "192.0.2.99";
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, "guess").result_int() == 200);
    auto slowed = f.sign_in(fixture::authorize_query(), owner_email, "guess");
    CHECK(slowed.result_int() == 429);
    CHECK(slowed[http::field::retry_after] == "30");
    // Without the attack, 10 tries from one address pass before any wait.
    fixture quiet;
    quiet.address = "192.0.2.99";
    for(int i = 0; i < 10; ++i)
        CHECK(quiet.sign_in(fixture::authorize_query(), owner_email, "typo").result_int() == 200);
}

TEST_CASE("IPv6 addresses are counted per /64, IPv4-mapped ones as IPv4")
{
    fixture f;
    // One host hopping through its /64 does not get a fresh budget per address.
    for(int i = 1; i <= 10; ++i)
    {
        std::ostringstream a;
        a << "2001:db8:1:2::" << std::hex << i;
        f.address = a.str();
        f.sign_in(fixture::authorize_query(), owner_email, "guess");
    }
    f.address = "2001:db8:1:2:ffff::1";
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 429);
    f.address = "2001:db8:1:3::1"; // another /64
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 303);

    beast_oauth::authentication_throttle t(std::make_shared<beast_oauth::token_bucket_limiter>(), {});
    CHECK(t.canonical_address("::ffff:192.0.2.1") == "192.0.2.1");
    CHECK(t.canonical_address("[2001:db8::1]") == "2001:db8::/64");
    CHECK(t.canonical_address("not an address") == "not an address");
}

namespace {
http_response client_attempt(fixture& f, std::string const& client, std::string const& secret)
{
    return f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", "x"}}), {},
                       "Basic " + base64(client + ":" + secret));
}
} // namespace

TEST_CASE("failed client authentications are throttled per client_id and address")
{
    fixture f;
    for(int i = 0; i < 10; ++i)
        REQUIRE(client_attempt(f, "seam", "wrong").result_int() == 401);
    auto res = client_attempt(f, "seam", "seamsecret");
    CHECK(res.result_int() == 429);
    CHECK(res[http::field::retry_after] == "30");
    CHECK(boost::json::parse(res.body()).at("error").as_string() == "temporarily_unavailable");
    CHECK(client_attempt(f, "single", "singlesecret").result_int() == 400); // authenticated, then invalid_grant
}

TEST_CASE("attack: 30 wrong secrets for 'seam' from address B; Seam at address A still redeems and refreshes")
{
    fixture f;
    f.address = "198.51.100.66"; // B
    for(int i = 0; i < 30; ++i)
    {
        auto res = client_attempt(f, "seam", "guess-" + std::to_string(i));
        CHECK((res.result_int() == 401 || res.result_int() == 429));
    }
    CHECK(client_attempt(f, "seam", "seamsecret").result_int() == 429); // B itself is refused
    f.address = "192.0.2.10"; // A: Seam
    auto code = f.obtain_code(fixture::authorize_query());
    auto exchanged = f.exchange(code);
    REQUIRE(exchanged.result_int() == 200);
    auto rt = std::string(boost::json::parse(exchanged.body()).at("refresh_token").as_string());
    auto refreshed = f.post_form("/oauth/token", form({{"grant_type", "refresh_token"}, {"refresh_token", rt},
                                                      {"client_id", "seam"}, {"client_secret", "seamsecret"}}));
    CHECK(refreshed.result_int() == 200);
}

TEST_CASE("attack: 60 failed client authentications from one address get 429 with Retry-After")
{
    fixture f;
    f.address = "198.51.100.66";
    http_response last;
    for(int i = 0; i < 60; ++i)
        last = client_attempt(f, i % 2 ? "seam" : "client-" + std::to_string(i), "x");
    CHECK(last.result_int() == 429);
    CHECK_FALSE(last[http::field::retry_after].empty());
    f.address = "192.0.2.10";
    CHECK(client_attempt(f, "seam", "seamsecret").result_int() == 400); // authenticated: invalid_grant
}

TEST_CASE("attack: the throttle is no client_id oracle: unknown ids answer exactly like known ones")
{
    fixture f;
    f.address = "198.51.100.66";
    std::vector<unsigned> known, unknown;
    for(int i = 0; i < 12; ++i)
    {
        known.push_back(client_attempt(f, "seam", "x").result_int());
        unknown.push_back(client_attempt(f, "no-such-client", "x").result_int());
    }
    CHECK(known == unknown);
    CHECK(known.back() == 429);
}

TEST_CASE("distributed guessing of a client secret is slowed, never refused for the real client")
{
    fixture f;
    for(int i = 0; i < 150; ++i)
    {
        f.address = "203.0.113." + std::to_string(i % 250);
        client_attempt(f, "seam", "guess");
    }
    f.address = "192.0.2.10";
    auto code = f.obtain_code(fixture::authorize_query());
    CHECK(f.exchange(code).result_int() == 200);
}

TEST_CASE("rate limiting can be turned off or replaced")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) { o.rate_limiting = false; });
    for(int i = 0; i < 15; ++i)
        f.sign_in(fixture::authorize_query(), owner_email, "wrong");
    CHECK(f.sign_in(fixture::authorize_query(), owner_email, owner_password).result_int() == 303);

    fixture strict(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.rate_limiter = std::make_shared<beast_oauth::token_bucket_limiter>();
        o.throttle.per_subject_and_address = {1, std::chrono::seconds(60)};
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

TEST_CASE("attack: a newline in a username or client_id cannot forge an audit record")
{
    std::vector<std::string> fields;
    fixture f(beast_oauth::profile::strict, [&](beast_oauth::server_options& o) {
        o.audit = [&](beast_oauth::audit_event const& e) {
            for(auto v : {e.client_id, e.subject, e.username, e.remote_address, e.grant_id, e.detail})
                fields.emplace_back(v);
        };
    });
    f.sign_in(fixture::authorize_query(), "eve\naudit token_issued client=seam sub=usr_42", "x");
    f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", "x"},
                                      {"client_id", "evil\r\naudit token_issued"}, {"client_secret", "x"}}));
    f.address = "10.0.0.1\nforged";
    f.sign_in(fixture::authorize_query(), "x\\n", "x");
    REQUIRE_FALSE(fields.empty());
    bool saw_escaped = false;
    for(auto const& v : fields)
    {
        INFO(v);
        for(unsigned char c : v)
            CHECK((c >= 0x20 && c != 0x7f));
        saw_escaped |= v.find("eve\\x0aaudit token_issued") != std::string::npos;
    }
    CHECK(saw_escaped);
    // A literal backslash is escaped too, so "\\x0a" typed by a user cannot pass for a newline.
    CHECK(std::find(fields.begin(), fields.end(), "x\\\\n") != fields.end());
}
