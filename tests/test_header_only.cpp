// Header-only mode: this TU includes the library without BEAST_OAUTH_SEPARATE_COMPILATION.
#include <beast_oauth/beast_oauth.hpp>
#include "catch.hpp"

#ifdef BEAST_OAUTH_SEPARATE_COMPILATION
#error this test must build in header-only mode
#endif

TEST_CASE("header-only build: a whole flow through handle_request")
{
    namespace http = boost::beast::http;
    beast_oauth::memory_store store;
    beast_oauth::memory_user_store users;
    beast_oauth::client c;
    c.client_id = "seam";
    c.secret_hash = beast_oauth::hash_client_secret("seamsecret");
    c.redirect_uris.emplace_back("https://connect.getseam.com/oauth/callback");
    store.add_client(c);
    users.add_user("owner@example.com", beast_oauth::hash_password("pw", 1000), {"usr_1", "Owner"});
    beast_oauth::server_options o;
    o.profile = beast_oauth::profile::seam;
    beast_oauth::authorization_server server(o, store, store, store, users);

    beast_oauth::authorization_request ar;
    beast_oauth::param_list params;
    params.add("redirect_uri", "https://connect.getseam.com/oauth/callback");
    auto validated = server.validate_authorization_request(params);
    REQUIRE(validated.has_value());
    auto location = server.issue_code_redirect(*validated, {"usr_1", "Owner"});
    auto code = location.substr(location.find("code=") + 5);

    beast_oauth::http_request req{http::verb::post, "/oauth/token", 11};
    req.set(http::field::content_type, "application/json");
    req.body() = R"({"code":")" + code + R"(","client_id":"seam","client_secret":"seamsecret"})";
    auto res = beast_oauth::handle_request(server, std::move(req));
    REQUIRE(res);
    CHECK(res->result_int() == 200);
}
