#ifndef BEAST_OAUTH_IMPL_JWT_IPP
#define BEAST_OAUTH_IMPL_JWT_IPP

// A small, strict JWS (RFC 7515) over OpenSSL and Boost.JSON: EdDSA (RFC 8037),
// ES256 and HS256 (RFC 7518). Written here because Debian 12 ships no C++ JWT library.

#include <beast_oauth/jwt.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <stdexcept>

namespace beast_oauth {

namespace detail {

struct pkey_deleter
{
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct md_ctx_deleter
{
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
};
struct bio_deleter
{
    void operator()(BIO* p) const noexcept { BIO_free(p); }
};
struct ecdsa_sig_deleter
{
    void operator()(ECDSA_SIG* p) const noexcept { ECDSA_SIG_free(p); }
};
struct bn_deleter
{
    void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};

inline std::string b64url(std::string_view s) { return base64url_encode(s.data(), s.size()); }

inline std::string bn_bytes(BIGNUM const* bn, int size)
{
    std::string out(static_cast<std::size_t>(size), '\0');
    if(BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size) != size)
        throw std::runtime_error("beast_oauth: BN_bn2binpad failed");
    return out;
}

} // namespace detail

BEAST_OAUTH_DECL std::string_view jws_alg_name(jws_alg alg) noexcept
{
    switch(alg)
    {
    case jws_alg::eddsa: return "EdDSA";
    case jws_alg::es256: return "ES256";
    case jws_alg::hs256: return "HS256";
    }
    return "";
}

BEAST_OAUTH_DECL signing_key signing_key::generate(jws_alg alg, std::string kid)
{
    if(alg == jws_alg::hs256)
        return from_secret(detail::random_base64url(32), std::move(kid));
    EVP_PKEY* p = alg == jws_alg::eddsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                                        : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if(!p)
        throw std::runtime_error("beast_oauth: key generation failed");
    signing_key k;
    k.kid_ = std::move(kid);
    k.alg_ = alg;
    k.pkey_.reset(p, detail::pkey_deleter{});
    return k;
}

BEAST_OAUTH_DECL signing_key signing_key::from_pem(std::string_view pem, jws_alg alg, std::string kid)
{
    if(alg == jws_alg::hs256)
        throw std::invalid_argument("beast_oauth: HS256 keys are secrets, not PEM");
    std::unique_ptr<BIO, detail::bio_deleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    EVP_PKEY* p = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if(!p)
        throw std::invalid_argument("beast_oauth: not a PEM private key");
    signing_key k;
    k.pkey_.reset(p, detail::pkey_deleter{});
    bool const ok = alg == jws_alg::eddsa ? EVP_PKEY_is_a(p, "ED25519") == 1
                                          : (EVP_PKEY_is_a(p, "EC") == 1 && EVP_PKEY_get_bits(p) == 256);
    if(!ok)
        throw std::invalid_argument("beast_oauth: the PEM key does not match the algorithm");
    k.kid_ = std::move(kid);
    k.alg_ = alg;
    return k;
}

BEAST_OAUTH_DECL signing_key signing_key::from_secret(std::string secret, std::string kid)
{
    if(secret.size() < 32)
        throw std::invalid_argument("beast_oauth: an HS256 secret needs at least 32 bytes");
    signing_key k;
    k.kid_ = std::move(kid);
    k.alg_ = jws_alg::hs256;
    k.hmac_ = std::make_shared<detail::hmac_sha256_key const>(secret);
    OPENSSL_cleanse(secret.data(), secret.size());
    return k;
}

BEAST_OAUTH_DECL signing_key signing_key::from_public_jwk(boost::json::object const& jwk, jws_alg alg)
{
    auto str = [&jwk](char const* k) -> std::string_view {
        auto const* v = jwk.if_contains(k);
        return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
    };
    // Private members of EC/OKP (d), RSA (d, p, q, dp, dq, qi, oth) and oct (k) keys.
    for(auto const* m : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
        if(jwk.contains(m))
            throw std::invalid_argument("beast_oauth: the JWK carries a private key member");
    std::string x, y;
    EVP_PKEY* p = nullptr;
    if(alg == jws_alg::eddsa && str("kty") == "OKP" && str("crv") == "Ed25519" &&
       detail::base64url_decode(str("x"), x) && x.size() == 32)
        p = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<unsigned char const*>(x.data()),
                                        x.size());
    else if(alg == jws_alg::es256 && str("kty") == "EC" && str("crv") == "P-256" &&
            detail::base64url_decode(str("x"), x) && x.size() == 32 && detail::base64url_decode(str("y"), y) &&
            y.size() == 32)
    {
        // An uncompressed point (SEC 1 2.3.3); OpenSSL refuses one that is not on the curve.
        std::string point = "\x04" + x + y;
        std::unique_ptr<EVP_PKEY_CTX, void (*)(EVP_PKEY_CTX*)> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr),
                                                                   EVP_PKEY_CTX_free);
        char group[] = "P-256";
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
            OSSL_PARAM_construct_end()};
        if(!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
           EVP_PKEY_fromdata(ctx.get(), &p, EVP_PKEY_PUBLIC_KEY, params) != 1)
            p = nullptr;
    }
    if(!p)
        throw std::invalid_argument("beast_oauth: not a public JWK for this algorithm");
    signing_key k;
    k.alg_ = alg;
    k.pkey_.reset(p, detail::pkey_deleter{});
    return k;
}

