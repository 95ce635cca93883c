#include <beast_oauth/pkce.hpp>
#include <beast_oauth/scope.hpp>
#include "catch.hpp"

TEST_CASE("scope parsing follows RFC 6749 3.3")
{
    std::vector<std::string> t;
    REQUIRE(beast_oauth::parse_scope("locks.read locks.write locks.read", t));
    CHECK(t == std::vector<std::string>{"locks.read", "locks.write"});
    CHECK(beast_oauth::join_scope(t) == "locks.read locks.write");
    CHECK_FALSE(beast_oauth::parse_scope("a  b", t));
    CHECK_FALSE(beast_oauth::parse_scope(" a", t));
    CHECK_FALSE(beast_oauth::parse_scope("a\"b", t));
    CHECK_FALSE(beast_oauth::parse_scope("a\\b", t));
    CHECK_FALSE(beast_oauth::parse_scope("caf\xc3\xa9", t));
    CHECK(beast_oauth::scope_includes("a b c", "c a"));
    CHECK_FALSE(beast_oauth::scope_includes("a b", "a d"));
    CHECK_FALSE(beast_oauth::scope_includes("ab", "a"));
    CHECK(beast_oauth::scope_includes("a", ""));
}

TEST_CASE("PKCE S256 matches RFC 7636 Appendix B")
{
    auto const verifier = "dBjftJeZ4CVP-mJ92K9zuOCaWVz8sr8-HUk63nZCbLyf9ab";
    auto const rfc_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    CHECK(beast_oauth::make_s256_challenge(rfc_verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    CHECK(beast_oauth::verify_pkce(rfc_verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256"));
    CHECK_FALSE(beast_oauth::verify_pkce(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256"));
    CHECK(beast_oauth::verify_pkce(verifier, verifier, "plain"));
    CHECK_FALSE(beast_oauth::verify_pkce(verifier, verifier, "S512"));
    CHECK_FALSE(beast_oauth::is_valid_pkce_string("short"));
    CHECK_FALSE(beast_oauth::is_valid_pkce_string(std::string(129, 'a')));
    CHECK_FALSE(beast_oauth::is_valid_pkce_string(std::string(42, 'a') + "+"));
    CHECK(beast_oauth::is_valid_pkce_string(std::string(128, '~')));
}
