#ifndef BEAST_OAUTH_DETAIL_IMPL_AEAD_IPP
#define BEAST_OAUTH_DETAIL_IMPL_AEAD_IPP

#include <beast_oauth/detail/aead.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <openssl/evp.h>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace beast_oauth { namespace detail {

namespace aead_detail {

constexpr std::size_t nonce_size = 12; // SP 800-38D 8.2: 96-bit random nonces
constexpr std::size_t tag_size = 16;

struct ctx_free
{
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ctx_free>;

inline unsigned char const* bytes(std::string_view s) noexcept
{
    return reinterpret_cast<unsigned char const*>(s.data());
}

} // namespace aead_detail

BEAST_OAUTH_DECL aead_key::aead_key(std::string_view key)
{
    if(key.size() != key_.size())
        throw std::invalid_argument("beast_oauth: an AES-256-GCM key must be 32 bytes");
    std::memcpy(key_.data(), key.data(), key_.size());
}

BEAST_OAUTH_DECL std::string aead_key::seal(std::string_view plain, std::string_view aad) const
{
    namespace d = aead_detail;
    std::string sealed(d::nonce_size + plain.size() + d::tag_size, '\0');
    auto* out = reinterpret_cast<unsigned char*>(sealed.data());
    random_bytes(out, d::nonce_size);
    d::ctx_ptr ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    if(!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), out) != 1 ||
       EVP_EncryptUpdate(ctx.get(), nullptr, &len, d::bytes(aad), static_cast<int>(aad.size())) != 1 ||
       EVP_EncryptUpdate(ctx.get(), out + d::nonce_size, &len, d::bytes(plain), static_cast<int>(plain.size())) != 1 ||
       EVP_EncryptFinal_ex(ctx.get(), out + d::nonce_size + len, &len) != 1 ||
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(d::tag_size),
                           out + d::nonce_size + plain.size()) != 1)
        throw std::runtime_error("beast_oauth: AES-256-GCM sealing failed");
    return base64url_encode(sealed.data(), sealed.size());
}

BEAST_OAUTH_DECL std::optional<std::string> aead_key::open(std::string_view text, std::string_view aad,
                                                           std::size_t max_size) const
{
    namespace d = aead_detail;
    std::string sealed;
    if(text.empty() || text.size() > max_size || !base64url_decode(text, sealed) ||
       sealed.size() <= d::nonce_size + d::tag_size)
        return std::nullopt;
    auto const* in = reinterpret_cast<unsigned char const*>(sealed.data());
    auto const n = sealed.size() - d::nonce_size - d::tag_size;
    std::string plain(n, '\0');
    d::ctx_ptr ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    unsigned char tag[d::tag_size];
    std::memcpy(tag, in + d::nonce_size + n, d::tag_size);
    if(!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), in) != 1 ||
       EVP_DecryptUpdate(ctx.get(), nullptr, &len, d::bytes(aad), static_cast<int>(aad.size())) != 1 ||
       EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, in + d::nonce_size,
                         static_cast<int>(n)) != 1 ||
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(d::tag_size), tag) != 1 ||
       EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) != 1)
        return std::nullopt; // not ours, another purpose, or altered: the tag does not verify
    return plain;
}

}} // namespace beast_oauth::detail

#endif
