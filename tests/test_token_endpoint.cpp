// POST /oauth/token: RFC 6749 2.3.1, 4.1.3 - 4.1.4, 5.1, 5.2; RFC 7636 4.5 - 4.6; replay (RFC 9700 4.5).
#include "fixture.hpp"
#include "catch.hpp"

#include <boost/json.hpp>
#include <mutex>
#include <thread>

using namespace test;

namespace {

boost::json::object json_of(http_response const& res)
{
    return boost::json::parse(res.body()).as_object();
}

void check_error(http_response const& res, unsigned status, std::string const& error)
{
    INFO(res.body());
    CHECK(res.result_int() == status);
    CHECK(res[http::field::content_type] == "application/json");
    CHECK(res[http::field::cache_control] == "no-store");
    CHECK(res[http::field::pragma] == "no-cache");
    auto o = json_of(res);
    CHECK(o.at("error").as_string() == error);
    for(auto const& kv : o)
        CHECK_FALSE(kv.value().is_null());
}

} // namespace

TEST_CASE("strict RFC 6749 exchange: client_secret_post")
{
    fixture f;
    auto code = f.obtain_code(fixture::authorize_query());
    REQUIRE_FALSE(code.empty());
    auto res = f.exchange(code);
    REQUIRE(res.result_int() == 200);
    CHECK(res[http::field::cache_control] == "no-store");
    CHECK(res[http::field::pragma] == "no-cache");
    CHECK(res[http::field::content_type] == "application/json");
    auto o = json_of(res);
    CHECK(o.at("token_type").as_string() == "Bearer");
    CHECK(o.at("expires_in").as_int64() == 3600);
    CHECK(std::string(o.at("access_token").as_string()).rfind("boa_at_", 0) == 0);
    CHECK(o.at("user_id").as_string() == owner_subject);
    CHECK_FALSE(o.contains("scope")); // not narrowed
    CHECK(std::string(o.at("refresh_token").as_string()).rfind("boa_rt_", 0) == 0);
    for(auto const& kv : o)
        CHECK_FALSE(kv.value().is_null());
}

TEST_CASE("client_secret_basic, with RFC 6749 2.3.1 form-decoding of the credentials")
{
    fixture f;
    beast_oauth::client odd;
    odd.client_id = "odd client";
    odd.secret_hash = beast_oauth::hash_client_secret("p@ss:w+rd");
    odd.redirect_uris.emplace_back("https://odd.example.test/cb");
    f.store.add_client(odd);
    auto code = f.obtain_code("/authorize?response_type=code&client_id=odd+client");
    REQUIRE_FALSE(code.empty());
    auto res = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code}}), {},
                           "Basic " + base64("odd+client:p%40ss%3Aw%2Brd"));
    INFO(res.body());
    CHECK(res.result_int() == 200);

    auto code2 = f.obtain_code(fixture::authorize_query());
    auto ok = f.post_form("/oauth/token",
                          form({{"grant_type", "authorization_code"}, {"code", code2}, {"redirect_uri", seam_callback}}),
                          {}, "bAsIc " + base64("seam:seamsecret"));
    CHECK(ok.result_int() == 200);
}

