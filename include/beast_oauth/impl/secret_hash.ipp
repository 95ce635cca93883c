#ifndef BEAST_OAUTH_IMPL_SECRET_HASH_IPP
#define BEAST_OAUTH_IMPL_SECRET_HASH_IPP

#include <beast_oauth/secret_hash.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <openssl/evp.h>
#include <cmath>
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
    if(is_weak_client_secret(secret))
        return hash_password(secret, weak_client_secret_iterations);
    auto d = detail::sha256(secret);
    return "sha256$" + detail::base64url_encode(d.data(), d.size());
}

BEAST_OAUTH_DECL std::string generate_client_secret()
{
    return detail::random_base64url(32);
}

BEAST_OAUTH_DECL bool is_weak_client_secret(std::string_view secret) noexcept
{
    // Estimated bits = length x log2(alphabet), the alphabet being the union of the character
    // classes the secret uses (hex digits alone count as 16). Fewer than 10 distinct characters
    // also counts as weak ("aaaa...": long, but nothing random in it), and so does any secret
    // with a space: a passphrase a person chose ("correct horse battery staple").
    bool lower = false, upper = false, digit = false, other = false, hex_lower = true, hex_upper = true;
    bool seen[256] = {};
    unsigned distinct = 0;
    for(char ch : secret)
    {
        auto const c = static_cast<unsigned char>(ch);
        if(!seen[c])
        {
            seen[c] = true;
            ++distinct;
        }
        bool const is_digit = c >= '0' && c <= '9';
        bool const is_lower = c >= 'a' && c <= 'z';
        bool const is_upper = c >= 'A' && c <= 'Z';
        lower |= is_lower;
        upper |= is_upper;
        digit |= is_digit;
        other |= !is_digit && !is_lower && !is_upper;
        hex_lower &= is_digit || (c >= 'a' && c <= 'f');
        hex_upper &= is_digit || (c >= 'A' && c <= 'F');
    }
    double alphabet = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 32 : 0);
    if(hex_lower || hex_upper)
        alphabet = 16;
    if(secret.empty() || distinct < 10 || alphabet < 2 || secret.find(' ') != std::string_view::npos)
        return true;
    return static_cast<double>(secret.size()) * std::log2(alphabet) < 128.0;
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
