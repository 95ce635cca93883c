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

namespace detail {
// The MAC input: the token body, then (when bound) a NUL and the binding. The body has a fixed
// length and no NUL, so no other (body, binding) pair gives the same input.
inline digest256 token_mac(hmac_sha256_key const& key, std::string_view body, std::string_view binding)
{
    if(binding.empty())
        return key.mac(body);
    std::string input;
    input.reserve(body.size() + 1 + binding.size());
    input.append(body);
    input.push_back('\0');
    input.append(binding);
    return key.mac(input);
}
} // namespace detail

BEAST_OAUTH_DECL token_codec::issued token_codec::issue(std::string_view prefix, std::string_view binding) const
{
    return issue_derived(prefix, detail::random_base64url(detail::token_random_bytes), binding);
}

BEAST_OAUTH_DECL token_codec::issued token_codec::issue_derived(std::string_view prefix,
                                                               std::string_view random_part,
                                                               std::string_view binding) const
{
    if(random_part.size() != detail::token_b64_size)
        throw std::invalid_argument("beast_oauth: token random part must be 43 base64url characters");
    issued out;
    out.token.reserve(prefix.size() + 2 * detail::token_b64_size + 1);
    out.token.append(prefix);
    out.token += random_part;
    auto sig = detail::base64url_digest(detail::token_mac(key_, out.token, binding));
    out.signature.assign(sig.data(), sig.size());
    out.token.push_back('.');
    out.token += out.signature;
    return out;
}

BEAST_OAUTH_DECL std::optional<std::string_view> token_codec::verify(std::string_view token,
                                                                     std::string_view prefix,
                                                                     std::string_view binding) const
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
    auto mac = detail::token_mac(key_, body, binding);
    if(!detail::constant_time_equal(detail::as_view(mac), detail::as_view(presented)))
        return std::nullopt;
    return sig;
}

} // namespace beast_oauth

#endif
