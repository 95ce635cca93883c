#ifndef BEAST_OAUTH_DETAIL_AEAD_HPP
#define BEAST_OAUTH_DETAIL_AEAD_HPP

// AES-256-GCM (NIST SP 800-38D) sealing of small values the server hands out and gets back:
// the sign-in session cookie and the pushed authorization request's request_uri (RFC 9126).
// Confidential and tamper-evident; the associated data binds a value to its purpose.

#include <beast_oauth/config.hpp>
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace beast_oauth { namespace detail {

/** A 32-byte AES-256-GCM key (derived from the server secret, one per purpose).

    @par Thread Safety
    Immutable after construction: safe to use from many threads.
*/
class aead_key
{
public:
    /// @throws std::invalid_argument unless `key` is 32 bytes
    BEAST_OAUTH_DECL explicit aead_key(std::string_view key);

    /** base64url(nonce[12] | ciphertext | tag[16]) of `plain`, authenticated together with
        `aad` (not included in the output). A fresh random 96-bit nonce each time (SP 800-38D 8.2).
        @throws std::runtime_error if OpenSSL fails */
    BEAST_OAUTH_DECL std::string seal(std::string_view plain, std::string_view aad) const;

    /** The plaintext, when `sealed` (at most `max_size` characters) was sealed with this key
        and the same `aad` and is unaltered; otherwise nullopt. */
    BEAST_OAUTH_DECL std::optional<std::string> open(std::string_view sealed, std::string_view aad,
                                                     std::size_t max_size) const;

private:
    std::array<unsigned char, 32> key_{};
};

}} // namespace beast_oauth::detail

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/detail/impl/aead.ipp>
#endif

#endif
