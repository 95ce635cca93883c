// Pushed authorization requests (RFC 9126): the PAR endpoint, request_uri at /authorize,
// single use, expiry, client binding, tampering, the PAR requirement and the metadata.
#include "fixture.hpp"
#include "catch.hpp"

#include <boost/json.hpp>

using namespace test;

namespace {

auto const seam_basic = "Basic " + base64("seam:seamsecret");
auto const urn = std::string("urn:ietf:params:oauth:request_uri:");

void par_on(beast_oauth::server_options& o)
{
    o.par_path = "/oauth/par";
}

boost::json::object json_of(http_response const& res)
{
    return boost::json::parse(res.body()).as_object();
}

/// A complete pushed request for seam with PKCE, plus `extra` (form-encoded).
std::string pushed_body(std::string const& extra = {})
{
    auto body = form({{"response_type", "code"},
                      {"redirect_uri", seam_callback},
                      {"state", "pushed-state"},
                      {"scope", "intercoms.read"},
                      {"code_challenge", beast_oauth::make_s256_challenge(verifier)},
                      {"code_challenge_method", "S256"}});
    return extra.empty() ? body : body + "&" + extra;
}

http_response push(fixture& f, std::string const& body = pushed_body(), std::string const& auth = seam_basic)
{
    return f.post_form("/oauth/par", body, {}, auth);
}

std::string request_uri_of(http_response const& res)
{
    REQUIRE(res.result_int() == 201);
    return std::string(json_of(res).at("request_uri").as_string());
}

std::string authorize_target(std::string const& request_uri, std::string const& client_id = "seam",
                             std::string const& extra = {})
{
    auto t = "/authorize?client_id=" + pct(client_id) + "&request_uri=" + pct(request_uri);
    return extra.empty() ? t : t + "&" + extra;
}

/// The scope of a token response's access token, as introspection (RFC 7662) reports it.
std::string granted_scope(fixture& f, http_response const& token)
{
    auto access = std::string(json_of(token).at("access_token").as_string());
    auto res = f.post_form("/oauth/introspect", form({{"token", access}}), {}, seam_basic);
    auto o = json_of(res);
    return o.contains("scope") ? std::string(o.at("scope").as_string()) : std::string();
}

http_response exchange_pkce(fixture& f, std::string const& code)
{
    return f.exchange(code, form({{"code_verifier", verifier}}));
}

} // namespace

TEST_CASE("PAR: a pushed request gives a request_uri that runs the whole flow (RFC 9126 2.1, 2.2, 4)", "[par]")
{
    fixture f(beast_oauth::profile::strict, par_on);
    auto res = push(f);
    REQUIRE(res.result_int() == 201);
    CHECK(res[http::field::cache_control] == "no-store");
    auto o = json_of(res);
    auto request_uri = std::string(o.at("request_uri").as_string());
    CHECK(request_uri.rfind(urn, 0) == 0);
    CHECK(o.at("expires_in").as_int64() == 60);

    auto page = f.get(authorize_target(request_uri));
    REQUIRE(page.result_int() == 200);
    // The form posts back the client_id and request_uri only (plus the CSRF token).
    auto fields = hidden_fields(page.body());
    CHECK(fields.size() == 3);
    CHECK(fields["client_id"] == "seam");
    CHECK(fields["request_uri"] == request_uri);
    CHECK(fields.count("csrf") == 1);

    auto signed_in = f.sign_in(authorize_target(request_uri));
    REQUIRE(signed_in.result_int() == 303);
    auto location = std::string(signed_in[http::field::location]);
    CHECK(location.rfind(seam_callback + "?", 0) == 0);
    auto q = query_of(location);
    CHECK(q["state"] == "pushed-state");
    auto token = exchange_pkce(f, q["code"]);
    REQUIRE(token.result_int() == 200);
    CHECK(granted_scope(f, token) == "intercoms.read");
    // The pushed PKCE challenge is enforced: the code needs the verifier.
    auto other = f.sign_in(authorize_target(request_uri_of(push(f))));
    REQUIRE(other.result_int() == 303);
    CHECK(f.exchange(query_of(std::string(other[http::field::location]))["code"]).result_int() == 400);
}

