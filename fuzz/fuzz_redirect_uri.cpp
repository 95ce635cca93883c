// Fuzz target: parse_redirect_uri and redirect_uri_pattern (construction and matches()).
//
// Input: the candidate URI (also tried as a registration).
//
// Invariants for every candidate the parser accepts (checked on the raw text, independently
// of the parser's output):
// - printable ASCII only: no whitespace, controls, non-ASCII, '\', '#', and no '@' in the
//   authority (no userinfo);
// - scheme https, or http only with a loopback host (localhost, 127.0.0.1, [::1]);
// - the authority, split by hand, gives the parser's host (lower-cased) and port (default
//   443/80), and its path and query;
// - a DNS host is letters, digits and '-' in non-empty labels of at most 63, not starting or
//   ending with '-', and its last label is not numeric (what WHATWG would read as IPv4);
//   an IPv4 host is a canonical dotted quad;
// - matches() against each registration equals a reference matcher written from the
//   documented pattern rules (exact host or whole labels before the wildcard suffix; exact
//   port unless the registration is loopback; exact path and query, or a path prefix).
// A candidate that parses as a registration without wildcards must match itself.
#include "common.hpp"

#include <cctype>
#include <stdexcept>

namespace {

using beast_oauth::parsed_redirect_uri;
using beast_oauth::redirect_uri_pattern;

std::string lower(std::string_view s)
{
    std::string out(s);
    for(auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

struct split_uri
{
    std::string scheme, host, path, query;
    bool has_query = false;
    unsigned port = 0;
    bool host_ipv6 = false;
};

// Splits an accepted candidate by hand: scheme "://" host [":" port] path ["?" query].
bool split(std::string_view s, split_uri& out)
{
    auto colon = s.find(':');
    if(colon == std::string_view::npos || s.substr(colon, 3) != "://")
        return false;
    out.scheme = lower(s.substr(0, colon));
    auto rest = s.substr(colon + 3);
    auto auth_end = rest.find_first_of("/?");
    auto authority = rest.substr(0, auth_end);
    auto tail = auth_end == std::string_view::npos ? std::string_view() : rest.substr(auth_end);
    std::string_view port;
    if(!authority.empty() && authority.front() == '[')
    {
        auto close = authority.find(']');
        if(close == std::string_view::npos)
            return false;
        out.host_ipv6 = true;
        out.host = lower(authority.substr(0, close + 1));
        if(close + 1 < authority.size())
        {
            if(authority[close + 1] != ':')
                return false;
            port = authority.substr(close + 2);
        }
    }
    else
    {
        auto pc = authority.rfind(':');
        out.host = lower(authority.substr(0, pc));
        if(pc != std::string_view::npos)
            port = authority.substr(pc + 1);
    }
    if(port.empty())
        out.port = out.scheme == "https" ? 443 : 80;
    else
    {
        unsigned long v = 0;
        for(char c : port)
        {
            if(c < '0' || c > '9')
                return false;
            v = v * 10 + static_cast<unsigned long>(c - '0');
            if(v > 1'000'000)
                return false;
        }
        out.port = static_cast<unsigned>(v);
    }
    auto q = tail.find('?');
    out.path = std::string(tail.substr(0, q));
    if(out.path.empty())
        out.path = "/";
    out.has_query = q != std::string_view::npos;
    if(out.has_query)
        out.query = std::string(tail.substr(q + 1));
    return true;
}

bool all_digits(std::string_view s)
{
    if(s.empty())
        return false;
    for(char c : s)
        if(c < '0' || c > '9')
            return false;
    return true;
}

bool is_canonical_ipv4(std::string_view h)
{
    int parts = 0;
    std::size_t start = 0;
    while(true)
    {
        auto dot = h.find('.', start);
        auto part = h.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if(!all_digits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0') || std::stoi(std::string(part)) > 255)
            return false;
        ++parts;
        if(dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    return parts == 4;
}

bool is_numeric_label(std::string_view l)
{
    if(all_digits(l))
        return true;
    if(l.size() >= 2 && l[0] == '0' && (l[1] == 'x' || l[1] == 'X'))
    {
        for(char c : l.substr(2))
            if(!std::isxdigit(static_cast<unsigned char>(c)))
                return false;
        return true;
    }
    return false;
}

void check_dns_host(std::string_view host, std::string_view text)
{
    FUZZ_CHECK(!host.empty() && host.size() <= 253, text);
    std::size_t start = 0;
    std::string_view last;
    while(true)
    {
        auto dot = host.find('.', start);
        auto label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        FUZZ_CHECK(!label.empty() && label.size() <= 63, text);
        FUZZ_CHECK(label.front() != '-' && label.back() != '-', text);
        for(char c : label)
            FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-', text);
        last = label;
        if(dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    FUZZ_CHECK(!is_numeric_label(last), text);
}

struct reference_pattern
{
    split_uri base;
    bool wildcard_host = false;
    std::string host_suffix; // ".integrations.getseam.com"
    bool wildcard_path = false;
    bool loopback = false;
};

bool is_loopback(std::string const& host)
{
    return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

reference_pattern make_reference(std::string const& text)
{
    reference_pattern p;
    if(!split(text, p.base))
        fuzz::fail("setup: registration does not split", text);
    if(p.base.host.compare(0, 2, "*.") == 0)
    {
        p.wildcard_host = true;
        p.host_suffix = p.base.host.substr(1);
    }
    if(!p.base.path.empty() && p.base.path.back() == '*')
    {
        p.wildcard_path = true;
        p.base.path.pop_back();
    }
    p.loopback = is_loopback(p.base.host);
    return p;
}

bool reference_matches(reference_pattern const& p, split_uri const& c)
{
    if(c.scheme != p.base.scheme)
        return false;
    if(p.wildcard_host)
    {
        if(c.host.size() <= p.host_suffix.size() ||
           c.host.compare(c.host.size() - p.host_suffix.size(), std::string::npos, p.host_suffix) != 0)
            return false;
    }
    else if(c.host != p.base.host)
        return false;
    if(!p.loopback && c.port != p.base.port)
        return false;
    if(p.wildcard_path)
        return c.path.compare(0, p.base.path.size(), p.base.path) == 0;
    return c.path == p.base.path && c.has_query == p.base.has_query && c.query == p.base.query;
}

struct registration
{
    redirect_uri_pattern pattern;
    reference_pattern reference;
};

std::vector<registration> const& registrations()
{
    static std::vector<registration> const r = [] {
        std::vector<registration> v;
        for(auto const* list : {&fuzz::seam_registrations(), &fuzz::other_registrations()})
            for(auto const& t : *list)
                v.push_back({redirect_uri_pattern(t), make_reference(t)});
        return v;
    }();
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if(size > 4096)
        return 0;
    std::string_view text(reinterpret_cast<char const*>(data), size);
    auto const& regs = registrations();

    parsed_redirect_uri parsed;
    bool const accepted = beast_oauth::parse_redirect_uri(text, parsed) == nullptr;
    if(accepted)
    {
        for(char c : text)
        {
            auto u = static_cast<unsigned char>(c);
            FUZZ_CHECK(u > 0x20 && u < 0x7f, text);
            FUZZ_CHECK(c != '\\' && c != '#', text);
        }
        // No userinfo: no '@' before the path. ('@' is a pchar, so "/a@b" is a path in both
        // RFC 3986 and WHATWG; the differential test checks how browsers read it.)
        auto after_scheme = text.find("://");
        FUZZ_CHECK(after_scheme != std::string_view::npos, text);
        auto authority = text.substr(after_scheme + 3);
        authority = authority.substr(0, authority.find_first_of("/?"));
        FUZZ_CHECK(authority.find('@') == std::string_view::npos, text);
        FUZZ_CHECK(parsed.scheme == "https" || (parsed.scheme == "http" && parsed.loopback), text);
        FUZZ_CHECK(parsed.loopback == is_loopback(parsed.host), text);
        FUZZ_CHECK(parsed.port != 0, text);
        split_uri s;
        FUZZ_CHECK(split(text, s), text);
        // F2 (fuzz/findings/README.md, fixed): a port above 65535 must never be accepted.
        FUZZ_CHECK(s.port <= 65535, text);
        FUZZ_CHECK(s.scheme == parsed.scheme, text);
        FUZZ_CHECK(s.port == parsed.port, text);
        FUZZ_CHECK(s.path == parsed.path, text);
        FUZZ_CHECK(s.has_query == parsed.has_query && s.query == parsed.query, text);
        if(s.host_ipv6)
        {
            // The parser normalizes IPv6; the bracket form stays.
            FUZZ_CHECK(parsed.host.size() > 2 && parsed.host.front() == '[' && parsed.host.back() == ']', text);
            s.host = parsed.host;
        }
        else
        {
            FUZZ_CHECK(s.host == parsed.host, text);
            if(!is_canonical_ipv4(parsed.host))
                check_dns_host(parsed.host, text);
        }
        // No dot-segments survive, literal or encoded.
        for(std::string_view seg : {"/./", "/../"})
            FUZZ_CHECK((parsed.path + "/").find(seg) == std::string::npos, text);
        auto lp = lower(parsed.path);
        FUZZ_CHECK(lp.find("%2e") == std::string::npos && lp.find("%2f") == std::string::npos &&
                       lp.find("%5c") == std::string::npos,
                   text);

        for(auto const& r : regs)
            FUZZ_CHECK(r.pattern.matches(parsed) == reference_matches(r.reference, s),
                       std::string(text) + " vs " + r.pattern.text());
    }

    // As a registration. (F1, fixed: a lone "*" host is refused; the exact-registration
    // invariant below catches it if it ever comes back.)
    try
    {
        redirect_uri_pattern p{text};
        // Every registration is also an acceptable URI once its wildcards are filled in.
        if(p.is_exact())
        {
            FUZZ_CHECK(accepted, text);
            FUZZ_CHECK(p.matches(parsed), text);
        }
        else
        {
            FUZZ_CHECK(text.find('*') != std::string_view::npos, text);
            // A wildcard host is never a plain URI; a wildcard path ('*' is a sub-delim) may be.
            split_uri s;
            FUZZ_CHECK(split(text, s), text);
            if(s.host.compare(0, 2, "*.") == 0)
                FUZZ_CHECK(!accepted, text);
        }
    }
    catch(std::invalid_argument const&)
    {
        // Refused registration: fine. (Exact URIs that parse must be valid registrations too,
        // except for '*' in the path, which is a wildcard.)
        if(accepted && text.find('*') == std::string_view::npos)
            fuzz::fail("an accepted URI is refused as a registration", text);
    }
    return 0;
}
