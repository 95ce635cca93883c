// The refresh_token grant: RFC 6749 6, rotation with grace and reuse detection (RFC 9700 4.14.2),
// Seam's "same refresh token" behaviour, concurrency.
#include "fixture.hpp"
#include "catch.hpp"

#include <boost/json.hpp>
#include <mutex>
#include <set>
#include <thread>

using namespace test;

namespace {

boost::json::object json_of(http_response const& res)
{
    return boost::json::parse(res.body()).as_object();
}

std::string str(boost::json::object const& o, char const* key)
{
    return std::string(o.at(key).as_string());
}

struct tokens
{
    std::string access, refresh;
};

tokens connect(fixture& f, std::string const& scope = "intercoms.read intercoms.write")
{
    auto res = f.exchange(f.obtain_code(fixture::authorize_query("scope=" + pct(scope))));
    REQUIRE(res.result_int() == 200);
    auto o = json_of(res);
    return {str(o, "access_token"), str(o, "refresh_token")};
}

http_response refresh(fixture& f, std::string const& rt, std::string const& extra = {},
                      std::string const& client = "seam", std::string const& secret = "seamsecret")
{
    auto body = form({{"grant_type", "refresh_token"}, {"refresh_token", rt}, {"client_id", client},
                      {"client_secret", secret}});
    if(!extra.empty())
        body += "&" + extra;
    return f.post_form("/oauth/token", body);
}

bool works(fixture& f, std::string const& access)
{
    return f.server.validate_bearer("Bearer " + access).ok();
}

void use_rotation(beast_oauth::server_options& o)
{
    o.rotation = beast_oauth::refresh_rotation::rotate;
}

// Refreshes `n` times at once with the same refresh token.
std::vector<http_response> concurrent_refresh(fixture& f, std::string const& rt, int n)
{
    std::vector<http_response> out(static_cast<std::size_t>(n));
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for(int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            while(!go) std::this_thread::yield(); // start together without starving the spawning thread (TSan)
            out[static_cast<std::size_t>(i)] = refresh(f, rt);
        });
    go = true;
    for(auto& t : threads)
        t.join();
    return out;
}

} // namespace

TEST_CASE("rotation none (Seam's guide): new access token, same refresh token, old access tokens keep working")
{
    fixture f;
    auto t = connect(f);
    auto r1 = refresh(f, t.refresh);
    REQUIRE(r1.result_int() == 200);
    auto o = json_of(r1);
    CHECK(str(o, "refresh_token") == t.refresh);
    CHECK(str(o, "access_token") != t.access);
    CHECK(str(o, "token_type") == "Bearer");
    CHECK(o.at("expires_in").as_int64() == 3600);
    CHECK(str(o, "user_id") == owner_subject);
    CHECK(r1[http::field::cache_control] == "no-store");
    CHECK(works(f, t.access));
    CHECK(works(f, str(o, "access_token")));
    CHECK(refresh(f, t.refresh).result_int() == 200);
}

TEST_CASE("concurrent refreshes all succeed and every access token works", "[concurrency]")
{
    for(int n : {8, 64})
    {
        for(bool rotate : {false, true})
        {
            INFO("n=" << n << " rotate=" << rotate);
            // Every token must work: no cap here (it is tested on its own below).
            fixture f(beast_oauth::profile::strict, [rotate](beast_oauth::server_options& o) {
                if(rotate)
                    use_rotation(o);
                o.max_access_tokens_per_grant = 0;
            });
            auto t = connect(f);
            auto results = concurrent_refresh(f, t.refresh, n);
            std::set<std::string> refresh_tokens;
            for(auto const& r : results)
            {
                REQUIRE(r.result_int() == 200);
                auto o = json_of(r);
                CHECK(works(f, str(o, "access_token")));
                refresh_tokens.insert(str(o, "refresh_token"));
            }
            REQUIRE(refresh_tokens.size() == 1); // everyone got the same refresh token
            if(rotate)
            {
                CHECK(*refresh_tokens.begin() != t.refresh);
                CHECK(refresh(f, *refresh_tokens.begin()).result_int() == 200); // the successor works
            }
            else
                CHECK(*refresh_tokens.begin() == t.refresh);
            CHECK(works(f, t.access));
        }
    }
}

