#include <beast_oauth/token_codec.hpp>
#include "catch.hpp"

TEST_CASE("opaque tokens: prefix, 256-bit random part, HMAC signature checked before lookup")
{
    beast_oauth::token_codec codec(std::string(32, 'k'));
    auto t = codec.issue("boa_at_");
    CHECK(t.token.rfind("boa_at_", 0) == 0);
    CHECK(t.token.size() == 7 + 43 + 1 + 43);
    auto sig = codec.verify(t.token, "boa_at_");
    REQUIRE(sig);
    CHECK(*sig == t.signature);
    CHECK(t.token.find(t.signature) == t.token.size() - 43);

    CHECK_FALSE(codec.verify(t.token, "boa_ac_"));          // wrong kind
    auto tampered = t.token;
    tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
    CHECK_FALSE(codec.verify(tampered, "boa_at_"));         // body changed
    CHECK_FALSE(codec.verify(t.token.substr(1), "boa_at_"));
    CHECK_FALSE(codec.verify("", "boa_at_"));
    beast_oauth::token_codec other(std::string(32, 'x'));
    CHECK_FALSE(other.verify(t.token, "boa_at_"));          // other server key
    CHECK(codec.issue("boa_at_").token != t.token);
    CHECK_THROWS(beast_oauth::token_codec("short"));
}
