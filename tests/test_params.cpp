#include <beast_oauth/params.hpp>
#include "catch.hpp"

using beast_oauth::param_error;
using beast_oauth::param_list;

TEST_CASE("form decoding: percent-escapes and plus as space")
{
    param_list p;
    param_error e;
    REQUIRE_FALSE(beast_oauth::parse_form("a=1%202&b=x+y&c=%2B%26%3D", p, e));
    CHECK(p.get("a") == "1 2");
    CHECK(p.get("b") == "x y");
    CHECK(p.get("c") == "+&=");
    CHECK_FALSE(p.get("d"));
}

TEST_CASE("form decoding: repeated parameters are invalid_request (RFC 6749 3.1)")
{
    param_list p;
    param_error e;
    auto ec = beast_oauth::parse_form("code=a&client_id=seam&code=b", p, e);
    CHECK(ec == beast_oauth::error::invalid_request);
    CHECK(e.repeated_key == "code");
    CHECK(e.description.find("repeated") != std::string::npos);
}

TEST_CASE("form decoding: empty values count as omitted (RFC 6749 3.1)")
{
    param_list p;
    param_error e;
    REQUIRE_FALSE(beast_oauth::parse_form("state=&state=x&scope&=v", p, e));
    CHECK(p.get("state") == "x");
    CHECK_FALSE(p.contains("scope"));
    CHECK(p.size() == 1);
}

TEST_CASE("form decoding rejects malformed escapes, NUL bytes and oversized input")
{
    param_list p;
    param_error e;
    CHECK(beast_oauth::parse_form("a=%zz", p, e) == beast_oauth::error::invalid_request);
    CHECK(beast_oauth::parse_form("a=%", p, e) == beast_oauth::error::invalid_request);
    CHECK(beast_oauth::parse_form("a=x%00y", p, e) == beast_oauth::error::invalid_request);
    beast_oauth::param_limits limits;
    limits.max_count = 3;
    limits.max_size = 8;
    CHECK(beast_oauth::parse_form("a=1&b=2&c=3&d=4", p, e, limits) == beast_oauth::error::invalid_request);
    CHECK(beast_oauth::parse_form("a=123456789", p, e, limits) == beast_oauth::error::invalid_request);
    CHECK_FALSE(beast_oauth::parse_form("a=12345678", p, e, limits));
}

TEST_CASE("JSON body: flat object of strings only")
{
    param_list p;
    param_error e;
    REQUIRE_FALSE(beast_oauth::parse_json_params(R"({"code":"abc","client_id":"seam","client_secret":"s\u00e9"})", p, e));
    CHECK(p.get("code") == "abc");
    CHECK(p.get("client_secret") == "s\xc3\xa9");
    for(auto bad : {R"({"code":1})", R"({"code":["a"]})", R"({"a":{"b":"c"}})", R"(["a"])", R"("a")",
                    R"({"code":null})", R"({"code":true})", R"({"code":"a"} trailing)", R"({"code":"a")", "",
                    R"({"code":"a","code":"b"})"})
    {
        INFO(bad);
        CHECK(beast_oauth::parse_json_params(bad, p, e) == beast_oauth::error::invalid_request);
    }
    beast_oauth::parse_json_params(R"({"code":"a","code":"b"})", p, e);
    CHECK(e.repeated_key == "code");
}
