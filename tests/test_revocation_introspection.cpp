// Token revocation (RFC 7009), introspection (RFC 7662), metadata (RFC 8414), iss (RFC 9207).
#include "fixture.hpp"
#include "catch.hpp"

#include <boost/json.hpp>

using namespace test;

namespace {

boost::json::object json_of(http_response const& res)
{
    return boost::json::parse(res.body()).as_object();
}

struct pair_of_tokens
{
    std::string access, refresh;
};

pair_of_tokens connect(fixture& f)
{
    auto o = json_of(f.exchange(f.obtain_code(fixture::authorize_query("scope=intercoms.read"))));
    return {std::string(o.at("access_token").as_string()), std::string(o.at("refresh_token").as_string())};
}

http_response revoke(fixture& f, std::string const& token, std::string const& auth = "Basic " + base64("seam:seamsecret"))
{
    return f.post_form("/oauth/revoke", form({{"token", token}}), {}, auth);
}

http_response introspect(fixture& f, std::string const& token, std::string const& auth = "Basic " + base64("seam:seamsecret"))
{
    return f.post_form("/oauth/introspect", form({{"token", token}}), {}, auth);
}

} // namespace

TEST_CASE("revoking an access token ends only that token")
{
    fixture f;
    auto t = connect(f);
    auto other = connect(f);
    auto res = revoke(f, t.access);
    CHECK(res.result_int() == 200);
    CHECK(res[http::field::cache_control] == "no-store");
    CHECK_FALSE(f.server.validate_bearer("Bearer " + t.access).ok());
    CHECK(f.server.validate_bearer("Bearer " + other.access).ok());
    // The refresh token still works.
    auto r = f.post_form("/oauth/token", form({{"grant_type", "refresh_token"}, {"refresh_token", t.refresh}}),
                         {}, "Basic " + base64("seam:seamsecret"));
    CHECK(r.result_int() == 200);
}

TEST_CASE("revoking a refresh token ends its grant's access tokens")
{
    fixture f;
    auto t = connect(f);
    REQUIRE(revoke(f, t.refresh).result_int() == 200);
    CHECK_FALSE(f.server.validate_bearer("Bearer " + t.access).ok());
    auto r = f.post_form("/oauth/token", form({{"grant_type", "refresh_token"}, {"refresh_token", t.refresh}}),
                         {}, "Basic " + base64("seam:seamsecret"));
    CHECK(r.result_int() == 400);
}

TEST_CASE("revocation: unknown tokens answer 200, other clients' tokens are refused, clients must authenticate")
{
    fixture f;
    auto t = connect(f);
    CHECK(revoke(f, "boa_at_unknown").result_int() == 200);
    CHECK(revoke(f, "something else entirely").result_int() == 200);
    auto foreign = revoke(f, t.access, "Basic " + base64("single:singlesecret"));
    CHECK(foreign.result_int() == 400);
    CHECK(json_of(foreign).at("error").as_string() == "unauthorized_client");
    CHECK(f.server.validate_bearer("Bearer " + t.access).ok());
    auto unauth = f.post_form("/oauth/revoke", form({{"token", t.access}}));
    CHECK(unauth.result_int() == 401);
    CHECK(json_of(unauth).at("error").as_string() == "invalid_client");
    auto wrong = revoke(f, t.access, "Basic " + base64("seam:nope"));
    CHECK(wrong.result_int() == 401);
    CHECK(wrong.find(http::field::www_authenticate) != wrong.end());
    auto missing = f.post_form("/oauth/revoke", "token_type_hint=access_token", {}, "Basic " + base64("seam:seamsecret"));
    CHECK(json_of(missing).at("error").as_string() == "invalid_request");
    CHECK(f.server.validate_bearer("Bearer " + t.access).ok());
    // A wrong hint does not matter (RFC 7009 2.1).
    auto hinted = f.post_form("/oauth/revoke", form({{"token", t.access}, {"token_type_hint", "refresh_token"}}), {},
                              "Basic " + base64("seam:seamsecret"));
    CHECK(hinted.result_int() == 200);
    CHECK_FALSE(f.server.validate_bearer("Bearer " + t.access).ok());
}

