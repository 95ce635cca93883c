#ifndef BEAST_OAUTH_TOKEN_STRATEGY_HPP
#define BEAST_OAUTH_TOKEN_STRATEGY_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/core.hpp>
#include <beast_oauth/model.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace beast_oauth {

/** How access tokens and authorization codes are written and read: opaque HMAC tokens
    (`boa_at_...`, looked up by signature) or signed JWTs (RFC 9068 access tokens,
    self-contained codes), chosen once from the options. The only place that knows the
    difference.

    @par Thread Safety
    Immutable; safe to share.
*/
class token_strategy
{
public:
    BEAST_OAUTH_DECL explicit token_strategy(std::shared_ptr<server_core const> core);

    /// Whether access tokens are JWTs.
    bool jwt_access_tokens() const noexcept { return jwt_access_; }

    /** Makes the access token for `at`, setting `at.signature` (the store key: HMAC signature
        or `jti`). `derived_random`: 43 base64url characters for a deterministic token
        (refresh rotation), empty for a random one. */
    BEAST_OAUTH_DECL std::string make_access_token(token_record& at, std::string_view derived_random) const;

    /// A presented access token, read without any store.
    struct presented_access
    {
        /// The key to look up (opaque: its signature; JWT: its jti); empty when invalid.
        std::string_view key;
        /// JWT: the verified claims as a record (opaque: null).
        std::shared_ptr<token_record> claims;
        /// JWT: whether the store must still confirm it (`jwt_check_revocation`).
        bool needs_lookup = true;
        /// Why it is invalid (client-safe), when `key` is empty.
        std::string why;
    };

    /// Verifies a presented access token's signature and, for JWTs, iss/aud/claims (not expiry).
    BEAST_OAUTH_DECL presented_access read_access_token(std::string_view token) const;

    /// The same into `out`, which must be default-constructed (the bearer check's member: no
    /// temporary to move-assign and destroy per request).
    BEAST_OAUTH_DECL void read_access_token(std::string_view token, presented_access& out) const;

    /// Whether the text could be an opaque access token or a JWT at all (RFC 6750 b64token).
    BEAST_OAUTH_DECL static bool looks_like_jwt(std::string_view token) noexcept;

    /** The store key of an access or refresh token presented for revocation or introspection
        (RFC 7009, RFC 7662), or nullopt when it is not one of ours. */
    BEAST_OAUTH_DECL std::optional<std::string> lookup_key(std::string_view token) const;

    /// Makes a code for `rec` (setting `rec.signature`); `store` tells whether it must be saved.
    BEAST_OAUTH_DECL std::string make_code(code_record& rec, bool& store) const;

    /// A presented code, read without any store.
    struct presented_code
    {
        enum class form
        {
            invalid,
            opaque, ///< consume `signature` (code_store::consume_code)
            jwt     ///< claim `record.signature` (code_store::claim_code); `record` is filled
        } kind = form::invalid;
        std::string_view signature;
        code_record record;
    };

    /** Reads a presented code for `client_id`. A code issued to another client is `invalid`
        here, before any store sees it (its MAC covers the client; a JWT code's claim is checked). */
    BEAST_OAUTH_DECL presented_code read_code(std::string_view code, std::string_view client_id) const;

private:
    std::shared_ptr<server_core const> core_;
    bool jwt_access_;
    bool jwt_codes_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/token_strategy.ipp>
#endif

#endif
