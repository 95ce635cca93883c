// Bearer token validation: RFC 6750 2.1 and 3.1.
#include "fixture.hpp"
#include "catch.hpp"

#include <boost/json.hpp>

using namespace test;

namespace {
std::string issue_token(fixture& f)
{
    auto res = f.exchange(f.obtain_code(fixture::authorize_query("scope=intercoms.read+intercoms.write")));
    return std::string(boost::json::parse(res.body()).at("access_token").as_string());
}

http_request api_request(std::string const& authorization)
{
    http_request req{http::verb::get, "/intercoms", 11};
    if(!authorization.empty())
        req.set(http::field::authorization, authorization);
    return req;
}
} // namespace

TEST_CASE("a valid bearer token yields subject, client, scope and expiry")
{
    fixture f;
    auto token = issue_token(f);
    auto r = f.server.validate_bearer("Bearer " + token);
    REQUIRE(r.ok());
    CHECK(r.token->subject == owner_subject);
    CHECK(r.token->client_id == "seam");
    CHECK(r.token->scope == "intercoms.read intercoms.write");
    CHECK(r.token->expires_at == f.now() + std::chrono::seconds(3600));
    CHECK(f.server.validate_bearer("bearer " + token).ok());   // scheme is case-insensitive
    CHECK(f.server.validate_bearer("BEARER  " + token).ok());
    CHECK(f.server.validate_bearer("Bearer " + token, "intercoms.read").ok());
}

TEST_CASE("missing credentials: 401 with a challenge and no error code (RFC 6750 3.1)")
{
    fixture f;
    auto req = api_request("");
    auto r = f.server.validate_bearer(req);
    CHECK_FALSE(r.ok());
    auto res = f.server.make_bearer_error(r, req);
    CHECK(res.result_int() == 401);
    auto challenge = std::string(res[http::field::www_authenticate]);
    CHECK(challenge.rfind("Bearer realm=", 0) == 0);
    CHECK(challenge.find("error=") == std::string::npos);
    auto basic = api_request("Basic abc");
    CHECK(f.server.make_bearer_error(f.server.validate_bearer(basic), basic).result_int() == 401);
}

TEST_CASE("invalid, expired, revoked and malformed tokens")
{
    fixture f;
    auto token = issue_token(f);
    auto check = [&](std::string const& header, unsigned status, std::string const& error) {
        INFO(header);
        auto req = api_request(header);
        auto r = f.server.validate_bearer(req);
        CHECK_FALSE(r.ok());
        auto res = f.server.make_bearer_error(r, req);
        CHECK(res.result_int() == status);
        CHECK(std::string(res[http::field::www_authenticate]).find("error=\"" + error + "\"") != std::string::npos);
    };
    check("Bearer boa_at_garbage", 401, "invalid_token");
    // the last character changed (to 'B' when it already is 'A': 1 token in 64 ends with 'A')
    check("Bearer " + token.substr(0, token.size() - 1) + (token.back() == 'A' ? "B" : "A"), 401, "invalid_token");
    check("Bearer " + token + "x", 401, "invalid_token");
    {
        // The same signature bytes written with the last symbol's 2 spare bits set: an alias
        // of the genuine MAC, refused (only the canonical encoding is the token).
        static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        auto v = std::string_view(alphabet).find(token.back());
        REQUIRE((v & 3) == 0);
        check("Bearer " + token.substr(0, token.size() - 1) + alphabet[v | 1], 401, "invalid_token");
    }
    check("Bearer", 400, "invalid_request");
    check("Bearer a b", 400, "invalid_request");
    check("Bearer t\"oken", 400, "invalid_request");
    check("Bearer " + token.substr(0, 10) + "%" + token.substr(11), 400, "invalid_request");
    {
        auto req = api_request("Bearer " + token);
        auto r = f.server.validate_bearer(req, "admin");
        auto res = f.server.make_bearer_error(r, req);
        CHECK(res.result_int() == 403);
        CHECK(std::string(res[http::field::www_authenticate]).find("error=\"insufficient_scope\"") != std::string::npos);
        CHECK(std::string(res[http::field::www_authenticate]).find("scope=\"admin\"") != std::string::npos);
    }
    f.advance(3600);
    check("Bearer " + token, 401, "invalid_token");
}