TEST_CASE("client authentication failures")
{
    fixture f;
    auto code = f.obtain_code(fixture::authorize_query());
    auto base = [&](std::initializer_list<std::pair<std::string, std::string>> extra) {
        std::string b = form({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", seam_callback}});
        for(auto const& p : extra)
            b += "&" + form({p});
        return b;
    };
    SECTION("wrong secret in the body: 401 invalid_client")
    {
        auto res = f.post_form("/oauth/token", base({{"client_id", "seam"}, {"client_secret", "nope"}}));
        check_error(res, 401, "invalid_client");
        CHECK(res.find(http::field::www_authenticate) != res.end());
    }
    SECTION("wrong secret over Basic: 401 with WWW-Authenticate: Basic")
    {
        auto res = f.post_form("/oauth/token", base({}), {}, "Basic " + base64("seam:nope"));
        check_error(res, 401, "invalid_client");
        CHECK(std::string(res[http::field::www_authenticate]).rfind("Basic realm=", 0) == 0);
    }
    SECTION("unknown client") { check_error(f.post_form("/oauth/token", base({{"client_id", "x"}, {"client_secret", "y"}})), 401, "invalid_client"); }
    SECTION("no client at all") { check_error(f.post_form("/oauth/token", base({})), 401, "invalid_client"); }
    SECTION("confidential client without its secret") { check_error(f.post_form("/oauth/token", base({{"client_id", "seam"}})), 401, "invalid_client"); }
    SECTION("malformed Basic") { check_error(f.post_form("/oauth/token", base({}), {}, "Basic !!!"), 401, "invalid_client"); }
    SECTION("Basic without colon") { check_error(f.post_form("/oauth/token", base({}), {}, "Basic " + base64("seam")), 401, "invalid_client"); }
    SECTION("another scheme") { check_error(f.post_form("/oauth/token", base({}), {}, "Bearer abc"), 401, "invalid_client"); }
    SECTION("both Basic and client_secret_post: invalid_request (RFC 6749 2.3)")
    {
        check_error(f.post_form("/oauth/token", base({{"client_secret", "seamsecret"}}), {}, "Basic " + base64("seam:seamsecret")),
                    400, "invalid_request");
    }
    SECTION("Basic for one client, client_id of another")
    {
        check_error(f.post_form("/oauth/token", base({{"client_id", "single"}}), {}, "Basic " + base64("seam:seamsecret")),
                    400, "invalid_request");
    }
    SECTION("the code is still usable after failed client authentication")
    {
        f.post_form("/oauth/token", base({{"client_id", "seam"}, {"client_secret", "nope"}}));
        CHECK(f.exchange(code).result_int() == 200);
    }
}

TEST_CASE("request errors: every RFC 6749 5.2 code the endpoint produces")
{
    fixture f;
    auto code = f.obtain_code(fixture::authorize_query());
    auto auth = "Basic " + base64("seam:seamsecret");
    check_error(f.post_form("/oauth/token", form({{"code", code}, {"redirect_uri", seam_callback}}), {}, auth),
                400, "invalid_request"); // no grant_type in strict
    check_error(f.post_form("/oauth/token", form({{"grant_type", "password"}, {"username", "a"}}), {}, auth),
                400, "unsupported_grant_type");
    check_error(f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}}), {}, auth),
                400, "invalid_request"); // no code
    check_error(f.post_form("/oauth/token", "grant_type=authorization_code&code=a&code=b", {}, auth),
                400, "invalid_request"); // repeated
    check_error(f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", "garbage"}}), {}, auth),
                400, "invalid_grant");
    check_error(f.post("/oauth/token", "application/json", R"({"grant_type":"authorization_code","code":"x"})", auth),
                400, "invalid_request"); // JSON only in the Seam profile
    check_error(f.post("/oauth/token", "text/plain", "grant_type=authorization_code", auth), 400, "invalid_request");
    auto limited = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code}}), {},
                               "Basic " + base64("limited:limitedsecret"));
    check_error(limited, 400, "unauthorized_client");
    http_request get{http::verb::get, "/oauth/token", 11};
    auto res = beast_oauth::handle_request(f.server, std::move(get));
    REQUIRE(res);
    check_error(*res, 405, "invalid_request");
    check_error(f.post_form("/oauth/token", std::string(20000, 'a'), {}, auth), 400, "invalid_request");
}

