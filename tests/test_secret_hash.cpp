#include <beast_oauth/secret_hash.hpp>
#include "catch.hpp"

TEST_CASE("password hashes verify only the right password and are salted")
{
    auto h1 = beast_oauth::hash_password("correct horse", 1000);
    auto h2 = beast_oauth::hash_password("correct horse", 1000);
    CHECK(h1.rfind("pbkdf2-sha256$1000$", 0) == 0);
    CHECK(h1 != h2);
    CHECK(beast_oauth::verify_secret("correct horse", h1));
    CHECK_FALSE(beast_oauth::verify_secret("correct horsE", h1));
    CHECK(h1.find("correct") == std::string::npos);
}

TEST_CASE("client secret hashes and malformed stored hashes")
{
    auto h = beast_oauth::hash_client_secret("seamsecret");
    CHECK(h.rfind("sha256$", 0) == 0);
    CHECK(beast_oauth::verify_secret("seamsecret", h));
    CHECK_FALSE(beast_oauth::verify_secret("seamsecret ", h));
    CHECK_FALSE(beast_oauth::verify_secret("seamsecret", "seamsecret"));
    CHECK_FALSE(beast_oauth::verify_secret("x", ""));
    CHECK_FALSE(beast_oauth::verify_secret("x", "pbkdf2-sha256$$a$b"));
    CHECK_FALSE(beast_oauth::verify_secret("x", "pbkdf2-sha256$0$a$b"));
    CHECK_FALSE(beast_oauth::verify_secret("x", "pbkdf2-sha256$99999999999$a$b"));
    CHECK_FALSE(beast_oauth::verify_secret("x", "pbkdf2-sha256$10$!!$b"));
}