TEST_CASE("introspection describes active tokens to their client")
{
    fixture f;
    auto t = connect(f);
    auto res = introspect(f, t.access);
    REQUIRE(res.result_int() == 200);
    auto o = json_of(res);
    CHECK(o.at("active").as_bool());
    CHECK(o.at("scope").as_string() == "intercoms.read");
    CHECK(o.at("client_id").as_string() == "seam");
    CHECK(o.at("sub").as_string() == owner_subject);
    CHECK(o.at("token_type").as_string() == "Bearer");
    CHECK(o.at("exp").as_int64() == f.clock_seconds + 3600);
    CHECK(o.at("iat").as_int64() == f.clock_seconds);
    CHECK(o.at("iss").as_string() == "https://intercom.example.test");
    auto rt = json_of(introspect(f, t.refresh));
    CHECK(rt.at("active").as_bool());
    CHECK(rt.at("token_type").as_string() == "refresh_token");
    CHECK_FALSE(rt.contains("exp"));
}

TEST_CASE("introspection: inactive tokens reveal nothing")
{
    fixture f;
    auto t = connect(f);
    auto inactive = [&](http_response const& res) {
        REQUIRE(res.result_int() == 200);
        auto o = json_of(res);
        CHECK_FALSE(o.at("active").as_bool());
        CHECK(o.size() == 1);
    };
    inactive(introspect(f, "boa_at_nope"));
    inactive(introspect(f, t.access, "Basic " + base64("single:singlesecret"))); // another client's token
    revoke(f, t.access);
    inactive(introspect(f, t.access));
    auto t2 = connect(f);
    f.advance(3600);
    inactive(introspect(f, t2.access));
}

TEST_CASE("introspection: resource servers, public clients and authentication")
{
    fixture f;
    beast_oauth::client rs;
    rs.client_id = "resource-server";
    rs.secret_hash = beast_oauth::hash_client_secret("rssecret");
    rs.redirect_uris.emplace_back("https://rs.example.test/cb");
    rs.may_introspect_any = true;
    f.store.add_client(rs);
    auto t = connect(f);
    CHECK(json_of(introspect(f, t.access, "Basic " + base64("resource-server:rssecret"))).at("active").as_bool());
    auto pub = f.post_form("/oauth/introspect", form({{"token", t.access}, {"client_id", "native"}}));
    CHECK(pub.result_int() == 401);
    auto none = f.post_form("/oauth/introspect", form({{"token", t.access}}));
    CHECK(none.result_int() == 401);
    http_request get{http::verb::get, "/oauth/introspect", 11};
    auto res = beast_oauth::handle_request(f.server, std::move(get));
    REQUIRE(res);
    CHECK(res->result_int() == 405);
}

TEST_CASE("metadata document (RFC 8414) and the iss response parameter (RFC 9207)")
{
    fixture f;
    auto res = f.get("/.well-known/oauth-authorization-server");
    REQUIRE(res.result_int() == 200);
    auto o = json_of(res);
    CHECK(o.at("issuer").as_string() == "https://intercom.example.test");
    CHECK(o.at("authorization_endpoint").as_string() == "https://intercom.example.test/authorize");
    CHECK(o.at("token_endpoint").as_string() == "https://intercom.example.test/oauth/token");
    CHECK(o.at("revocation_endpoint").as_string() == "https://intercom.example.test/oauth/revoke");
    CHECK(o.at("introspection_endpoint").as_string() == "https://intercom.example.test/oauth/introspect");
    CHECK(o.at("response_types_supported").as_array() == boost::json::array{"code"});
    CHECK(o.at("code_challenge_methods_supported").as_array() == boost::json::array{"S256"});
    CHECK(o.at("authorization_response_iss_parameter_supported").as_bool());

    auto redirect = f.sign_in(fixture::authorize_query());
    CHECK(query_of(std::string(redirect[http::field::location]))["iss"] == "https://intercom.example.test");
    auto error = f.get(fixture::authorize_query("code_challenge_method=S256"));
    REQUIRE(error.result_int() == 302);
    CHECK(query_of(std::string(error[http::field::location]))["iss"] == "https://intercom.example.test");
}