BEAST_OAUTH_DECL std::string signing_key::sign(std::string_view input) const
{
    if(alg_ == jws_alg::hs256)
        return std::string(detail::as_view(hmac_->mac(input)));
    std::unique_ptr<EVP_MD_CTX, detail::md_ctx_deleter> ctx(EVP_MD_CTX_new());
    if(!ctx || EVP_DigestSignInit(ctx.get(), nullptr, alg_ == jws_alg::es256 ? EVP_sha256() : nullptr,
                                  nullptr, pkey_.get()) != 1)
        throw std::runtime_error("beast_oauth: EVP_DigestSignInit failed");
    std::size_t len = 0;
    auto const* data = reinterpret_cast<unsigned char const*>(input.data());
    if(EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) != 1)
        throw std::runtime_error("beast_oauth: EVP_DigestSign failed");
    std::string sig(len, '\0');
    if(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data, input.size()) != 1)
        throw std::runtime_error("beast_oauth: EVP_DigestSign failed");
    sig.resize(len);
    if(alg_ != jws_alg::es256)
        return sig;
    // RFC 7518 3.4: ES256 signatures are r || s, not DER.
    auto const* p = reinterpret_cast<unsigned char const*>(sig.data());
    std::unique_ptr<ECDSA_SIG, detail::ecdsa_sig_deleter> ds(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
    if(!ds)
        throw std::runtime_error("beast_oauth: bad ECDSA signature");
    return detail::bn_bytes(ECDSA_SIG_get0_r(ds.get()), 32) + detail::bn_bytes(ECDSA_SIG_get0_s(ds.get()), 32);
}

BEAST_OAUTH_DECL bool signing_key::verify(std::string_view input, std::string_view signature) const
{
    if(alg_ == jws_alg::hs256)
        return detail::constant_time_equal(detail::as_view(hmac_->mac(input)), signature);
    std::string der;
    if(alg_ == jws_alg::es256)
    {
        if(signature.size() != 64)
            return false;
        std::unique_ptr<ECDSA_SIG, detail::ecdsa_sig_deleter> ds(ECDSA_SIG_new());
        auto const* raw = reinterpret_cast<unsigned char const*>(signature.data());
        BIGNUM* r = BN_bin2bn(raw, 32, nullptr);
        BIGNUM* s = BN_bin2bn(raw + 32, 32, nullptr);
        if(!ds || !r || !s || ECDSA_SIG_set0(ds.get(), r, s) != 1)
        {
            BN_free(r);
            BN_free(s);
            return false;
        }
        int n = i2d_ECDSA_SIG(ds.get(), nullptr);
        if(n <= 0)
            return false;
        der.resize(static_cast<std::size_t>(n));
        auto* out = reinterpret_cast<unsigned char*>(der.data());
        i2d_ECDSA_SIG(ds.get(), &out);
        signature = der;
    }
    else if(signature.size() != 64)
        return false;
    std::unique_ptr<EVP_MD_CTX, detail::md_ctx_deleter> ctx(EVP_MD_CTX_new());
    if(!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, alg_ == jws_alg::es256 ? EVP_sha256() : nullptr,
                                    nullptr, pkey_.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<unsigned char const*>(signature.data()), signature.size(),
                            reinterpret_cast<unsigned char const*>(input.data()), input.size()) == 1;
}

BEAST_OAUTH_DECL boost::json::object signing_key::public_jwk() const
{
    boost::json::object jwk;
    if(alg_ == jws_alg::hs256)
        return jwk;
    if(alg_ == jws_alg::eddsa)
    {
        unsigned char raw[32];
        std::size_t len = sizeof(raw);
        if(EVP_PKEY_get_raw_public_key(pkey_.get(), raw, &len) != 1)
            throw std::runtime_error("beast_oauth: cannot read the Ed25519 public key");
        jwk["kty"] = "OKP";
        jwk["crv"] = "Ed25519";
        jwk["x"] = detail::base64url_encode(raw, len);
    }
    else
    {
        BIGNUM* x = nullptr;
        BIGNUM* y = nullptr;
        EVP_PKEY_get_bn_param(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x);
        EVP_PKEY_get_bn_param(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y);
        std::unique_ptr<BIGNUM, detail::bn_deleter> xp(x), yp(y);
        if(!x || !y)
            throw std::runtime_error("beast_oauth: cannot read the P-256 public key");
        jwk["kty"] = "EC";
        jwk["crv"] = "P-256";
        jwk["x"] = detail::b64url(detail::bn_bytes(x, 32));
        jwk["y"] = detail::b64url(detail::bn_bytes(y, 32));
    }
    jwk["kid"] = kid_;
    jwk["alg"] = jws_alg_name(alg_);
    jwk["use"] = "sig";
    return jwk;
}

