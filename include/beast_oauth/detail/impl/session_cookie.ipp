#ifndef BEAST_OAUTH_DETAIL_IMPL_SESSION_COOKIE_IPP
#define BEAST_OAUTH_DETAIL_IMPL_SESSION_COOKIE_IPP

#include <beast_oauth/detail/session_cookie.hpp>

namespace beast_oauth { namespace detail {

namespace session_cookie_detail {

// Bound into every tag: a value sealed for another purpose (or format version) never opens.
constexpr std::string_view aad = "beast_oauth session v2";
constexpr std::size_t max_cookie = 1024;

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
    : key_(key)
{
}

BEAST_OAUTH_DECL std::string session_cookie_key::seal(user_identity const& who, long long expires) const
{
    namespace d = session_cookie_detail;
    std::string plain;
    d::append_field(plain, who.subject);
    d::append_field(plain, who.display_name);
    plain += std::to_string(expires);

    return key_.seal(plain, d::aad);
}

BEAST_OAUTH_DECL std::optional<user_identity> session_cookie_key::open(std::string_view cookie, long long now) const
{
    namespace d = session_cookie_detail;
    auto opened = key_.open(cookie, d::aad, d::max_cookie);
    if(!opened)
        return std::nullopt; // not ours, or altered: the tag does not verify
    std::string const& plain = *opened;
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
