// A grant written outside the library, against public headers only: client_credentials
// (RFC 6749 4.4) registered on the token endpoint, end to end, metadata included.
#include "fixture.hpp"
#include "catch.hpp"

#include <beast_oauth/beast_oauth.hpp>
#include <boost/json.hpp>

using namespace test;

namespace {

// RFC 6749 4.4: the client is the resource owner; no refresh token (4.4.3).
class client_credentials_grant : public beast_oauth::simple_grant
{
public:
    std::string_view grant_type() const noexcept override { return "client_credentials"; }

    beast_oauth::oauth_result<beast_oauth::grant_decision> decide(beast_oauth::grant_request const& r) const override
    {
        auto const& c = r.authenticated_client;
        if(c.is_public())
            return beast_oauth::fail(beast_oauth::error::unauthorized_client, "client_credentials needs a confidential client");
        beast_oauth::grant_decision d;
        d.subject = c.client_id;
        d.scope = c.default_scope;
        if(auto requested = r.params.get("scope"))
        {
            std::vector<std::string> tokens;
            if(!beast_oauth::parse_scope(*requested, tokens))
                return beast_oauth::fail(beast_oauth::error::invalid_scope, "scope is malformed");
            for(auto const& t : tokens)
                if(std::find(c.allowed_scopes.begin(), c.allowed_scopes.end(), t) == c.allowed_scopes.end())
                    return beast_oauth::fail(beast_oauth::error::invalid_scope, "scope '" + t + "' is not allowed");
            d.scope = beast_oauth::join_scope(tokens);
            d.scope_changed = d.scope != *requested;
        }
        return d;
    }
};

} // namespace

TEST_CASE("a client_credentials grant registered from outside the library works end to end")
{
    fixture f;
    f.server.add_grant(std::make_shared<client_credentials_grant>());

    // The metadata advertises it (RFC 8414 grant_types_supported).
    auto meta = boost::json::parse(f.get("/.well-known/oauth-authorization-server").body()).as_object();
    auto const& grants = meta.at("grant_types_supported").as_array();
    CHECK(std::find(grants.begin(), grants.end(), boost::json::value("client_credentials")) != grants.end());
    CHECK(std::find(grants.begin(), grants.end(), boost::json::value("authorization_code")) != grants.end());

    // 'limited' may use only client_credentials.
    auto res = f.post_form("/oauth/token", form({{"grant_type", "client_credentials"}, {"scope", "intercoms.read"}}), {},
                           "Basic " + base64("limited:limitedsecret"));
    REQUIRE(res.result_int() == 200);
    auto o = boost::json::parse(res.body()).as_object();
    CHECK(o.at("token_type").as_string() == "Bearer");
    CHECK(o.at("expires_in").as_int64() == 3600);
    CHECK_FALSE(o.contains("refresh_token"));
    auto access = f.server.validate_bearer("Bearer " + std::string(o.at("access_token").as_string()), "intercoms.read");
    REQUIRE(access.ok());
    CHECK(access.subject() == "limited");

    // The client's grant_types still rule: seam may not use it, limited may not use the code grant.
    CHECK(f.post_form("/oauth/token", form({{"grant_type", "client_credentials"}}), {},
                      "Basic " + base64("seam:seamsecret"))
              .result_int() == 400);
    auto refused = f.post_form("/oauth/token", form({{"grant_type", "authorization_code"}, {"code", "x"}}), {},
                               "Basic " + base64("limited:limitedsecret"));
    CHECK(boost::json::parse(refused.body()).at("error").as_string() == "unauthorized_client");
    // Its own failures come back as RFC 6749 5.2 errors.
    auto bad_scope = f.post_form("/oauth/token", form({{"grant_type", "client_credentials"}, {"scope", "admin"}}), {},
                                 "Basic " + base64("limited:limitedsecret"));
    CHECK(bad_scope.result_int() == 400);
    CHECK(boost::json::parse(bad_scope.body()).at("error").as_string() == "invalid_scope");
    // Client authentication still comes first.
    CHECK(f.post_form("/oauth/token", form({{"grant_type", "client_credentials"}}), {},
                      "Basic " + base64("limited:wrong"))
              .result_int() == 401);
}

TEST_CASE("without the registration, client_credentials is unsupported_grant_type")
{
    fixture f;
    auto res = f.post_form("/oauth/token", form({{"grant_type", "client_credentials"}}), {},
                           "Basic " + base64("limited:limitedsecret"));
    CHECK(boost::json::parse(res.body()).at("error").as_string() == "unsupported_grant_type");
    auto meta = boost::json::parse(f.get("/.well-known/oauth-authorization-server").body()).as_object();
    CHECK(meta.at("grant_types_supported").as_array() == boost::json::array{"authorization_code", "refresh_token"});
}
