#ifndef BEAST_OAUTH_TOKEN_CODEC_HPP
#define BEAST_OAUTH_TOKEN_CODEC_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace beast_oauth {

/** Opaque codes and tokens: `prefix` + `random` + "." + `signature` (fosite's HMAC strategy).

    `random` is 256 bits from OpenSSL's CSPRNG, `signature` is
    HMAC-SHA-256(key, prefix + random), both unpadded base64url. Stores keep
    only the signature, so a leaked database yields no usable token, and a
    forged or mistyped token is rejected before any store lookup. Prefixes
    (`boa_ac_`, `boa_at_`, `boa_rt_`) let secret scanners find leaked tokens.

    @par Thread Safety
    Immutable after construction; safe to share.
*/
class token_codec
{
public:
    /// A freshly issued token and the signature to store.
    struct issued
    {
        std::string token;
        std::string signature;
    };

    /// @param key HMAC key, at least 32 bytes; throws std::invalid_argument otherwise.
    BEAST_OAUTH_DECL explicit token_codec(std::string key);

    /** Makes a new token with `prefix`.

        @param prefix the token's prefix (e.g. `boa_ac_`)
        @param binding when not empty, the MAC also covers it (e.g. the client_id a code is
        issued to), and the token verifies only with the same binding: a token presented in
        another context is refused before any store is touched.
    */
    BEAST_OAUTH_DECL issued issue(std::string_view prefix, std::string_view binding = {}) const;

    /** Makes the token `prefix + random_part + "." + signature` from a given random part.

        For deterministic successors (refresh rotation): `random_part` must be 43
        base64url characters of a secret pseudo-random value.
    */
    BEAST_OAUTH_DECL issued issue_derived(std::string_view prefix, std::string_view random_part,
                                          std::string_view binding = {}) const;

    /** Checks a presented token's shape, prefix and HMAC.

        @param token the presented token
        @param prefix the prefix it must carry
        @param binding the binding the token was issued with (empty: none)
        @return the signature (a view into `token`) when genuine, else nullopt.
    */
    BEAST_OAUTH_DECL std::optional<std::string_view> verify(std::string_view token,
                                                            std::string_view prefix,
                                                            std::string_view binding = {}) const;

private:
    detail::hmac_sha256_key key_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/token_codec.ipp>
#endif

#endif
