#ifndef BEAST_OAUTH_JWT_HPP
#define BEAST_OAUTH_JWT_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;

namespace beast_oauth {

/// JWS algorithms (RFC 7518 3.1, RFC 8037 3.1).
enum class jws_alg
{
    eddsa, ///< Ed25519 (default)
    es256, ///< ECDSA P-256 with SHA-256
    hs256  ///< HMAC SHA-256 (shared secret: only for servers that verify their own tokens)
};

/// The `alg` header value of an algorithm ("EdDSA", "ES256", "HS256").
BEAST_OAUTH_DECL std::string_view jws_alg_name(jws_alg alg) noexcept;

/** One JWS signing key with its `kid` and pinned algorithm (OpenSSL EVP).

    @par Thread Safety
    Immutable after construction; safe to share.
*/
class signing_key
{
public:
    /// A new random key (Ed25519, P-256, or 32 random bytes for HS256).
    BEAST_OAUTH_DECL static signing_key generate(jws_alg alg, std::string kid);
    /// A private key in PEM (PKCS#8 or traditional); `alg` must match the key type. Throws on error.
    BEAST_OAUTH_DECL static signing_key from_pem(std::string_view pem, jws_alg alg, std::string kid);
    /// An HS256 key from a shared secret of at least 32 bytes.
    BEAST_OAUTH_DECL static signing_key from_secret(std::string secret, std::string kid);
    /** A verify-only key from a public JWK (RFC 7517): EC P-256 for ES256, OKP Ed25519 for
        EdDSA. Throws `std::invalid_argument` when the JWK does not match `alg`, is malformed,
        or carries private members (`d`, ...: a proof's key must be public, RFC 9449 4.3). */
    BEAST_OAUTH_DECL static signing_key from_public_jwk(boost::json::object const& jwk, jws_alg alg);

    std::string const& kid() const noexcept { return kid_; }
    jws_alg alg() const noexcept { return alg_; }

    /// Signs the JWS signing input; returns the raw signature (ES256: r || s, 64 bytes).
    BEAST_OAUTH_DECL std::string sign(std::string_view input) const;
    /// Verifies a raw signature over the signing input.
    BEAST_OAUTH_DECL bool verify(std::string_view input, std::string_view signature) const;
    /// The public key as a JWK (RFC 7517); empty for HS256, whose key is secret.
    BEAST_OAUTH_DECL boost::json::object public_jwk() const;
    /// The private key in PKCS#8 PEM (asymmetric keys only), for saving a generated key.
    BEAST_OAUTH_DECL std::string private_pem() const;

private:
    signing_key() = default;
    std::string kid_;
    jws_alg alg_ = jws_alg::eddsa;
    std::shared_ptr<EVP_PKEY> pkey_;
    std::shared_ptr<detail::hmac_sha256_key const> hmac_; // HS256, keyed once
};

/** Signing keys with rotation: one active key signs, every key verifies.

    Rotate without downtime: add the new key, make it active, and remove the
    old one only after the tokens it signed have expired.

    @par Thread Safety
    Safe for concurrent use, including rotation while tokens are being verified.
*/
class key_set
{
public:
    /// Adds a key; the first key added becomes active. Throws if the kid exists.
    BEAST_OAUTH_DECL void add(signing_key key);
    /// Makes `kid` the signing key. Throws if unknown.
    BEAST_OAUTH_DECL void set_active(std::string_view kid);
    /// Removes a key (tokens it signed stop verifying). Cannot remove the active key.
    BEAST_OAUTH_DECL void remove(std::string_view kid);
    /// The active key; throws if the set is empty.
    BEAST_OAUTH_DECL std::shared_ptr<signing_key const> active() const;
    /// The key with this kid, or nullptr.
    BEAST_OAUTH_DECL std::shared_ptr<signing_key const> find(std::string_view kid) const;
    /// `{"keys":[...]}` with every public key (RFC 7517 5).
    BEAST_OAUTH_DECL boost::json::object jwks() const;
    BEAST_OAUTH_DECL bool empty() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::shared_ptr<signing_key const>> keys_;
    std::shared_ptr<signing_key const> active_;
};

/** Creates a JWS compact serialization (RFC 7515 7.1) with header `{alg, kid, typ}`. */
BEAST_OAUTH_DECL std::string jws_sign(signing_key const& key, std::string_view typ,
                                      boost::json::object const& claims);

/// Result of @ref jws_verify.
struct jws_result
{
    /// Empty on success, else why the token was refused.
    std::string error;
    boost::json::object claims;
    bool ok() const noexcept { return error.empty(); }
};

/** Verifies a JWS compact token strictly.

    - exactly three base64url parts, header and claims JSON objects, at most 8 KiB;
    - `kid` required and known; `alg` must equal the key's pinned algorithm
      (so `none` and algorithm confusion fail); `crit` is refused;
    - `typ` must equal `expected_typ` (RFC 8725 3.11);
    - the signature must verify. Claims are not checked here.

    @par Thread Safety
    Safe to call concurrently.
*/
BEAST_OAUTH_DECL jws_result jws_verify(std::string_view token, key_set const& keys,
                                       std::string_view expected_typ);

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/jwt.ipp>
#endif

#endif