TEST_CASE("rotate: the old token returns the same pair inside the grace period")
{
    fixture f(beast_oauth::profile::strict, use_rotation);
    auto t = connect(f);
    auto first = json_of(refresh(f, t.refresh));
    f.advance(30);
    auto again = refresh(f, t.refresh);
    REQUIRE(again.result_int() == 200);
    auto second = json_of(again);
    CHECK(str(second, "access_token") == str(first, "access_token"));
    CHECK(str(second, "refresh_token") == str(first, "refresh_token"));
    CHECK(second.at("expires_in").as_int64() == 3600 - 30);
}

TEST_CASE("rotate: reuse after the grace period revokes the whole grant")
{
    fixture f(beast_oauth::profile::strict, use_rotation);
    auto t = connect(f);
    auto r1 = json_of(refresh(f, t.refresh));
    auto rt2 = str(r1, "refresh_token");
    f.advance(30);
    auto r2 = json_of(refresh(f, rt2)); // a normal rotation chain
    auto rt3 = str(r2, "refresh_token");
    CHECK(works(f, t.access));
    CHECK(works(f, str(r2, "access_token")));

    f.advance(61); // rt1 and rt2 are out of their grace periods now
    auto reuse = refresh(f, t.refresh);
    CHECK(reuse.result_int() == 400);
    CHECK(str(json_of(reuse), "error") == "invalid_grant");
    // Every token descended from the authorization is gone.
    CHECK_FALSE(works(f, t.access));
    CHECK_FALSE(works(f, str(r1, "access_token")));
    CHECK_FALSE(works(f, str(r2, "access_token")));
    CHECK(refresh(f, rt3).result_int() == 400);
}

TEST_CASE("a client's own rotation policy overrides the server's")
{
    fixture f;
    beast_oauth::client strict_client;
    strict_client.client_id = "rotating";
    strict_client.secret_hash = beast_oauth::hash_client_secret("rotsecret");
    strict_client.redirect_uris.emplace_back("https://rot.example.test/cb");
    strict_client.rotation = beast_oauth::refresh_rotation::rotate;
    f.store.add_client(strict_client);
    auto code = f.obtain_code("/authorize?response_type=code&client_id=rotating");
    auto res = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code},
                                                 {"client_id", "rotating"}, {"client_secret", "rotsecret"}}));
    auto rt = str(json_of(res), "refresh_token");
    auto r = json_of(refresh(f, rt, {}, "rotating", "rotsecret"));
    CHECK(str(r, "refresh_token") != rt);
}

TEST_CASE("refresh tokens are bound to their client")
{
    fixture f;
    auto t = connect(f);
    auto res = refresh(f, t.refresh, {}, "single", "singlesecret");
    CHECK(res.result_int() == 400);
    CHECK(str(json_of(res), "error") == "invalid_grant");
    CHECK(refresh(f, t.refresh).result_int() == 200); // not burnt by the attempt
}

TEST_CASE("a refresh may narrow the scope, never widen it")
{
    fixture f;
    auto t = connect(f);
    auto narrowed = refresh(f, t.refresh, "scope=intercoms.read");
    REQUIRE(narrowed.result_int() == 200);
    auto o = json_of(narrowed);
    auto r = f.server.validate_bearer("Bearer " + str(o, "access_token"));
    REQUIRE(r.ok());
    CHECK(r.token->scope == "intercoms.read");
    CHECK_FALSE(f.server.validate_bearer("Bearer " + str(o, "access_token"), "intercoms.write").ok());
    auto wider = refresh(f, t.refresh, "scope=intercoms.read+admin");
    CHECK(wider.result_int() == 400);
    CHECK(str(json_of(wider), "error") == "invalid_scope");
    CHECK(str(json_of(refresh(f, t.refresh, "scope=bad%22scope")), "error") == "invalid_scope");
    // The refresh token keeps its full scope.
    auto full = f.server.validate_bearer("Bearer " + str(json_of(refresh(f, t.refresh)), "access_token"), "intercoms.write");
    CHECK(full.ok());
}

