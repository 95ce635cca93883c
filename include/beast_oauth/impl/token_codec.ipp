#ifndef BEAST_OAUTH_IMPL_TOKEN_CODEC_IPP
#define BEAST_OAUTH_IMPL_TOKEN_CODEC_IPP

#include <beast_oauth/token_codec.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <stdexcept>

namespace beast_oauth {

namespace detail {
constexpr std::size_t token_random_bytes = 32;
constexpr std::size_t token_b64_size = 43; // unpadded base64url of 32 bytes
} // namespace detail

namespace detail {
inline std::string_view checked_token_key(std::string const& key)
{
    if(key.size() < 32)
        throw std::invalid_argument("beast_oauth: token key must be at least 32 bytes");
    return key;
}
} // namespace detail

BEAST_OAUTH_DECL token_codec::token_codec(std::string key)
    : key_(detail::checked_token_key(key))
{
}

BEAST_OAUTH_DECL token_codec::issued token_codec::issue(std::string_view prefix) const
{
    return issue_derived(prefix, detail::random_base64url(detail::token_random_bytes));
}

BEAST_OAUTH_DECL token_codec::issued token_codec::issue_derived(std::string_view prefix,
                                                               std::string_view random_part) const
{
    if(random_part.size() != detail::token_b64_size)
        throw std::invalid_argument("beast_oauth: token random part must be 43 base64url characters");
    issued out;
    out.token.reserve(prefix.size() + 2 * detail::token_b64_size + 1);
    out.token.append(prefix);
    out.token += random_part;
    auto sig = detail::base64url_digest(key_.mac(out.token));
    out.signature.assign(sig.data(), sig.size());
    out.token.push_back('.');
    out.token += out.signature;
    return out;
}

BEAST_OAUTH_DECL std::optional<std::string_view> token_codec::verify(std::string_view token,
                                                                     std::string_view prefix) const
{
    auto const expected = prefix.size() + 2 * detail::token_b64_size + 1;
    if(token.size() != expected || token.substr(0, prefix.size()) != prefix ||
       token[prefix.size() + detail::token_b64_size] != '.')
        return std::nullopt;
    auto body = token.substr(0, prefix.size() + detail::token_b64_size);
    auto sig = token.substr(body.size() + 1);
    // Compare the raw MACs (the decode also refuses non-canonical encodings of one MAC).
    detail::digest256 presented;
    if(!detail::base64url_decode_digest(sig, presented))
        return std::nullopt;
    auto mac = key_.mac(body);
    if(!detail::constant_time_equal(detail::as_view(mac), detail::as_view(presented)))
        return std::nullopt;
    return sig;
}

} // namespace beast_oauth

#endif
