#ifndef BEAST_OAUTH_DETAIL_LOG_ESCAPE_HPP
#define BEAST_OAUTH_DETAIL_LOG_ESCAPE_HPP

#include <string>
#include <string_view>

namespace beast_oauth { namespace detail {

/// Whether `s` has a byte that could forge or split a log record: C0 controls, DEL, or '\'.
inline bool needs_log_escaping(std::string_view s) noexcept
{
    for(char ch : s)
    {
        auto const c = static_cast<unsigned char>(ch);
        if(c < 0x20 || c == 0x7f || c == '\\')
            return true;
    }
    return false;
}

/** `s` with C0 controls and DEL written as `\xNN` and '\' as `\\`: one line, and unambiguous
    (an escaped value can never be mistaken for one that contained the escape text). */
inline std::string escape_for_log(std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() + 8);
    for(char ch : s)
    {
        auto const c = static_cast<unsigned char>(ch);
        if(c == '\\')
            out += "\\\\";
        else if(c < 0x20 || c == 0x7f)
        {
            out += "\\x";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
        else
            out.push_back(static_cast<char>(c));
    }
    return out;
}

}} // namespace beast_oauth::detail

#endif