TEST_CASE("refresh token lifetime: fixed without rotation, sliding with it")
{
    SECTION("fixed")
    {
        fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
            o.refresh_token_ttl = std::chrono::seconds(1000);
        });
        auto t = connect(f);
        f.advance(900);
        CHECK(refresh(f, t.refresh).result_int() == 200);
        f.advance(100);
        CHECK(str(json_of(refresh(f, t.refresh)), "error") == "invalid_grant");
    }
    SECTION("sliding")
    {
        fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
            o.refresh_token_ttl = std::chrono::seconds(1000);
            o.rotation = beast_oauth::refresh_rotation::rotate;
        });
        auto rt = connect(f).refresh;
        for(int i = 0; i < 5; ++i)
        {
            f.advance(900);
            auto res = refresh(f, rt);
            REQUIRE(res.result_int() == 200);
            rt = str(json_of(res), "refresh_token");
        }
    }
}

TEST_CASE("revoke_access_tokens_on_refresh ends the older access tokens")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.revoke_access_tokens_on_refresh = true;
    });
    auto t = connect(f);
    auto o = json_of(refresh(f, t.refresh));
    CHECK_FALSE(works(f, t.access));
    CHECK(works(f, str(o, "access_token")));
    CHECK(refresh(f, t.refresh).result_int() == 200);
}

TEST_CASE("refresh errors")
{
    fixture f;
    auto t = connect(f);
    CHECK(str(json_of(refresh(f, "boa_rt_garbage")), "error") == "invalid_grant");
    CHECK(str(json_of(refresh(f, t.access)), "error") == "invalid_grant"); // an access token is not a refresh token
    auto missing = f.post_form("/oauth/token", form({{"grant_type", "refresh_token"}, {"client_id", "seam"},
                                                     {"client_secret", "seamsecret"}}));
    CHECK(str(json_of(missing), "error") == "invalid_request");
    auto bad_client = refresh(f, t.refresh, {}, "seam", "wrong");
    CHECK(bad_client.result_int() == 401);
    beast_oauth::client no_refresh;
    no_refresh.client_id = "norefresh";
    no_refresh.secret_hash = beast_oauth::hash_client_secret("nrsecret");
    no_refresh.redirect_uris.emplace_back("https://nr.example.test/cb");
    no_refresh.grant_types = {"authorization_code"};
    f.store.add_client(no_refresh);
    auto code = f.obtain_code("/authorize?response_type=code&client_id=norefresh");
    auto res = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code},
                                                 {"client_id", "norefresh"}, {"client_secret", "nrsecret"}}));
    CHECK_FALSE(json_of(res).contains("refresh_token"));
    CHECK(str(json_of(refresh(f, t.refresh, {}, "norefresh", "nrsecret")), "error") == "unauthorized_client");
}

namespace {
std::string native_authorize()
{
    return "/authorize?response_type=code&client_id=native&redirect_uri=http%3A%2F%2F127.0.0.1%3A4000%2Fcallback"
           "&code_challenge=" + beast_oauth::make_s256_challenge(verifier) + "&code_challenge_method=S256";
}

tokens connect_native(fixture& f)
{
    auto code = f.obtain_code(native_authorize());
    auto res = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code},
                                                 {"redirect_uri", "http://127.0.0.1:4000/callback"},
                                                 {"client_id", "native"}, {"code_verifier", verifier}}));
    REQUIRE(res.result_int() == 200);
    auto o = json_of(res);
    return {str(o, "access_token"), str(o, "refresh_token")};
}

http_response refresh_native(fixture& f, std::string const& rt)
{
    return f.post_form("/oauth/token", form({{"grant_type", "refresh_token"}, {"refresh_token", rt},
                                             {"client_id", "native"}}));
}
} // namespace

