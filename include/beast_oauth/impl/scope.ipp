#ifndef BEAST_OAUTH_IMPL_SCOPE_IPP
#define BEAST_OAUTH_IMPL_SCOPE_IPP

#include <beast_oauth/scope.hpp>
#include <algorithm>

namespace beast_oauth {

BEAST_OAUTH_DECL bool parse_scope(std::string_view text, std::vector<std::string>& out)
{
    out.clear();
    std::size_t start = 0;
    for(std::size_t i = 0; i <= text.size(); ++i)
    {
        if(i == text.size() || text[i] == ' ')
        {
            if(i == start)
                return false; // empty token: leading, trailing or double space
            std::string token(text.substr(start, i - start));
            if(std::find(out.begin(), out.end(), token) == out.end())
                out.push_back(std::move(token));
            start = i + 1;
            continue;
        }
        auto c = static_cast<unsigned char>(text[i]);
        if(c < 0x21 || c > 0x7e || c == 0x22 || c == 0x5c)
            return false;
    }
    return true;
}

BEAST_OAUTH_DECL std::string join_scope(std::vector<std::string> const& tokens)
{
    std::string s;
    for(auto const& t : tokens)
    {
        if(!s.empty())
            s.push_back(' ');
        s += t;
    }
    return s;
}

BEAST_OAUTH_DECL bool scope_includes(std::string_view granted, std::string_view requested)
{
    std::size_t start = 0;
    while(start < requested.size())
    {
        auto end = requested.find(' ', start);
        if(end == std::string_view::npos)
            end = requested.size();
        auto token = requested.substr(start, end - start);
        if(!token.empty())
        {
            bool found = false;
            std::size_t g = 0;
            while(g <= granted.size() && !found)
            {
                auto ge = granted.find(' ', g);
                if(ge == std::string_view::npos)
                    ge = granted.size();
                found = granted.substr(g, ge - g) == token;
                g = ge + 1;
            }
            if(!found)
                return false;
        }
        start = end + 1;
    }
    return true;
}

} // namespace beast_oauth

#endif