BEAST_OAUTH_DECL std::string signing_key::private_pem() const
{
    if(!pkey_)
        throw std::logic_error("beast_oauth: HS256 keys have no PEM form");
    std::unique_ptr<BIO, detail::bio_deleter> bio(BIO_new(BIO_s_mem()));
    if(!bio || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        throw std::runtime_error("beast_oauth: PEM_write_bio_PrivateKey failed");
    char* data = nullptr;
    auto n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

BEAST_OAUTH_DECL void key_set::add(signing_key key)
{
    std::lock_guard<std::mutex> lock(mutex_);
    for(auto const& k : keys_)
        if(k->kid() == key.kid())
            throw std::invalid_argument("beast_oauth: duplicate kid " + key.kid());
    auto p = std::make_shared<signing_key const>(std::move(key));
    keys_.push_back(p);
    if(!active_)
        active_ = p;
}

BEAST_OAUTH_DECL void key_set::set_active(std::string_view kid)
{
    std::lock_guard<std::mutex> lock(mutex_);
    for(auto const& k : keys_)
        if(k->kid() == kid)
        {
            active_ = k;
            return;
        }
    throw std::invalid_argument("beast_oauth: unknown kid");
}

BEAST_OAUTH_DECL void key_set::remove(std::string_view kid)
{
    std::lock_guard<std::mutex> lock(mutex_);
    if(active_ && active_->kid() == kid)
        throw std::logic_error("beast_oauth: cannot remove the active key");
    keys_.erase(std::remove_if(keys_.begin(), keys_.end(), [&](auto const& k) { return k->kid() == kid; }),
                keys_.end());
}

BEAST_OAUTH_DECL std::shared_ptr<signing_key const> key_set::active() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    if(!active_)
        throw std::logic_error("beast_oauth: the key set is empty");
    return active_;
}

BEAST_OAUTH_DECL std::shared_ptr<signing_key const> key_set::find(std::string_view kid) const
{
    std::lock_guard<std::mutex> lock(mutex_);
    for(auto const& k : keys_)
        if(k->kid() == kid)
            return k;
    return nullptr;
}

BEAST_OAUTH_DECL boost::json::object key_set::jwks() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    boost::json::array keys;
    for(auto const& k : keys_)
        if(k->alg() != jws_alg::hs256)
            keys.push_back(k->public_jwk());
    return {{"keys", std::move(keys)}};
}

BEAST_OAUTH_DECL bool key_set::empty() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return keys_.empty();
}

BEAST_OAUTH_DECL std::string jws_sign(signing_key const& key, std::string_view typ,
                                      boost::json::object const& claims)
{
    boost::json::object header{{"alg", jws_alg_name(key.alg())}, {"kid", key.kid()}, {"typ", typ}};
    auto input = detail::b64url(boost::json::serialize(header)) + "." + detail::b64url(boost::json::serialize(claims));
    auto sig = key.sign(input);
    return input + "." + detail::b64url(sig);
}

BEAST_OAUTH_DECL jws_result jws_verify(std::string_view token, key_set const& keys, std::string_view expected_typ)
{
    jws_result r;
    auto fail = [&r](char const* why) -> jws_result& {
        r.error = why;
        r.claims = {};
        return r;
    };
    if(token.size() > 8192)
        return fail("token too long");
    auto d1 = token.find('.');
    auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
    if(d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
        return fail("not a JWS compact serialization");
    std::string header_json, claims_json, signature;
    if(!detail::base64url_decode(token.substr(0, d1), header_json) ||
       !detail::base64url_decode(token.substr(d1 + 1, d2 - d1 - 1), claims_json) ||
       !detail::base64url_decode(token.substr(d2 + 1), signature))
        return fail("bad base64url");
    boost::system::error_code ec;
    auto header = boost::json::parse(header_json, ec);
    if(ec || !header.is_object())
        return fail("header is not a JSON object");
    auto const& h = header.as_object();
    auto str = [&h](char const* k) -> std::string_view {
        auto it = h.find(k);
        return it != h.end() && it->value().is_string() ? std::string_view(it->value().as_string()) : std::string_view();
    };
    if(h.contains("crit"))
        return fail("crit header not supported");
    if(str("typ") != expected_typ)
        return fail("wrong typ");
    auto key = keys.find(str("kid"));
    if(!key)
        return fail("unknown kid");
    // The algorithm is pinned by the key, never taken from the token (RFC 8725 2.1, 3.1).
    if(str("alg") != jws_alg_name(key->alg()))
        return fail("alg does not match the key");
    if(!key->verify(token.substr(0, d2), signature))
        return fail("bad signature");
    auto claims = boost::json::parse(claims_json, ec);
    if(ec || !claims.is_object())
        return fail("claims are not a JSON object");
    r.claims = std::move(claims.as_object());
    return r;
}

} // namespace beast_oauth

#endif
