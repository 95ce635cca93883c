#ifndef BEAST_OAUTH_DETAIL_HTML_HPP
#define BEAST_OAUTH_DETAIL_HTML_HPP

#include <string>
#include <string_view>

namespace beast_oauth { namespace detail {

/// Appends `s` escaped for HTML text and double-quoted attribute values (& < > " ').
inline void append_html_escaped(std::string& out, std::string_view s)
{
    for(char c : s)
    {
        switch(c)
        {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out.push_back(c);
        }
    }
}

inline std::string html_escape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    append_html_escaped(out, s);
    return out;
}

}} // namespace beast_oauth::detail

#endif
