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

/// PBKDF2 iterations @ref hash_client_secret uses for a weak client secret.
constexpr unsigned weak_client_secret_iterations = 100000;

/** Hashes a client secret for storage.

    A strong secret (see @ref is_weak_client_secret; every @ref generate_client_secret
    output) gets `sha256$<hash>`: fast enough for every token request, and a leaked hash
    of 128+ random bits cannot be reversed. A weak one (e.g. `seamsecret`) gets a salted
    PBKDF2 hash (@ref weak_client_secret_iterations), so a leaked database does not give
    it away in seconds; the server verifies it once per process and remembers the success.

    @par Thread Safety
    Safe to call concurrently.
*/
BEAST_OAUTH_DECL std::string hash_client_secret(std::string_view secret);

/** A new client secret: 256 bits from OpenSSL's CSPRNG, 43 base64url characters. */
BEAST_OAUTH_DECL std::string generate_client_secret();

/** Whether a client secret looks like less than 128 bits of entropy.

    An estimate from what the secret shows (its length, the character classes it uses,
    how many distinct characters): it cannot know how the secret was made, so a
    strong-looking pattern may still be weak, never the other way round. Register
    clients with @ref generate_client_secret; servers should warn about weak secrets.
*/
BEAST_OAUTH_DECL bool is_weak_client_secret(std::string_view secret) noexcept;

/** Verifies `secret` against a stored hash from @ref hash_password or @ref hash_client_secret.

    The final comparison is constant-time. An unrecognized or malformed
    stored hash verifies nothing.
*/
BEAST_OAUTH_DECL bool verify_secret(std::string_view secret, std::string_view stored);

namespace detail {
/// Whether a stored hash is the fast form (SHA-256 of a strong, generated secret).
inline bool is_fast_secret_hash(std::string_view stored) noexcept
{
    return stored.substr(0, 7) == "sha256$";
}
} // namespace detail

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/secret_hash.ipp>
#endif

#endif