TEST_CASE("codes are bound to client, redirect_uri and lifetime")
{
    fixture f;
    SECTION("another client")
    {
        auto code = f.obtain_code(fixture::authorize_query());
        auto res = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code},
                                                     {"redirect_uri", seam_callback}}),
                               {}, "Basic " + base64("single:singlesecret"));
        check_error(res, 400, "invalid_grant");
    }
    SECTION("another redirect_uri")
    {
        auto code = f.obtain_code(fixture::authorize_query());
        auto res = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code},
                                                     {"redirect_uri", "https://staging.connect.getseam.com/oauth/callback"},
                                                     {"client_id", "seam"}, {"client_secret", "seamsecret"}}));
        check_error(res, 400, "invalid_grant");
    }
    SECTION("redirect_uri omitted although the request had one (strict)")
    {
        auto code = f.obtain_code(fixture::authorize_query());
        auto res = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code},
                                                     {"client_id", "seam"}, {"client_secret", "seamsecret"}}));
        check_error(res, 400, "invalid_grant");
    }
    SECTION("redirect_uri not needed when the authorize request had none")
    {
        auto code = f.obtain_code("/authorize?response_type=code&client_id=single");
        auto res = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code}}), {},
                               "Basic " + base64("single:singlesecret"));
        REQUIRE(res.result_int() == 200);
        auto o = json_of(res);
        CHECK(o.at("scope").as_string() == "intercoms.read"); // default scope: differs from the (empty) request
    }
    SECTION("expired after code_ttl")
    {
        auto code = f.obtain_code(fixture::authorize_query());
        f.advance(61);
        check_error(f.exchange(code), 400, "invalid_grant");
    }
    SECTION("still valid just before expiry")
    {
        auto code = f.obtain_code(fixture::authorize_query());
        f.advance(59);
        CHECK(f.exchange(code).result_int() == 200);
    }
    SECTION("a forged code with a valid shape but wrong signature")
    {
        auto code = f.obtain_code(fixture::authorize_query());
        code[10] = code[10] == 'A' ? 'B' : 'A';
        check_error(f.exchange(code), 400, "invalid_grant");
    }
}

TEST_CASE("a replayed code fails and revokes the token issued from it")
{
    fixture f;
    auto code = f.obtain_code(fixture::authorize_query());
    auto first = f.exchange(code);
    REQUIRE(first.result_int() == 200);
    auto token = std::string(json_of(first).at("access_token").as_string());
    auto refresh = std::string(json_of(first).at("refresh_token").as_string());
    CHECK(f.server.validate_bearer("Bearer " + token).ok());
    check_error(f.exchange(code), 400, "invalid_grant");
    CHECK_FALSE(f.server.validate_bearer("Bearer " + token).ok());
    // The refresh token issued from the code dies with it.
    check_error(f.post_form("/oauth/token", form({{"grant_type", "refresh_token"}, {"refresh_token", refresh},
                                                   {"client_id", "seam"}, {"client_secret", "seamsecret"}})),
                400, "invalid_grant");
    check_error(f.exchange(code), 400, "invalid_grant");
}

TEST_CASE("one code redeemed by 16 threads at once: exactly one token", "[concurrency]")
{
    for(int round = 0; round < 5; ++round)
    {
        fixture f;
        auto code = f.obtain_code(fixture::authorize_query());
        std::atomic<int> ok{0}, invalid_grant{0};
        std::atomic<bool> go{false};
        std::string winner_token;
        std::mutex m;
        std::vector<std::thread> threads;
        for(int i = 0; i < 16; ++i)
            threads.emplace_back([&] {
                while(!go) std::this_thread::yield(); // start together without starving the spawning thread (TSan)
                auto res = f.exchange(code);
                if(res.result_int() == 200)
                {
                    ++ok;
                    std::lock_guard<std::mutex> lock(m);
                    winner_token = std::string(json_of(res).at("access_token").as_string());
                }
                else if(res.body().find("invalid_grant") != std::string::npos)
                    ++invalid_grant;
            });
        go = true;
        for(auto& t : threads)
            t.join();
        CHECK(ok == 1);
        CHECK(invalid_grant == 15);
        // The replays revoked the grant: whether they came before or after the winner's
        // token was stored, it does not work (RFC 6749 4.1.2, RFC 9700 4.5).
        CHECK(f.store.token_count() == 0);
        CHECK_FALSE(f.server.validate_bearer("Bearer " + winner_token).ok());
    }
}