TEST_CASE("PAR: client authentication is required; a public client pushes with its client_id (RFC 9126 2)", "[par]")
{
    fixture f(beast_oauth::profile::strict, par_on);
    CHECK(push(f, pushed_body(), "Basic " + base64("seam:wrong")).result_int() == 401);
    CHECK(push(f, pushed_body("client_id=seam"), "").result_int() == 401); // confidential, no secret
    CHECK(push(f, pushed_body(), "").result_int() == 401);                  // nobody
    CHECK(push(f, pushed_body("client_id=seam&client_secret=seamsecret"), "").result_int() == 201);

    // A public client: client_id only, PKCE required as at /authorize.
    auto native = form({{"response_type", "code"},
                        {"client_id", "native"},
                        {"redirect_uri", "http://127.0.0.1/callback"},
                        {"code_challenge", beast_oauth::make_s256_challenge(verifier)},
                        {"code_challenge_method", "S256"}});
    auto res = push(f, native, "");
    REQUIRE(res.result_int() == 201);
    auto signed_in = f.sign_in(authorize_target(request_uri_of(res), "native"));
    CHECK(signed_in.result_int() == 303);
    auto no_pkce = push(f, form({{"response_type", "code"}, {"client_id", "native"}, {"redirect_uri", "http://127.0.0.1/callback"}}), "");
    CHECK(no_pkce.result_int() == 400);
    CHECK(json_of(no_pkce).at("error").as_string() == "invalid_request");
}

TEST_CASE("PAR: the pushed request is validated at push time, errors as JSON (RFC 9126 2.3)", "[par]")
{
    fixture f(beast_oauth::profile::strict, par_on);
    auto bad_redirect = push(f, form({{"response_type", "code"}, {"redirect_uri", "https://evil.example/cb"}}));
    CHECK(bad_redirect.result_int() == 400);
    CHECK(bad_redirect[http::field::location].empty());
    CHECK(json_of(bad_redirect).at("error").as_string() == "invalid_request");
    auto bad_scope = push(f, form({{"response_type", "code"}, {"redirect_uri", seam_callback}, {"scope", "a\"b"}}));
    CHECK(json_of(bad_scope).at("error").as_string() == "invalid_scope");
    auto bad_type = push(f, form({{"response_type", "token"}, {"redirect_uri", seam_callback}}));
    CHECK(json_of(bad_type).at("error").as_string() == "unsupported_response_type");
    // RFC 9126 2.1: request_uri must not be pushed.
    auto nested = push(f, pushed_body("request_uri=" + pct(request_uri_of(push(f)))));
    CHECK(nested.result_int() == 400);
    CHECK(json_of(nested).at("error").as_string() == "invalid_request");
    // Only POST.
    CHECK(f.get("/oauth/par").result_int() == 405);
}

TEST_CASE("PAR: a request_uri gives one code only (RFC 9126 2.2)", "[par]")
{
    fixture f(beast_oauth::profile::strict, par_on);
    auto request_uri = request_uri_of(push(f));
    // Showing the page again (a reload) is fine; a second code is not.
    REQUIRE(f.get(authorize_target(request_uri)).result_int() == 200);
    auto first = f.sign_in(authorize_target(request_uri));
    REQUIRE(first.result_int() == 303);
    auto second = f.sign_in(authorize_target(request_uri));
    CHECK(second.result_int() == 400);
    CHECK(second[http::field::location].empty());
    CHECK(second.body().find("already used") != std::string::npos);
    // The first code still works.
    CHECK(exchange_pkce(f, query_of(std::string(first[http::field::location]))["code"]).result_int() == 200);
}

TEST_CASE("PAR: an expired request_uri is refused without a redirect (RFC 9126 2.2, 4)", "[par]")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.par_path = "/oauth/par";
        o.par_ttl = std::chrono::seconds(30);
    });
    auto res = push(f);
    CHECK(json_of(res).at("expires_in").as_int64() == 30);
    auto request_uri = request_uri_of(res);
    f.advance(29);
    CHECK(f.get(authorize_target(request_uri)).result_int() == 200);
    f.advance(1);
    auto expired = f.get(authorize_target(request_uri));
    CHECK(expired.result_int() == 400);
    CHECK(expired[http::field::location].empty());
    CHECK(expired.body().find("expired") != std::string::npos);
}

