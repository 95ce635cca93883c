#ifndef BEAST_OAUTH_SECRET_HASH_HPP
#define BEAST_OAUTH_SECRET_HASH_HPP

#include <beast_oauth/config.hpp>
#include <string>
#include <string_view>

namespace beast_oauth {

/// PBKDF2 iterations used by @ref hash_password by default (OWASP 2023 for PBKDF2-HMAC-SHA256).
constexpr unsigned default_password_iterations = 600000;

/** Hashes a low-entropy secret (a user's password) with PBKDF2-HMAC-SHA256 and a random salt.

    Format: `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url, no padding).
    Use for passwords and for client secrets that people chose.

    @par Thread Safety
    Safe to call concurrently.
*/
BEAST_OAUTH_DECL std::string hash_password(std::string_view password,
                                           unsigned iterations = default_password_iterations);

/** Hashes a high-entropy, server-generated client secret with SHA-256.

    Format: `sha256$<hash>`. Fast enough for every token request; only safe
    for secrets of at least 128 random bits. Use @ref hash_password for
    anything a person chose.
*/
BEAST_OAUTH_DECL std::string hash_client_secret(std::string_view secret);

/** Verifies `secret` against a stored hash from @ref hash_password or @ref hash_client_secret.

    The final comparison is constant-time. An unrecognized or malformed
    stored hash verifies nothing.
*/
BEAST_OAUTH_DECL bool verify_secret(std::string_view secret, std::string_view stored);

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/secret_hash.ipp>
#endif

#endif
