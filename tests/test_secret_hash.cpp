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
    auto strong = beast_oauth::generate_client_secret();
    auto fast = beast_oauth::hash_client_secret(strong);
    CHECK(fast.rfind("sha256$", 0) == 0);
    CHECK(beast_oauth::verify_secret(strong, fast));
    auto h = beast_oauth::hash_client_secret("seamsecret");
    CHECK(beast_oauth::verify_secret("seamsecret", h));
    CHECK_FALSE(beast_oauth::verify_secret("seamsecret ", h));
    CHECK_FALSE(beast_oauth::verify_secret("seamsecret", "seamsecret"));
    CHECK_FALSE(beast_oauth::verify_secret("x", ""));
    CHECK_FALSE(beast_oauth::verify_secret("x", "pbkdf2-sha256$$a$b"));
    CHECK_FALSE(beast_oauth::verify_secret("x", "pbkdf2-sha256$0$a$b"));
    CHECK_FALSE(beast_oauth::verify_secret("x", "pbkdf2-sha256$99999999999$a$b"));
    CHECK_FALSE(beast_oauth::verify_secret("x", "pbkdf2-sha256$10$!!$b"));
}

TEST_CASE("attack: a leaked hash of a weak client secret is salted and slow, not SHA-256")
{
    // An unsalted SHA-256 of "seamsecret" falls to a dictionary in seconds.
    auto h = beast_oauth::hash_client_secret("seamsecret");
    CHECK(h.rfind("pbkdf2-sha256$" + std::to_string(beast_oauth::weak_client_secret_iterations) + "$", 0) == 0);
    CHECK(h != beast_oauth::hash_client_secret("seamsecret")); // salted
    CHECK(beast_oauth::verify_secret("seamsecret", h));
}

TEST_CASE("weak client secrets are recognised; generated ones are strong")
{
    for(auto weak : {"seamsecret", "", "correct horse battery staple", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                     "0123456789abcdef0123456789abcde", "Summer2024!", "abcabcabcabcabcabcabcabcabcabcab"})
    {
        INFO(weak);
        CHECK(beast_oauth::is_weak_client_secret(weak));
    }
    for(int i = 0; i < 100; ++i)
    {
        auto s = beast_oauth::generate_client_secret();
        INFO(s);
        CHECK(s.size() == 43);
        CHECK_FALSE(beast_oauth::is_weak_client_secret(s));
    }
    CHECK_FALSE(beast_oauth::is_weak_client_secret("0123456789abcdef0123456789abcdef")); // 128 bits of hex
    CHECK(beast_oauth::generate_client_secret() != beast_oauth::generate_client_secret());
}