TEST_CASE("PAR: a request_uri is bound to the client that pushed it", "[par]")
{
    fixture f(beast_oauth::profile::strict, par_on);
    auto request_uri = request_uri_of(push(f));
    for(auto const& other : {std::string("single"), std::string("native")})
    {
        auto res = f.get(authorize_target(request_uri, other));
        CHECK(res.result_int() == 400);
        CHECK(res[http::field::location].empty());
    }
    // Without a client_id (the Seam profile's default client does not apply to request_uri).
    fixture seam(beast_oauth::profile::seam, par_on);
    auto seam_uri = request_uri_of(push(seam));
    CHECK(seam.get("/authorize?request_uri=" + pct(seam_uri)).result_int() == 400);
    CHECK(seam.get(authorize_target(seam_uri)).result_int() == 200);
}

TEST_CASE("PAR: an altered request_uri is refused", "[par]")
{
    fixture f(beast_oauth::profile::strict, par_on);
    auto request_uri = request_uri_of(push(f));
    // Flip one base64url character at a time over the sealed part (nonce, ciphertext, tag).
    for(std::size_t i = urn.size(); i < request_uri.size(); i += 7)
    {
        auto altered = request_uri;
        altered[i] = altered[i] == 'A' ? 'B' : 'A';
        auto res = f.get(authorize_target(altered));
        CHECK(res.result_int() == 400);
        CHECK(res[http::field::location].empty());
    }
    CHECK(f.get(authorize_target(request_uri.substr(0, request_uri.size() - 4))).result_int() == 400);
    CHECK(f.get(authorize_target("urn:ietf:params:oauth:request_uri:" + std::string(60, 'A'))).result_int() == 400);
    CHECK(f.get(authorize_target(request_uri.substr(urn.size()))).result_int() == 400); // no URN prefix
    // Another server's secret does not open it.
    fixture other(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.par_path = "/oauth/par";
        o.secret_key = std::string(32, 'z');
    });
    CHECK(other.get(authorize_target(request_uri)).result_int() == 400);
    CHECK(f.get(authorize_target(request_uri)).result_int() == 200);
}

TEST_CASE("PAR: parameters next to request_uri are ignored (RFC 9126 4)", "[par]")
{
    fixture f(beast_oauth::profile::strict, par_on);
    auto request_uri = request_uri_of(push(f));
    auto target = authorize_target(request_uri, "seam",
                                   "redirect_uri=" + pct("https://staging.connect.getseam.com/oauth/callback") +
                                       "&state=attacker&scope=intercoms.write&code_challenge_method=plain&response_type=token");
    auto page = f.get(target);
    REQUIRE(page.result_int() == 200);
    CHECK(page.body().find("attacker") == std::string::npos);
    auto res = f.sign_in(target);
    REQUIRE(res.result_int() == 303);
    auto location = std::string(res[http::field::location]);
    CHECK(location.rfind(seam_callback + "?", 0) == 0);
    CHECK(query_of(location)["state"] == "pushed-state");
    auto token = exchange_pkce(f, query_of(location)["code"]);
    REQUIRE(token.result_int() == 200);
    CHECK(granted_scope(f, token) == "intercoms.read"); // not the query's intercoms.write
}

