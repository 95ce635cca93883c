#ifndef BEAST_OAUTH_IMPL_SECRET_HASH_IPP
#define BEAST_OAUTH_IMPL_SECRET_HASH_IPP

#include <beast_oauth/secret_hash.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <openssl/evp.h>
#include <stdexcept>

namespace beast_oauth {

namespace detail {
inline std::string pbkdf2_sha256(std::string_view password, std::string_view salt, unsigned iterations)
{
    unsigned char out[32];
    if(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                         reinterpret_cast<unsigned char const*>(salt.data()),
                         static_cast<int>(salt.size()), static_cast<int>(iterations),
                         EVP_sha256(), sizeof(out), out) != 1)
        throw std::runtime_error("beast_oauth: PBKDF2 failed");
    return std::string(reinterpret_cast<char const*>(out), sizeof(out));
}
} // namespace detail

BEAST_OAUTH_DECL std::string hash_password(std::string_view password, unsigned iterations)
{
    if(iterations == 0 || iterations > 100000000)
        throw std::invalid_argument("beast_oauth: PBKDF2 iterations out of range");
    unsigned char salt[16];
    detail::random_bytes(salt, sizeof(salt));
    std::string salt_s(reinterpret_cast<char const*>(salt), sizeof(salt));
    auto h = detail::pbkdf2_sha256(password, salt_s, iterations);
    return "pbkdf2-sha256$" + std::to_string(iterations) + "$" +
           detail::base64url_encode(salt, sizeof(salt)) + "$" +
           detail::base64url_encode(h.data(), h.size());
}

BEAST_OAUTH_DECL std::string hash_client_secret(std::string_view secret)
{
    auto d = detail::sha256(secret);
    return "sha256$" + detail::base64url_encode(d.data(), d.size());
}

BEAST_OAUTH_DECL bool verify_secret(std::string_view secret, std::string_view stored)
{
    constexpr std::string_view sha_prefix = "sha256$";
    constexpr std::string_view pbkdf2_prefix = "pbkdf2-sha256$";
    if(stored.substr(0, sha_prefix.size()) == sha_prefix)
    {
        auto d = detail::sha256(secret);
        return detail::constant_time_equal(detail::base64url_encode(d.data(), d.size()),
                                           stored.substr(sha_prefix.size()));
    }
    if(stored.substr(0, pbkdf2_prefix.size()) != pbkdf2_prefix)
        return false;
    auto rest = stored.substr(pbkdf2_prefix.size());
    auto d1 = rest.find('$');
    auto d2 = d1 == std::string_view::npos ? d1 : rest.find('$', d1 + 1);
    if(d2 == std::string_view::npos || d1 == 0 || d1 > 9)
        return false;
    unsigned long iterations = 0;
    for(char c : rest.substr(0, d1))
    {
        if(c < '0' || c > '9')
            return false;
        iterations = iterations * 10 + static_cast<unsigned long>(c - '0');
    }
    if(iterations == 0 || iterations > 100000000)
        return false;
    std::string salt;
    if(!detail::base64url_decode(rest.substr(d1 + 1, d2 - d1 - 1), salt))
        return false;
    auto h = detail::pbkdf2_sha256(secret, salt, static_cast<unsigned>(iterations));
    return detail::constant_time_equal(detail::base64url_encode(h.data(), h.size()),
                                       rest.substr(d2 + 1));
}

} // namespace beast_oauth

#endif
