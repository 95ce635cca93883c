#include <beast_oauth/detail/crypto.hpp>
#include "catch.hpp"

using namespace beast_oauth::detail;

TEST_CASE("base64url round trip and RFC 4648 vectors")
{
    CHECK(base64url_encode("", 0).empty());
    CHECK(base64url_encode("f", 1) == "Zg");
    CHECK(base64url_encode("fo", 2) == "Zm8");
    CHECK(base64url_encode("foo", 3) == "Zm9v");
    CHECK(base64url_encode("\xfb\xff", 2) == "-_8");
    std::string out;
    REQUIRE(base64url_decode("-_8", out));
    CHECK(out == "\xfb\xff");
    CHECK_FALSE(base64url_decode("Zm9v=", out));
    CHECK_FALSE(base64url_decode("Z", out));
    CHECK_FALSE(base64url_decode("Zh", out)); // non-canonical trailing bits
    CHECK_FALSE(base64url_decode("+/8", out));
}

TEST_CASE("standard base64 (HTTP Basic) is strict")
{
    std::string out;
    REQUIRE(base64_decode("c2VhbTpzZWFtc2VjcmV0", out));
    CHECK(out == "seam:seamsecret");
    REQUIRE(base64_decode("Zm8=", out));
    CHECK(out == "fo");
    CHECK_FALSE(base64_decode("Zm8", out));
    CHECK_FALSE(base64_decode("Zm=8", out));
    CHECK_FALSE(base64_decode("Z===", out));
    CHECK_FALSE(base64_decode("Zm-_", out));
}

TEST_CASE("SHA-256 and HMAC-SHA-256 known answers")
{
    auto d = sha256("abc");
    CHECK(base64url_encode(d.data(), d.size()) == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    // RFC 4231 test case 2
    auto m = hmac_sha256("Jefe", "what do ya want for nothing?");
    CHECK(base64url_encode(m.data(), m.size()) == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
}

TEST_CASE("random tokens differ and constant_time_equal compares exactly")
{
    CHECK(random_base64url(32) != random_base64url(32));
    CHECK(random_base64url(32).size() == 43);
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
}

TEST_CASE("base64url_decode_digest: exactly 43 canonical characters of 32 bytes")
{
    for(int i = 0; i < 64; ++i)
    {
        auto s = random_base64url(32);
        digest256 d{};
        REQUIRE(base64url_decode_digest(s, d));
        CHECK(base64url_encode(d.data(), d.size()) == s);
    }
    auto d0 = sha256("abc");
    auto s = base64url_encode(d0.data(), d0.size()); // ends in '0' (value 52: low bits zero)
    digest256 d{};
    REQUIRE(base64url_decode_digest(s, d));
    CHECK(d == d0);
    // The last symbol carries 2 spare bits: '1' (53) decodes to the same bytes, so it must be refused.
    auto alias = s;
    alias.back() = '1';
    CHECK_FALSE(base64url_decode_digest(alias, d));
    CHECK_FALSE(base64url_decode_digest(s.substr(1), d));           // 42 characters
    CHECK_FALSE(base64url_decode_digest(s + "A", d));               // 44 characters
    for(char bad : {'+', '/', '=', '.', '\0', '\x80', ' '})
    {
        auto t = s;
        t[7] = bad;
        INFO(int(static_cast<unsigned char>(bad)));
        CHECK_FALSE(base64url_decode_digest(t, d));
    }
}