TEST_CASE("attack: a public client's stolen refresh token stops working (RFC 9700 4.14.2: always rotated)")
{
    // The server-wide policy is Seam's `none`; public clients rotate anyway.
    fixture f;
    REQUIRE(f.server.options().rotation == beast_oauth::refresh_rotation::none);
    auto t = connect_native(f);
    auto first = refresh_native(f, t.refresh);
    REQUIRE(first.result_int() == 200);
    auto next = str(json_of(first), "refresh_token");
    CHECK(next != t.refresh);
    // Within the grace period the old token yields the same pair (concurrent refreshes)...
    auto again = refresh_native(f, t.refresh);
    REQUIRE(again.result_int() == 200);
    CHECK(str(json_of(again), "refresh_token") == next);
    // ...after it, the thief's (or anyone's) reuse revokes the grant.
    f.advance(120);
    CHECK(refresh_native(f, t.refresh).result_int() == 400);
    CHECK(refresh_native(f, next).result_int() == 400);
    // A confidential client keeps Seam's behaviour: the same refresh token.
    auto s = connect(f);
    CHECK(str(json_of(refresh(f, s.refresh)), "refresh_token") == s.refresh);
}

TEST_CASE("a public client's refresh token expires by default; a confidential client's does not")
{
    fixture f;
    auto t = connect_native(f);
    auto s = connect(f);
    f.advance(60LL * 60 * 24 * 31);
    auto res = refresh_native(f, t.refresh);
    CHECK(res.result_int() == 400);
    CHECK(json_of(res).at("error").as_string() == "invalid_grant");
    CHECK(refresh(f, s.refresh).result_int() == 200);
}

TEST_CASE("in the grace period a refresh asking another scope gets the first refresh's token and scope")
{
    for(auto format : {beast_oauth::token_format::opaque, beast_oauth::token_format::jwt})
    {
        INFO("jwt=" << (format == beast_oauth::token_format::jwt));
        fixture f(beast_oauth::profile::strict, [format](beast_oauth::server_options& o) {
            use_rotation(o);
            o.access_token_format = format;
            if(format == beast_oauth::token_format::jwt)
            {
                o.signing_keys = std::make_shared<beast_oauth::key_set>();
                o.signing_keys->add(beast_oauth::signing_key::generate(beast_oauth::jws_alg::eddsa, "k1"));
            }
        });
        auto t = connect(f);
        auto a = refresh(f, t.refresh, "scope=intercoms.read");
        REQUIRE(a.result_int() == 200);
        auto b = refresh(f, t.refresh, "scope=intercoms.write");
        REQUIRE(b.result_int() == 200);
        auto ao = json_of(a), bo = json_of(b);
        CHECK(str(bo, "refresh_token") == str(ao, "refresh_token"));
        // RFC 6749 5.1: the response names the scope it really carries, which differs from the request.
        CHECK(str(bo, "scope") == "intercoms.read");
        auto checked = f.server.validate_bearer("Bearer " + str(bo, "access_token"));
        REQUIRE(checked.ok());
        CHECK(checked.token->scope == "intercoms.read"); // the token, the response and introspection agree
        if(format == beast_oauth::token_format::opaque)
            CHECK(str(bo, "access_token") == str(ao, "access_token"));
    }
}

TEST_CASE("attack: a refresh loop cannot grow the store (at most max_access_tokens_per_grant live access tokens)")
{
    fixture f;
    auto t = connect(f);
    auto const baseline = f.store.token_count();
    std::vector<std::string> issued;
    for(int i = 0; i < 500; ++i)
    {
        auto res = refresh(f, t.refresh);
        REQUIRE(res.result_int() == 200);
        issued.push_back(str(json_of(res), "access_token"));
    }
    CHECK(f.store.token_count() <= baseline + 10);
    CHECK(works(f, issued.back()));
    CHECK(works(f, issued[issued.size() - 10]));
    CHECK_FALSE(works(f, issued.front())); // the oldest were revoked
    CHECK_FALSE(works(f, t.access));
}

TEST_CASE("attack: a refresh loop leaves no backlog in the memory store's expiry heaps")
{
    // Each refresh saves an access token (trimmed at once by the cap) and extends the grant:
    // before, both left a heap item until their expiry (an hour), ~80 bytes per refresh.
    fixture f;
    auto t = connect(f);
    for(int i = 0; i < 10000; ++i)
        REQUIRE(refresh(f, t.refresh).result_int() == 200);
    INFO("backlog " << f.store.expiry_backlog() << ", live tokens " << f.store.token_count());
    CHECK(f.store.expiry_backlog() <= 2 * f.store.token_count() + 64 * 16 * 3);
}
