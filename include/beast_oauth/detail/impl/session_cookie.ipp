#ifndef BEAST_OAUTH_DETAIL_IMPL_SESSION_COOKIE_IPP
#define BEAST_OAUTH_DETAIL_IMPL_SESSION_COOKIE_IPP

#include <beast_oauth/detail/session_cookie.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <openssl/evp.h>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace beast_oauth { namespace detail {

namespace session_cookie_detail {

// Bound into every tag: a value sealed for another purpose (or format version) never opens.
constexpr std::string_view aad = "beast_oauth session v2";
constexpr std::size_t nonce_size = 12; // SP 800-38D 8.2: 96-bit random nonces
constexpr std::size_t tag_size = 16;
constexpr std::size_t max_cookie = 1024;

struct ctx_free
{
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ctx_free>;

inline void append_field(std::string& out, std::string_view v)
{
    out += std::to_string(v.size());
    out.push_back(':');
    out.append(v);
}

inline bool read_field(std::string_view& in, std::string& out)
{
    auto colon = in.find(':');
    if(colon == std::string_view::npos || colon == 0 || colon > 4)
        return false;
    std::size_t n = 0;
    for(char c : in.substr(0, colon))
    {
        if(c < '0' || c > '9')
            return false;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    in.remove_prefix(colon + 1);
    if(n > in.size())
        return false;
    out.assign(in.substr(0, n));
    in.remove_prefix(n);
    return true;
}

} // namespace session_cookie_detail

BEAST_OAUTH_DECL session_cookie_key::session_cookie_key(std::string_view key)
{
    if(key.size() != key_.size())
        throw std::invalid_argument("beast_oauth: the session cookie key must be 32 bytes");
    std::memcpy(key_.data(), key.data(), key_.size());
}

BEAST_OAUTH_DECL std::string session_cookie_key::seal(user_identity const& who, long long expires) const
{
    namespace d = session_cookie_detail;
    std::string plain;
    d::append_field(plain, who.subject);
    d::append_field(plain, who.display_name);
    plain += std::to_string(expires);

    std::string sealed(d::nonce_size + plain.size() + d::tag_size, '\0');
    auto* out = reinterpret_cast<unsigned char*>(sealed.data());
    random_bytes(out, d::nonce_size);
    d::ctx_ptr ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    if(!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), out) != 1 ||
       EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<unsigned char const*>(d::aad.data()),
                         static_cast<int>(d::aad.size())) != 1 ||
       EVP_EncryptUpdate(ctx.get(), out + d::nonce_size, &len,
                         reinterpret_cast<unsigned char const*>(plain.data()), static_cast<int>(plain.size())) != 1 ||
       EVP_EncryptFinal_ex(ctx.get(), out + d::nonce_size + len, &len) != 1 ||
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(d::tag_size),
                           out + d::nonce_size + plain.size()) != 1)
        throw std::runtime_error("beast_oauth: AES-256-GCM sealing failed");
    return base64url_encode(sealed.data(), sealed.size());
}

BEAST_OAUTH_DECL std::optional<user_identity> session_cookie_key::open(std::string_view cookie, long long now) const
{
    namespace d = session_cookie_detail;
    std::string sealed;
    if(cookie.empty() || cookie.size() > d::max_cookie || !base64url_decode(cookie, sealed) ||
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
       EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<unsigned char const*>(d::aad.data()),
                         static_cast<int>(d::aad.size())) != 1 ||
       EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, in + d::nonce_size,
                         static_cast<int>(n)) != 1 ||
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(d::tag_size), tag) != 1 ||
       EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) != 1)
        return std::nullopt; // not ours, or altered: the tag does not verify
    std::string_view rest(plain);
    user_identity who;
    if(!d::read_field(rest, who.subject) || !d::read_field(rest, who.display_name) || who.subject.empty() ||
       rest.empty() || rest.size() > 13)
        return std::nullopt;
    long long expires = 0;
    for(char c : rest)
    {
        if(c < '0' || c > '9')
            return std::nullopt;
        expires = expires * 10 + (c - '0');
    }
    if(expires <= now)
        return std::nullopt;
    return who;
}

}} // namespace beast_oauth::detail

#endif
