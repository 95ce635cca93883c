#ifndef BEAST_OAUTH_DETAIL_IMPL_SESSION_COOKIE_IPP
#define BEAST_OAUTH_DETAIL_IMPL_SESSION_COOKIE_IPP

#include <beast_oauth/detail/session_cookie.hpp>
#include <algorithm>
#include <charconv>

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

// A length-prefixed field, "<1-4 digits>:<bytes>".
inline bool read_field(std::string_view& in, std::string& out)
{
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(in.data(), in.data() + std::min<std::size_t>(in.size(), 5), n);
    auto const digits = static_cast<std::size_t>(end - in.data());
    if(ec != std::errc() || digits == 0 || digits > 4 || digits == in.size() || *end != ':' ||
       n > in.size() - digits - 1)
        return false;
    out.assign(in.substr(digits + 1, n));
    in.remove_prefix(digits + 1 + n);
    return true;
}

} // namespace session_cookie_detail

BEAST_OAUTH_DECL std::string session_cookie_key::seal(user_identity const& who, long long expires) const
{
    namespace d = session_cookie_detail;
    std::string plain;
    d::append_field(plain, who.subject);
    d::append_field(plain, who.display_name);
    plain += std::to_string(expires);

    return aead_key::seal(plain, d::aad);
}

BEAST_OAUTH_DECL std::optional<user_identity> session_cookie_key::open(std::string_view cookie, long long now) const
{
    namespace d = session_cookie_detail;
    auto opened = aead_key::open(cookie, d::aad, d::max_cookie);
    if(!opened)
        return std::nullopt; // not ours, or altered: the tag does not verify
    std::string const& plain = *opened;
    std::string_view rest(plain);
    user_identity who;
    if(!d::read_field(rest, who.subject) || !d::read_field(rest, who.display_name) || who.subject.empty() ||
       rest.empty() || rest.size() > 13)
        return std::nullopt;
    long long expires = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), expires);
    if(ec != std::errc() || end != rest.data() + rest.size() || rest.front() == '-' || expires <= now)
        return std::nullopt;
    return who;
}

}} // namespace beast_oauth::detail

#endif
