#ifndef BEAST_OAUTH_IMPL_REDIRECT_URI_IPP
#define BEAST_OAUTH_IMPL_REDIRECT_URI_IPP

#include <beast_oauth/redirect_uri.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cstdint>
#include <stdexcept>

namespace beast_oauth {

namespace detail {

constexpr std::size_t max_redirect_uri_size = 2048;

inline char ascii_lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

inline bool is_alnum(char c) noexcept
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A DNS label whose value a WHATWG URL parser would read as an IPv4 number
// ("127", "0x7f", "0x"), making the host an IP address (WHATWG "ends in a number").
inline bool is_numeric_label(std::string_view label) noexcept
{
    if(label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X'))
    {
        for(char c : label.substr(2))
            if(!(is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
                return false;
        return true;
    }
    for(char c : label)
        if(!is_digit(c))
            return false;
    return !label.empty();
}

// RFC 3492 section 6.2 (Punycode decoding), run only to tell whether an "xn--" label is a
// well-formed A-label: browsers (WHATWG URL, UTS #46 ToASCII) refuse a host whose "xn--" label
// does not decode, so a registration or redirect_uri carrying one can never be followed.
// Hand-written because none of our dependencies (Boost, OpenSSL) implements Punycode; the
// decoded code points are only checked, never used. Not checked: UTS #46's mapping tables
// (an A-label decoding to a mapped or disallowed character, such as "xn--a-ecp" for "a\u2488",
// passes here and is refused by browsers: the redirect fails closed; see fuzz/findings F3).
inline bool has_ace_prefix(std::string_view label) noexcept // "xn--", any case (RFC 5890 2.3.2.5)
{
    return label.size() >= 4 && ascii_lower(label[0]) == 'x' && ascii_lower(label[1]) == 'n' &&
           label[2] == '-' && label[3] == '-';
}

inline bool is_punycode_a_label(std::string_view label) noexcept
{
    if(!has_ace_prefix(label))
        return false;
    auto input = label.substr(4);
    constexpr std::uint32_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
    constexpr std::uint32_t max_code_point = 0x10FFFF;
    auto adapt = [](std::uint32_t delta, std::uint32_t numpoints, bool first) {
        delta = first ? delta / damp : delta / 2;
        delta += delta / numpoints;
        std::uint32_t k = 0;
        while(delta > ((base - tmin) * tmax) / 2)
        {
            delta /= base - tmin;
            k += base;
        }
        return k + (base - tmin + 1) * delta / (delta + skew);
    };
    auto digit = [](char c) -> std::uint32_t {
        if(is_digit(c)) return static_cast<std::uint32_t>(c - '0' + 26);
        c = ascii_lower(c);
        if(c >= 'a' && c <= 'z') return static_cast<std::uint32_t>(c - 'a');
        return base; // not a digit
    };
    // Basic code points: everything before the last delimiter.
    auto last_dash = input.rfind('-');
    std::uint32_t out = 0;
    std::size_t pos = 0;
    if(last_dash != std::string_view::npos)
    {
        if(last_dash == 0)
            return false; // "xn---..." has an empty basic part followed by a delimiter
        out = static_cast<std::uint32_t>(last_dash);
        pos = last_dash + 1;
    }
    if(pos >= input.size())
        return false; // nothing encoded: an all-ASCII label, not an A-label
    std::uint32_t n = 0x80, i = 0, bias = 72;
    while(pos < input.size())
    {
        std::uint32_t old_i = i, w = 1;
        for(std::uint32_t k = base;; k += base)
        {
            if(pos >= input.size())
                return false;
            std::uint32_t d = digit(input[pos++]);
            if(d >= base || d > (0xFFFFFFFFu - i) / w)
                return false;
            i += d * w;
            std::uint32_t t = k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias);
            if(d < t)
                break;
            if(w > 0xFFFFFFFFu / (base - t))
                return false;
            w *= base - t;
        }
        ++out;
        bias = adapt(i - old_i, out, old_i == 0);
        if(i / out > max_code_point - n)
            return false;
        n += i / out;
        i %= out;
        if(n < 0xA0 || (n >= 0xD800 && n <= 0xDFFF))
            return false; // C1 controls (UTS #46 disallows them) and surrogates
        ++i;
    }
    return true;
}

// Checks a reg-name host and returns it lower-cased; `allow_wildcard` lets the first label be "*".
inline char const* check_dns_host(std::string_view host, bool allow_wildcard, std::string& out)
{
    if(host.empty())
        return "redirect_uri has no host";
    if(host.size() > 253)
        return "redirect_uri host is too long";
    out.clear();
    std::size_t label_start = 0;
    std::string_view last_label;
    for(std::size_t i = 0; i <= host.size(); ++i)
    {
        if(i == host.size() || host[i] == '.')
        {
            auto label = host.substr(label_start, i - label_start);
            if(label.empty())
                return "redirect_uri host has an empty label or a trailing dot";
            if(label.size() > 63)
                return "redirect_uri host label is too long";
            if(label == "*")
            {
                if(!allow_wildcard || label_start != 0)
                    return "a '*' may only stand as the whole leftmost host label";
            }
            else
            {
                if(label.find('*') != std::string_view::npos)
                    return "a '*' may only stand as the whole leftmost host label";
                if(label.front() == '-' || label.back() == '-')
                    return "redirect_uri host label starts or ends with '-'";
                if(has_ace_prefix(label) && !is_punycode_a_label(label))
                    return "redirect_uri host has an 'xn--' label that is not valid Punycode";
            }
            last_label = label;
            label_start = i + 1;
            if(i < host.size())
                out.push_back('.');
            continue;
        }
        char c = host[i];
        if(c == '%')
            return "redirect_uri host must not be percent-encoded";
        if(!(is_alnum(c) || c == '-' || (c == '*' && allow_wildcard)))
            return "redirect_uri host has a character outside letters, digits and '-'";
        out.push_back(ascii_lower(c));
    }
    if(is_numeric_label(last_label))
        return "redirect_uri host looks like a numeric address; use a dotted IPv4 literal";
    return nullptr;
}

inline int hex_value(char c) noexcept
{
    if(is_digit(c)) return c - '0';
    if(c >= 'a' && c <= 'f') return c - 'a' + 10;
    if(c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Rejects dot-segments (literal or percent-encoded) and encoded separators.
inline char const* check_path(std::string_view path)
{
    if(!path.empty() && path.front() != '/')
        return "redirect_uri path must be absolute";
    std::string segment; // decoded
    for(std::size_t i = 0; i <= path.size(); ++i)
    {
        if(i == path.size() || path[i] == '/')
        {
            if(segment == "." || segment == "..")
                return "redirect_uri path has a dot-segment";
            segment.clear();
            continue;
        }
        char c = path[i];
        if(c == '%')
        {
            // Boost.URL validated the escape syntax already.
            int v = hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]);
            if(v == '/' || v == '\\' || v == '.' || v < 0x20 || v == 0x7f)
                return "redirect_uri path has an encoded separator, dot or control character";
            c = static_cast<char>(v);
            i += 2;
        }
        segment.push_back(c);
    }
    return nullptr;
}

inline bool is_loopback_host(std::string_view host) noexcept
{
    return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

inline char const* parse_redirect_uri_impl(std::string_view text, parsed_redirect_uri& out,
                                           bool allow_wildcard)
{
    if(text.empty())
        return "redirect_uri is empty";
    if(text.size() > max_redirect_uri_size)
        return "redirect_uri is too long";
    for(char c : text)
    {
        auto u = static_cast<unsigned char>(c);
        if(u <= 0x20 || u >= 0x7f)
            return "redirect_uri has a space, control or non-ASCII character";
        if(c == '\\')
            return "redirect_uri has a backslash";
    }
    if(text.find('#') != std::string_view::npos)
        return "redirect_uri must not have a fragment";
    auto rv = boost::urls::parse_absolute_uri(boost::urls::string_view(text.data(), text.size()));
    if(!rv)
        return "redirect_uri is not an absolute URI";
    boost::urls::url_view u = *rv;

    out.scheme.clear();
    for(char c : u.scheme())
        out.scheme.push_back(ascii_lower(c));
    if(out.scheme != "https" && out.scheme != "http")
        return "redirect_uri scheme must be https";
    if(!u.has_authority())
        return "redirect_uri has no authority";
    if(u.has_userinfo())
        return "redirect_uri must not have userinfo";

    switch(u.host_type())
    {
    case boost::urls::host_type::name:
        if(auto why = check_dns_host(u.encoded_host(), allow_wildcard, out.host))
            return why;
        break;
    case boost::urls::host_type::ipv4:
        out.host = std::string(u.encoded_host());
        break;
    case boost::urls::host_type::ipv6:
        out.host = "[" + u.host_ipv6_address().to_string() + "]";
        break;
    default:
        return "redirect_uri host is not a DNS name or an IP literal";
    }
    out.loopback = is_loopback_host(out.host);
    if(out.scheme == "http" && !out.loopback)
        return "redirect_uri scheme must be https (http only for loopback hosts)";

    if(u.has_port())
    {
        // Read the digits ourselves: Boost.URL 1.81's port_number() wraps some values above
        // 65535 (73979 reads as 8443), which browsers refuse outright (WHATWG).
        auto p = u.port();
        unsigned long value = 0;
        for(char c : p)
        {
            if(!is_digit(c) || value > 65535)
                return "redirect_uri port is invalid";
            value = value * 10 + static_cast<unsigned long>(c - '0');
        }
        if(p.empty() || value == 0 || value > 65535)
            return "redirect_uri port is invalid";
        out.port = static_cast<std::uint16_t>(value);
    }
    else
        out.port = out.scheme == "https" ? 443 : 80;

    auto path = u.encoded_path();
    if(auto why = check_path(path))
        return why;
    out.path = path.empty() ? std::string("/") : std::string(path);
    out.has_query = u.has_query();
    out.query = std::string(u.encoded_query());
    return nullptr;
}

} // namespace detail

BEAST_OAUTH_DECL char const* parse_redirect_uri(std::string_view uri, parsed_redirect_uri& out)
{
    return detail::parse_redirect_uri_impl(uri, out, false);
}

BEAST_OAUTH_DECL redirect_uri_pattern::redirect_uri_pattern(std::string_view text)
    : text_(text)
{
    if(auto why = detail::parse_redirect_uri_impl(text, base_, true))
        throw std::invalid_argument(std::string("invalid redirect URI registration '") +
                                    std::string(text) + "': " + why);
    if(base_.host == "*")
        throw std::invalid_argument("invalid redirect URI registration '" + text_ +
                                    "': a wildcard needs at least two labels after it");
    if(base_.host.compare(0, 2, "*.") == 0)
    {
        wildcard_host_ = true;
        host_suffix_ = base_.host.substr(1); // keeps the leading '.': a label boundary
        if(host_suffix_.find('.', 1) == std::string::npos)
            throw std::invalid_argument("invalid redirect URI registration '" + text_ +
                                        "': a wildcard needs at least two labels after it");
    }
    auto star = base_.path.find('*');
    if(star != std::string::npos)
    {
        if(star != base_.path.size() - 1 || base_.has_query)
            throw std::invalid_argument("invalid redirect URI registration '" + text_ +
                                        "': '*' may only end the path, with no query");
        wildcard_path_ = true;
        base_.path.pop_back();
    }
}

BEAST_OAUTH_DECL bool redirect_uri_pattern::matches(parsed_redirect_uri const& uri) const noexcept
{
    if(uri.scheme != base_.scheme)
        return false;
    if(wildcard_host_)
    {
        // The candidate's labels are non-empty, so a non-empty prefix ending at
        // the suffix's leading '.' is one or more whole labels.
        auto const& h = uri.host;
        if(h.size() <= host_suffix_.size() ||
           h.compare(h.size() - host_suffix_.size(), host_suffix_.size(), host_suffix_) != 0)
            return false;
    }
    else if(uri.host != base_.host)
        return false;
    // RFC 8252 7.3: loopback redirects may use any port.
    if(!base_.loopback && uri.port != base_.port)
        return false;
    if(wildcard_path_)
        return uri.path.compare(0, base_.path.size(), base_.path) == 0;
    return uri.path == base_.path && uri.has_query == base_.has_query && uri.query == base_.query;
}

} // namespace beast_oauth

#endif
