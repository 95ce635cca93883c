#ifndef BEAST_OAUTH_IMPL_FORWARDED_IPP
#define BEAST_OAUTH_IMPL_FORWARDED_IPP

#include <beast_oauth/forwarded.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/system/errc.hpp>
#include <cctype>
#include <optional>

namespace beast_oauth {

namespace detail {
namespace fwd {

namespace ip = boost::asio::ip;

// A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d: compare and print them as IPv4.
inline ip::address unmap(ip::address const& a)
{
    if(a.is_v6() && a.to_v6().is_v4_mapped())
        return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    return a;
}

inline std::string_view trim_ows(std::string_view s)
{
    while(!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while(!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

inline bool iequals(std::string_view a, std::string_view b)
{
    if(a.size() != b.size())
        return false;
    for(std::size_t i = 0; i < a.size(); ++i)
        if((a[i] | 0x20) != (b[i] | 0x20))
            return false;
    return true;
}

// RFC 7239 6: node-port = port / obfport; port = 1*5DIGIT (at most 65535); obfport = "_" 1*(ALPHA / DIGIT / "." / "_" / "-").
inline bool valid_port(std::string_view p)
{
    if(p.empty())
        return false;
    if(p.front() == '_')
    {
        if(p.size() < 2)
            return false;
        for(char c : p.substr(1))
            if(!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
                return false;
        return true;
    }
    if(p.size() > 5)
        return false;
    unsigned long n = 0;
    for(char c : p)
    {
        if(c < '0' || c > '9')
            return false;
        n = n * 10 + static_cast<unsigned long>(c - '0');
    }
    return n <= 65535;
}

// One hop: "192.0.2.1", "192.0.2.1:4711", "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:4711".
// nullopt for anything else ("unknown", obfuscated identifiers, garbage).
inline std::optional<ip::address> parse_node(std::string_view v)
{
    v = trim_ows(v);
    if(v.empty())
        return std::nullopt;
    boost::system::error_code ec;
    if(v.front() == '[')
    {
        auto close = v.find(']');
        if(close == std::string_view::npos)
            return std::nullopt;
        auto rest = v.substr(close + 1);
        if(!rest.empty() && (rest.front() != ':' || !valid_port(rest.substr(1))))
            return std::nullopt;
        auto a = ip::make_address_v6(std::string(v.substr(1, close - 1)), ec);
        if(ec)
            return std::nullopt;
        return ip::address(a);
    }
    auto a = ip::make_address(std::string(v), ec);
    if(!ec)
        return a;
    auto colon = v.find(':');
    if(colon == std::string_view::npos || v.find(':', colon + 1) != std::string_view::npos ||
       !valid_port(v.substr(colon + 1)))
        return std::nullopt;
    auto a4 = ip::make_address_v4(std::string(v.substr(0, colon)), ec);
    if(ec)
        return std::nullopt;
    return ip::address(a4);
}

// Splits on `sep` outside quoted-strings (RFC 9110 5.6.4), so for="[::1]:80,x" stays whole.
inline std::vector<std::string_view> split_unquoted(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    bool quoted = false;
    std::size_t start = 0;
    for(std::size_t i = 0; i < s.size(); ++i)
    {
        char c = s[i];
        if(quoted && c == '\\')
            ++i; // quoted-pair
        else if(c == '"')
            quoted = !quoted;
        else if(!quoted && c == sep)
        {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    out.push_back(s.substr(start));
    return out;
}

// RFC 9110 5.6.4: a quoted-string loses its quotes and backslashes; a token is taken as is.
inline std::optional<std::string> unquote(std::string_view v)
{
    if(v.empty() || v.front() != '"')
        return std::string(v);
    if(v.size() < 2 || v.back() != '"')
        return std::nullopt;
    std::string out;
    for(std::size_t i = 1; i + 1 < v.size(); ++i)
    {
        if(v[i] == '\\' && i + 2 < v.size())
            ++i;
        out.push_back(v[i]);
    }
    return out;
}

// RFC 7239 4: Forwarded = 1#forwarded-element; forwarded-element = [ pair ] *( ";" [ pair ] ).
// One hop per element: its for= node, or nullopt when it has none or it is not an address.
inline std::optional<ip::address> forwarded_element_for(std::string_view element)
{
    for(auto pair : split_unquoted(element, ';'))
    {
        pair = trim_ows(pair);
        auto eq = pair.find('=');
        if(eq == std::string_view::npos || !iequals(trim_ows(pair.substr(0, eq)), "for"))
            continue;
        auto value = unquote(trim_ows(pair.substr(eq + 1)));
        return value ? parse_node(*value) : std::nullopt;
    }
    return std::nullopt;
}

// The hops of one header, left (the original client) to right (the peer's own entry).
inline std::vector<std::optional<ip::address>> forwarding_hops(http_request const& req)
{
    std::vector<std::optional<ip::address>> hops;
    auto forwarded = req.equal_range("Forwarded");
    if(forwarded.first != forwarded.second)
    {
        for(auto it = forwarded.first; it != forwarded.second; ++it)
            for(auto element : split_unquoted(std::string_view(it->value().data(), it->value().size()), ','))
                hops.push_back(forwarded_element_for(element));
        return hops;
    }
    auto xff = req.equal_range("X-Forwarded-For");
    for(auto it = xff.first; it != xff.second; ++it)
        for(auto node : split_unquoted(std::string_view(it->value().data(), it->value().size()), ','))
            hops.push_back(parse_node(node));
    return hops;
}

} // namespace fwd
} // namespace detail

BEAST_OAUTH_DECL boost::system::result<trusted_proxies> trusted_proxies::parse(std::vector<std::string> const& entries)
{
    trusted_proxies out;
    for(auto const& e : entries)
        if(!out.add(e))
            return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
    return out;
}

BEAST_OAUTH_DECL bool trusted_proxies::add(std::string_view entry)
{
    namespace ip = boost::asio::ip;
    boost::system::error_code ec;
    std::string const text(entry);
    if(entry.find('/') == std::string_view::npos)
    {
        auto a = ip::make_address(text, ec);
        if(ec)
            return false;
        a = detail::fwd::unmap(a);
        if(a.is_v4())
            v4_.emplace_back(a.to_v4(), 32);
        else
            v6_.emplace_back(a.to_v6(), 128);
        return true;
    }
    if(auto n4 = ip::make_network_v4(text, ec); !ec)
    {
        v4_.push_back(n4.canonical());
        return true;
    }
    ec = {};
    if(auto n6 = ip::make_network_v6(text, ec); !ec)
    {
        v6_.push_back(n6.canonical());
        return true;
    }
    return false;
}

BEAST_OAUTH_DECL bool trusted_proxies::contains(boost::asio::ip::address const& address) const noexcept
{
    auto a = detail::fwd::unmap(address);
    if(a.is_v4())
    {
        auto bits = a.to_v4().to_uint();
        for(auto const& n : v4_)
            if((bits & n.netmask().to_uint()) == n.network().to_uint())
                return true;
        return false;
    }
    auto bytes = a.to_v6().to_bytes();
    for(auto const& n : v6_)
    {
        auto net = n.network().to_bytes();
        unsigned len = n.prefix_length(), i = 0;
        for(; len >= 8; ++i, len -= 8)
            if(bytes[i] != net[i])
                break;
        if(len >= 8)
            continue; // a whole byte differed
        if(len == 0 || ((bytes[i] ^ net[i]) & static_cast<unsigned char>(0xff << (8 - len))) == 0)
            return true;
    }
    return false;
}

BEAST_OAUTH_DECL std::string client_address(std::string_view peer, http_request const& req,
                                            trusted_proxies const& proxies)
{
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(peer), ec);
    if(ec)
        return std::string(peer);
    address = detail::fwd::unmap(address);
    if(proxies.empty() || !proxies.contains(address))
        return address.to_string(); // anyone can write the headers: never believed from here
    auto hops = detail::fwd::forwarding_hops(req);
    // RFC 7239 7.4: from the right, each hop was written by the (trusted) hop after it.
    for(auto it = hops.rbegin(); it != hops.rend(); ++it)
    {
        if(!*it)
            break; // unknown or garbage: the nearest hop known is the best answer
        address = detail::fwd::unmap(**it);
        if(!proxies.contains(address))
            return address.to_string();
    }
    return address.to_string();
}

} // namespace beast_oauth

#endif