TEST_CASE("a code is not a bearer token")
{
    fixture f;
    auto code = f.obtain_code(fixture::authorize_query());
    CHECK_FALSE(f.server.validate_bearer("Bearer " + code).ok());
}

TEST_CASE("attack: a token sent twice or by two methods is refused (RFC 6750 2)")
{
    fixture f;
    auto token = issue_token(f);
    auto other = issue_token(f);
    auto expect_invalid_request = [&](http_request const& req) {
        auto r = f.server.validate_bearer(req);
        CHECK_FALSE(r.ok());
        CHECK(r.err == beast_oauth::error::invalid_request);
        auto res = f.server.make_bearer_error(r, req);
        CHECK(res.result_int() == 400);
        CHECK(res[http::field::www_authenticate].find("error=\"invalid_request\"") != std::string::npos);
    };
    {
        auto req = api_request("Bearer " + token);
        req.insert(http::field::authorization, "Bearer " + other);
        expect_invalid_request(req);
    }
    for(auto target : {"/intercoms?access_token=", "/intercoms?x=1&access_token=", "/intercoms?access%5Ftoken="})
    {
        INFO(target);
        auto req = api_request("Bearer " + token);
        req.target(std::string(target) + other);
        expect_invalid_request(req);
    }
    {
        http_request req{http::verb::post, "/intercoms/ic_1/unlock", 11};
        req.set(http::field::authorization, "Bearer " + token);
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = "unlock_time=5&access_token=" + other;
        expect_invalid_request(req);
    }
    // One method, one token: fine; an unrelated query is fine.
    auto req = api_request("Bearer " + token);
    req.target("/intercoms?token_hint=access_tokens");
    CHECK(f.server.validate_bearer(req).ok());
    CHECK(f.server.validate_bearer(req).subject() == owner_subject);
}

// validate() checks a Bearer token without the sans-io algorithm; the algorithm (DPoP,
// async_validate_bearer) runs the same two halves. Both drivers must answer alike.
TEST_CASE("the direct Bearer check and the sans-io algorithm give the same answers")
{
    fixture f;
    auto token = issue_token(f);
    auto const& v = f.server.bearer();
    auto same = [&](std::string const& header, std::string const& scope) {
        INFO(header << " / scope '" << scope << "'");
        auto direct = v.validate(header, scope);
        beast_oauth::bearer_validator::algorithm a(v, header, scope);
        beast_oauth::run_sync(a, f.server.core()->stores());
        auto const& algo = a.result();
        CHECK(direct.ok() == algo.ok());
        CHECK(direct.err == algo.err);
        CHECK(direct.description == algo.description);
        CHECK(direct.credentials_present == algo.credentials_present);
        CHECK(direct.dpop == algo.dpop);
        CHECK(direct.required_scope == algo.required_scope);
        if(direct.ok() && algo.ok())
        {
            CHECK(direct.token->signature == algo.token->signature);
            CHECK(direct.subject() == algo.subject());
        }
    };
    for(std::string scope : {"", "intercoms.read", "admin"})
    {
        same("Bearer " + token, scope);
        same("bearer  " + token, scope);
        same("", scope);
        same("Bearer", scope);
        same("Basic dXNlcjpwYXNz", scope);
        same("Bearer boa_at_garbage", scope);
        same("Bearer " + token + "x", scope);
        same("Bearer t\"oken", scope);
        same("DPoP " + token, scope); // DPoP off in this profile: another scheme
    }
    f.advance(3600);
    same("Bearer " + token, "");
}
