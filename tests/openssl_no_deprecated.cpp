// The HMAC fallback for OpenSSL builds without deprecated APIs (docs/design.md "HMAC on
// SHA256_CTX"): compiled with OPENSSL_NO_DEPRECATED and BEAST_OAUTH_HMAC_WITH_EVP, it takes
// the EVP path and must still give RFC 4231 test case 2.
#define BEAST_OAUTH_HEADER_ONLY 1
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/impl/crypto.ipp>
#include <cstdio>
#ifndef OPENSSL_NO_DEPRECATED_3_0
#error "expected the no-deprecated configuration"
#endif
int main()
{
    auto m = beast_oauth::detail::hmac_sha256("Jefe", "what do ya want for nothing?");
    auto s = beast_oauth::detail::base64url_encode(m.data(), m.size());
    std::puts(s.c_str());
    return s == "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM" ? 0 : 1;
}
