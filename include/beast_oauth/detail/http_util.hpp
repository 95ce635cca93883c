#ifndef BEAST_OAUTH_DETAIL_HTTP_UTIL_HPP
#define BEAST_OAUTH_DETAIL_HTTP_UTIL_HPP

#include <string>
#include <string_view>

namespace beast_oauth { namespace detail {

/// ASCII case-insensitive equality (HTTP tokens: schemes, media types).
inline bool iequals(std::string_view a, std::string_view b) noexcept
{
    if(a.size() != b.size())
        return false;
    // Equal bytes first (the usual case: "Bearer", "application/json"), then the one way two
    // different bytes match: the two cases of a letter, 0x20 apart. Same answers as folding
    // both sides, in fewer instructions: GCC keeps this out of line in the big endpoint
    // functions, where per-byte folding of both sides was a measurable share of a bearer check.
    for(std::size_t i = 0; i < a.size(); ++i)
    {
        auto const x = static_cast<unsigned char>(a[i]);
        auto const y = static_cast<unsigned char>(b[i]);
        if(x == y)
            continue;
        auto const lower = static_cast<unsigned char>(x | 0x20);
        if((x ^ y) != 0x20 || lower < 'a' || lower > 'z')
            return false;
    }
    return true;
}

/// `s` with ASCII letters lower-cased (usernames, which the stores compare case-insensitively).
inline std::string lower_ascii(std::string_view s)
{
    std::string out(s);
    for(auto& c : out)
        if(c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

inline std::string_view trim_ows(std::string_view s) noexcept
{
    while(!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while(!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/// The media type of a Content-Type value, without parameters (RFC 9110 8.3.1).
inline std::string_view media_type(std::string_view content_type) noexcept
{
    auto semi = content_type.find(';');
    return trim_ows(content_type.substr(0, semi));
}

/// The value of cookie `name` in a Cookie header (RFC 6265 5.4), or an empty view.
inline std::string_view find_cookie(std::string_view header, std::string_view name) noexcept
{
    while(!header.empty())
    {
        auto semi = header.find(';');
        auto pair = trim_ows(header.substr(0, semi));
        auto eq = pair.find('=');
        if(eq != std::string_view::npos && pair.substr(0, eq) == name)
            return pair.substr(eq + 1);
        if(semi == std::string_view::npos)
            break;
        header.remove_prefix(semi + 1);
    }
    return {};
}

/// Splits `Authorization: <scheme> <credentials>`; false when there is no single-space-separated pair.
inline bool split_authorization(std::string_view header, std::string_view& scheme,
                                std::string_view& credentials) noexcept
{
    auto sp = header.find(' ');
    if(sp == std::string_view::npos || sp == 0)
        return false;
    scheme = header.substr(0, sp);
    credentials = header.substr(sp + 1);
    while(!credentials.empty() && credentials.front() == ' ')
        credentials.remove_prefix(1);
    return !credentials.empty();
}

}} // namespace beast_oauth::detail

#endif