TEST_CASE("PAR: required per client and server-wide (RFC 9126 5, 6)", "[par]")
{
    SECTION("per client")
    {
        fixture f(beast_oauth::profile::strict, par_on);
        beast_oauth::client strict_client;
        strict_client.client_id = "pushy";
        strict_client.secret_hash = beast_oauth::hash_password("pushysecret", 1000);
        strict_client.redirect_uris.emplace_back("https://pushy.example.test/cb");
        strict_client.require_pushed_authorization_requests = true;
        f.store.add_client(strict_client);
        auto plain = f.get("/authorize?response_type=code&client_id=pushy&redirect_uri=" + pct("https://pushy.example.test/cb"));
        CHECK(plain.result_int() == 400);
        CHECK(plain[http::field::location].empty());
        CHECK(plain.body().find("pushed") != std::string::npos);
        // Other clients still may send plain requests.
        CHECK(f.get(fixture::authorize_query()).result_int() == 200);
        auto pushed = push(f, form({{"response_type", "code"}, {"redirect_uri", "https://pushy.example.test/cb"}}),
                           "Basic " + base64("pushy:pushysecret"));
        CHECK(f.get(authorize_target(request_uri_of(pushed), "pushy")).result_int() == 200);
    }
    SECTION("per client, server without PAR: refused (fail closed)")
    {
        fixture f;
        beast_oauth::client c;
        c.client_id = "pushy";
        c.secret_hash = beast_oauth::hash_password("pushysecret", 1000);
        c.redirect_uris.emplace_back("https://pushy.example.test/cb");
        c.require_pushed_authorization_requests = true;
        f.store.add_client(c);
        CHECK(f.get("/authorize?response_type=code&client_id=pushy").result_int() == 400);
    }
    SECTION("server-wide")
    {
        fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
            o.par_path = "/oauth/par";
            o.require_pushed_authorization_requests = true;
        });
        auto plain = f.get(fixture::authorize_query());
        CHECK(plain.result_int() == 400);
        CHECK(plain[http::field::location].empty());
        CHECK(f.get(authorize_target(request_uri_of(push(f)))).result_int() == 200);
        // A POST of the old-style form is refused alike.
        CHECK(f.sign_in(fixture::authorize_query()).result_int() == 400);
    }
    SECTION("server-wide without a PAR path is a configuration error")
    {
        beast_oauth::memory_store store;
        beast_oauth::memory_user_store users;
        beast_oauth::server_options o;
        o.require_pushed_authorization_requests = true;
        CHECK_THROWS_AS(beast_oauth::authorization_server(o, store, users), std::invalid_argument);
        o.par_path = "/oauth/par";
        o.par_ttl = std::chrono::seconds(601);
        CHECK_THROWS_AS(beast_oauth::authorization_server(o, store, users), std::invalid_argument);
    }
}

TEST_CASE("PAR: the metadata advertises exactly what is enabled (RFC 9126 5)", "[par]")
{
    auto metadata = [](fixture& f) { return json_of(f.get("/.well-known/oauth-authorization-server")); };
    fixture off;
    CHECK(!metadata(off).contains("pushed_authorization_request_endpoint"));
    CHECK(!metadata(off).contains("require_pushed_authorization_requests"));
    fixture on(beast_oauth::profile::strict, par_on);
    CHECK(metadata(on).at("pushed_authorization_request_endpoint").as_string() == "https://intercom.example.test/oauth/par");
    CHECK(!metadata(on).contains("require_pushed_authorization_requests"));
    fixture required(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.par_path = "/oauth/par";
        o.require_pushed_authorization_requests = true;
    });
    CHECK(metadata(required).at("require_pushed_authorization_requests").as_bool());
}

TEST_CASE("PAR off: a request_uri is refused with 400, the PAR path is not served", "[par]")
{
    fixture f;
    auto res = f.get(authorize_target(urn + "abc"));
    CHECK(res.result_int() == 400);
    CHECK(res[http::field::location].empty());
    CHECK(res.body().find("request_uri is not supported") != std::string::npos);
    CHECK(push(f).result_int() == 404);
    auto checked = f.server.validate_authorization_request(
        [] {
            beast_oauth::param_list p;
            p.add("client_id", "seam");
            p.add("request_uri", urn + "abc");
            return p;
        }());
    REQUIRE(!checked.has_value());
    CHECK(checked.error().err == beast_oauth::error::request_uri_not_supported);
    CHECK(!checked.error().may_redirect);
}

TEST_CASE("PAR: the phases API resolves a request_uri and claims it once", "[par]")
{
    fixture f(beast_oauth::profile::strict, par_on);
    beast_oauth::param_list p;
    p.add("client_id", "seam");
    p.add("request_uri", request_uri_of(push(f)));
    p.add("state", "ignored");
    auto ar = f.server.validate_authorization_request(p);
    REQUIRE(ar.has_value());
    CHECK(ar->state == "pushed-state");
    CHECK(!ar->par_id.empty());
    beast_oauth::user_identity owner{owner_subject, "Owner"};
    CHECK(!f.server.issue_code_redirect(*ar, owner).empty());
    CHECK_THROWS_AS(f.server.issue_code_redirect(*ar, owner), std::invalid_argument);
}
