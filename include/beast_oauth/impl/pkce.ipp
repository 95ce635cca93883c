#ifndef BEAST_OAUTH_IMPL_PKCE_IPP
#define BEAST_OAUTH_IMPL_PKCE_IPP

#include <beast_oauth/pkce.hpp>
#include <beast_oauth/detail/crypto.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL bool is_valid_pkce_string(std::string_view s) noexcept
{
    if(s.size() < 43 || s.size() > 128)
        return false;
    for(char c : s)
    {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~';
        if(!ok)
            return false;
    }
    return true;
}

BEAST_OAUTH_DECL std::string make_s256_challenge(std::string_view verifier)
{
    auto d = detail::sha256(verifier);
    return detail::base64url_encode(d.data(), d.size());
}

BEAST_OAUTH_DECL bool verify_pkce(std::string_view verifier, std::string_view challenge,
                                  std::string_view method)
{
    if(!is_valid_pkce_string(verifier))
        return false;
    if(method == "S256")
        return detail::constant_time_equal(make_s256_challenge(verifier), challenge);
    if(method == "plain")
        return detail::constant_time_equal(verifier, challenge);
    return false;
}

} // namespace beast_oauth

#endif