TEST_CASE("PKCE S256 (RFC 7636) and the downgrade guard (RFC 9700 2.1.1)")
{
    fixture f;
    auto challenge = beast_oauth::make_s256_challenge(verifier);
    auto target = fixture::authorize_query("code_challenge=" + challenge + "&code_challenge_method=S256");
    SECTION("right verifier") { CHECK(f.exchange(f.obtain_code(target), "code_verifier=" + verifier).result_int() == 200); }
    SECTION("missing verifier") { check_error(f.exchange(f.obtain_code(target)), 400, "invalid_grant"); }
    SECTION("wrong verifier") { check_error(f.exchange(f.obtain_code(target), "code_verifier=" + std::string(43, 'a')), 400, "invalid_grant"); }
    SECTION("verifier without a challenge")
    {
        check_error(f.exchange(f.obtain_code(fixture::authorize_query()), "code_verifier=" + verifier), 400, "invalid_grant");
    }
}

TEST_CASE("public client: PKCE and no secret")
{
    fixture f;
    auto challenge = beast_oauth::make_s256_challenge(verifier);
    auto code = f.obtain_code("/authorize?response_type=code&client_id=native&redirect_uri=http%3A%2F%2F127.0.0.1%3A4000%2Fcallback&code_challenge=" +
                              challenge + "&code_challenge_method=S256");
    REQUIRE_FALSE(code.empty());
    auto with_secret = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code},
                                                         {"redirect_uri", "http://127.0.0.1:4000/callback"},
                                                         {"client_id", "native"}, {"client_secret", "x"},
                                                         {"code_verifier", verifier}}));
    check_error(with_secret, 401, "invalid_client");
    auto res = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code},
                                                 {"redirect_uri", "http://127.0.0.1:4000/callback"},
                                                 {"client_id", "native"}, {"code_verifier", verifier}}));
    CHECK(res.result_int() == 200);
}

TEST_CASE("Seam intercom guide shapes: no grant_type, no redirect_uri, JSON body")
{
    fixture f(beast_oauth::profile::seam);
    SECTION("JSON body with code, client_id, client_secret only")
    {
        auto code = f.obtain_code("/authorize?redirect_uri=https%3A%2F%2Facme.integrations.getseam.com%2Fcb%3Fs%3D1");
        REQUIRE_FALSE(code.empty());
        auto res = f.post("/oauth/token", "application/json; charset=utf-8",
                          R"({"code":")" + code + R"(","client_id":"seam","client_secret":"seamsecret"})");
        INFO(res.body());
        REQUIRE(res.result_int() == 200);
        CHECK(json_of(res).at("token_type").as_string() == "Bearer");
    }
    SECTION("form body without grant_type")
    {
        auto code = f.obtain_code("/authorize?redirect_uri=https%3A%2F%2Facme.integrations.getseam.com%2Fcb");
        auto res = f.post_form("/oauth/token", form({{"code", code}, {"client_id", "seam"}, {"client_secret", "seamsecret"}}));
        CHECK(res.result_int() == 200);
    }
    SECTION("the newer guide's strict request works too")
    {
        auto code = f.obtain_code(fixture::authorize_query("scope=locks.read+locks.write&prompt=login&state=xyz123"));
        auto res = f.exchange(code);
        REQUIRE(res.result_int() == 200);
        CHECK_FALSE(json_of(res).contains("scope"));
    }
    SECTION("a redirect_uri that is sent must still match")
    {
        auto code = f.obtain_code("/authorize?redirect_uri=https%3A%2F%2Facme.integrations.getseam.com%2Fcb");
        auto res = f.post_form("/oauth/token", form({{"code", code}, {"redirect_uri", "https://b.integrations.getseam.com/cb"},
                                                     {"client_id", "seam"}, {"client_secret", "seamsecret"}}));
        check_error(res, 400, "invalid_grant");
    }
    SECTION("malformed JSON and duplicate keys")
    {
        check_error(f.post("/oauth/token", "application/json", R"({"code":"a","code":"b","client_id":"seam","client_secret":"seamsecret"})"),
                    400, "invalid_request");
        check_error(f.post("/oauth/token", "application/json", R"({"code":)"), 400, "invalid_request");
    }
}

