#ifndef BEAST_OAUTH_DETAIL_CRYPTO_HPP
#define BEAST_OAUTH_DETAIL_CRYPTO_HPP

#include <beast_oauth/config.hpp>
#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace beast_oauth { namespace detail {

using digest256 = std::array<unsigned char, 32>;

/// Fills `p` with bytes from OpenSSL's CSPRNG; throws std::runtime_error if it fails.
BEAST_OAUTH_DECL void random_bytes(unsigned char* p, std::size_t n);

/// `n` random bytes as unpadded base64url.
BEAST_OAUTH_DECL std::string random_base64url(std::size_t n);

/// SHA-256 (OpenSSL EVP).
BEAST_OAUTH_DECL digest256 sha256(std::string_view data);

/// HMAC-SHA-256 (OpenSSL).
BEAST_OAUTH_DECL digest256 hmac_sha256(std::string_view key, std::string_view data);

/** HMAC-SHA-256 with a fixed key, precomputed once.

    OpenSSL 3's one-shot `HMAC()` fetches the algorithm and derives the key
    pads on every call (about 3.4 us here); this keeps the inner and outer
    SHA-256 states after the key pads and copies them per call (about 0.34 us).
    Thread-safe: the keyed states are only read; each thread has its own scratch context.
*/
class hmac_sha256_key
{
public:
    BEAST_OAUTH_DECL explicit hmac_sha256_key(std::string_view key);
    BEAST_OAUTH_DECL digest256 mac(std::string_view data) const;

private:
    std::shared_ptr<void> inner_, outer_; // SHA256_CTX (or EVP_MD_CTX), opaque: no OpenSSL in the header
};

/// The 43-character unpadded base64url form of a 32-byte digest, without allocating.
BEAST_OAUTH_DECL std::array<char, 43> base64url_digest(digest256 const& d) noexcept;

/// Unpadded base64url (RFC 4648 5). Written here because OpenSSL only has padded base64.
BEAST_OAUTH_DECL std::string base64url_encode(void const* data, std::size_t n);

/// Decodes unpadded base64url; false on any character outside the alphabet or bad length.
BEAST_OAUTH_DECL bool base64url_decode(std::string_view in, std::string& out);

/// Decodes the canonical 43-character unpadded base64url form of 32 bytes, without allocating.
BEAST_OAUTH_DECL bool base64url_decode_digest(std::string_view in, digest256& out) noexcept;

/// Decodes standard padded base64 (RFC 4648 4), as used by HTTP Basic; strict.
BEAST_OAUTH_DECL bool base64_decode(std::string_view in, std::string& out);

/// Constant-time comparison (CRYPTO_memcmp); sizes are not secret.
BEAST_OAUTH_DECL bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

inline std::string_view as_view(digest256 const& d) noexcept
{
    return {reinterpret_cast<char const*>(d.data()), d.size()};
}

}} // namespace beast_oauth::detail

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/detail/impl/crypto.ipp>
#endif

#endif