TEST_CASE("vendor hook adds fields; user_id field name is configurable")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.user_id_field = "account_id";
        o.extra_token_fields = [](beast_oauth::token_response_context const& ctx, boost::json::object& out) {
            out["tenant"] = "t-" + std::string(ctx.subject);
        };
    });
    auto res = f.exchange(f.obtain_code(fixture::authorize_query()));
    REQUIRE(res.result_int() == 200);
    auto o = json_of(res);
    CHECK(o.at("account_id").as_string() == owner_subject);
    CHECK(o.at("tenant").as_string() == "t-" + owner_subject);
    CHECK_FALSE(o.contains("user_id"));
}

TEST_CASE("token response JSON: the direct writer and the vendor-hook path agree, escaping included")
{
    // Without extra_token_fields the response is written directly; with a hook it goes through
    // a json::object. Both must give the same members, and a field name needing escapes stays valid JSON.
    auto response = [](bool hook) {
        fixture f(beast_oauth::profile::strict, [hook](beast_oauth::server_options& o) {
            o.user_id_field = "user \"id\"\\\n\xc3\xa9";
            if(hook)
                o.extra_token_fields = [](beast_oauth::token_response_context const&, boost::json::object&) {};
        });
        auto res = f.exchange(f.obtain_code(fixture::authorize_query()));
        REQUIRE(res.result_int() == 200);
        return json_of(res);
    };
    auto direct = response(false), via_object = response(true);
    REQUIRE(direct.size() == via_object.size());
    for(auto const& kv : via_object)
    {
        INFO(std::string(kv.key()));
        REQUIRE(direct.contains(kv.key()));
        CHECK(direct.at(kv.key()).kind() == kv.value().kind());
    }
    CHECK(direct.at("user \"id\"\\\n\xc3\xa9").as_string() == owner_subject);
    CHECK(direct.at("expires_in").as_int64() == 3600);
    CHECK(direct.at("token_type").as_string() == "Bearer");
}

TEST_CASE("attack: a code presented by another client is refused without burning it")
{
    for(auto format : {beast_oauth::token_format::opaque, beast_oauth::token_format::jwt})
    {
        INFO("jwt codes=" << (format == beast_oauth::token_format::jwt));
        fixture f(beast_oauth::profile::strict, [format](beast_oauth::server_options& o) {
            o.code_format = format;
            if(format == beast_oauth::token_format::jwt)
            {
                o.signing_keys = std::make_shared<beast_oauth::key_set>();
                o.signing_keys->add(beast_oauth::signing_key::generate(beast_oauth::jws_alg::eddsa, "k1"));
            }
        });
        auto code = f.obtain_code(fixture::authorize_query());
        // An attacker who saw the code tries it through a public client (no secret needed)...
        check_error(f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code},
                                                      {"redirect_uri", seam_callback}, {"client_id", "native"},
                                                      {"code_verifier", verifier}})),
                    400, "invalid_grant");
        // ...and through another confidential client.
        check_error(f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", code},
                                                      {"redirect_uri", seam_callback}}),
                                {}, "Basic " + base64("single:singlesecret")),
                    400, "invalid_grant");
        // Seam's genuine redemption still succeeds, and the replay rule still holds for Seam.
        auto first = f.exchange(code);
        REQUIRE(first.result_int() == 200);
        auto token = std::string(json_of(first).at("access_token").as_string());
        check_error(f.exchange(code), 400, "invalid_grant");
        CHECK_FALSE(f.server.validate_bearer("Bearer " + token).ok());
    }
}
