// Differential redirect validator test, C++ half: generates tricky redirect_uri candidates from
// Seam's registrations and prints, one JSON object per line, what the library decides:
//   {"uri": ..., "accepted": bool, "pattern": <registration that matched>, "location": <redirect>}
// The candidate goes through the real authorization-request validation of a server whose client
// "seam" has Seam's registrations; for an accepted one, the Location the server would send the
// browser (issue_code_redirect) is printed too. check_whatwg.mjs then parses both with Node's
// WHATWG URL (what browsers use) and checks scheme, host and port against the pattern.
//
// Candidates: each component (scheme, separator, userinfo, host, port, path) varied alone, every
// pair of components varied together, whole-string prefixes/suffixes (spaces, controls), and
// seeded random mixes of three or more components. Deterministic.
#include <beast_oauth/beast_oauth.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

std::vector<std::string> const registrations = {
    "https://*.integrations.getseam.com/*", "https://connect.getseam.com/oauth/callback",
    "https://staging.connect.getseam.com/oauth/callback", "http://localhost:3020/oauth/callback"};

struct parts
{
    std::string scheme, sep, userinfo, host, port, path;
    std::string str() const { return scheme + sep + userinfo + host + port + path; }
};

std::string const nul(1, '\0');

std::string upper(std::string s)
{
    for(auto& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string mixed(std::string s)
{
    for(std::size_t i = 0; i < s.size(); i += 2)
        s[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
    return s;
}

std::string replace_first(std::string s, std::string const& from, std::string const& to)
{
    auto pos = s.find(from);
    if(pos != std::string::npos)
        s.replace(pos, from.size(), to);
    return s;
}

std::string replace_last(std::string s, std::string const& from, std::string const& to)
{
    auto pos = s.rfind(from);
    if(pos != std::string::npos)
        s.replace(pos, from.size(), to);
    return s;
}

std::string pct_char(std::string s, std::size_t i)
{
    static char const hex[] = "0123456789ABCDEF";
    if(i >= s.size())
        return s;
    auto c = static_cast<unsigned char>(s[i]);
    return s.substr(0, i) + "%" + hex[c >> 4] + hex[c & 15] + s.substr(i + 1);
}

std::vector<std::string> host_variants(std::string const& h)
{
    std::vector<std::string> v = {
        h, upper(h), mixed(h), h + ".", h + "..", "." + h, h + "%2e", pct_char(h, 0), pct_char(h, h.find('.')),
        replace_first(h, ".", "%2e"), replace_first(h, ".", "%2E"), replace_last(h, ".", "\xe3\x80\x82"), // U+3002
        replace_last(h, ".", "\xef\xbc\x8e"),                                                        // U+FF0E
        replace_last(h, ".", "\xef\xbd\xa1"),                                                        // U+FF61
        replace_first(h, ".", "\t."), replace_first(h, ".", ".\n"), h.substr(0, 2) + "\r\n" + h.substr(2),
        h.substr(0, 3) + "\t" + h.substr(3), h.substr(0, 1) + "\xc2\xad" + h.substr(1),                 // soft hyphen
        h.substr(0, 1) + "\xe2\x80\x8b" + h.substr(1),                                                  // zero-width space
        "\xef\xbd\x83" + h.substr(1),                                                                   // fullwidth first letter
        h + ".evil.test", "evil" + h, "evil-" + h, "evil." + h, h + "%00", h + "%00.evil.test", h + "%2f.evil.test",
        h + "\\.evil.test", h + "\\@evil.test", h + "%5c.evil.test", h + ":443@evil.test", h + "@evil.test",
        h + "#.evil.test", h + "?.evil.test", h + ";.evil.test", h + "%23", h + "%3f", h + "&.evil.test",
        h + "%40evil.test", h + " .evil.test", h + nul + ".evil.test", h + "\x7f", h + "_", "_" + h,
        h + ":", h + "::443", "[" + h + "]", h + ".localhost", h + "-", "-" + h, h + ".1", h + ".0x7f", h + ".127.0.0.1",
        "xn--" + h, replace_first(h, "e", "\xc3\xa9"), // é
        replace_first(h, "o", "\xd0\xbe"),              // Cyrillic o
        replace_first(h, "e", "xn--e"),
    };
    return v;
}

std::vector<std::string> const loopback_hosts = {
    "localhost", "LOCALHOST", "Localhost", "localhost.", "127.0.0.1", "127.1", "127.0.1", "0x7f.1", "0x7f.0.0.1",
    "0x7f000001", "0X7F000001", "2130706433", "017700000001", "0177.0.0.1", "0177.1", "127.000.000.001",
    "127.0.0.01", "127.0.0.1.", "127.0.0.2", "127.255.255.255", "0.0.0.0", "0", "0x0", "[::1]", "[0:0:0:0:0:0:0:1]",
    "[0000:0000:0000:0000:0000:0000:0000:0001]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]",
    "[::1%25lo]", "[::1%lo]", "[::]", "[::2]", "[v1.x]", "[::1", "::1", "localhost.localdomain", "sub.localhost",
    "localhost.evil.test", "127.0.0.1.nip.io", "127.0.0.1.evil.test", "localhost%00", "local%68ost",
    "localhos\tt", "\xef\xbd\x8c" "ocalhost", "127\xe3\x80\x82" "0.0.1", "1\xef\xbc\x92\xef\xbc\x97.0.0.1",
    "127.0.0.1:3020@evil.test", "evil.test@127.0.0.1", "localhost\\evil.test", "127.0.0.1%2f.evil.test"};

std::vector<std::string> const wildcard_labels = {
    "a", "A", "acme", "a-b", "a.b", "a.b.c", "1", "123", "0x7f", "0x", "xn--nxasmq6b", "xn--", "-a", "a-", "_a", "*",
    "a*", "%61", "a%2eb", "xn--4ca", "xn--acme", "ab--cd", "\xc3\xa4", "a..b", "", ".", "a.", "a\t", "\ta", "a\nb", "a b", "a%00", "a@b", "a:b",
    "a/b", "a\\b", "a#b", "a?b", "a\xe3\x80\x82" "b", "\xef\xbd\x81", "xn--a-ecp", "WWW", "a.integrations.getseam",
    "getseam.com", "evil.test", "127.0.0.1", "[::1]"};

// The suffixes a wildcard candidate's labels are put in front of (the real one and look-alikes).
std::vector<std::string> const wildcard_suffixes = {
    "integrations.getseam.com", "integrations.getseam.com.", "integrations.getseam.com.evil.test",
    "integrations.getseam.com%2eevil.test", "integrationsgetseam.com", "evilintegrations.getseam.com",
    "INTEGRATIONS.GETSEAM.COM", "integrations.getseam.co", "integrations\xe3\x80\x82getseam.com",
    "integrations.getseam.com\\.evil.test", "integrations.getseam.com@evil.test",
    "integrations.getseam.com:443", "integrations.getseam.com.:443", "integrations.getseam.com%00"};

std::vector<std::string> const schemes = {"https", "HTTPS", "HtTpS", "http", "HTTP", "hTTp", "ftp", "javascript",
                                          "ws", "wss", "file", "data", "https ", " https", "ht\ttps", "ht\ntps",
                                          "https+x", "http" + nul, "httpss"};

std::vector<std::string> const separators = {"://", ":/", ":", ":///", ":\\\\", ":/\\", ":\\/", "://\t", ":// ",
                                             "://\n", ":%2f%2f", "//", ":////"};

std::vector<std::string> const userinfos = {"", "user@", "user:pass@", "@", ":@", "evil.test@",
                                            "connect.getseam.com@", "a%40b@", "evil.test%40", "evil.test\\@",
                                            "evil.test#@", "evil.test?@", "evil.test:443@", "%00@", "\t@"};

std::vector<std::string> const ports = {"", ":443", ":0443", ":00443", ":80", ":3020", ":03020", ":8080", ":0",
                                        ":65535", ":65536", ":99999", ":73979", ":+443", ":-1", ":0x1bb", ":443 ",
                                        ":", "::", ":443:443", ":4\t43", ":%34%34%33", ":\xef\xbc\x94\xef\xbc\x94\xef\xbc\x93"};

std::vector<std::string> path_variants(std::string const& p)
{
    return {p, p + "/", p + "?x=1", upper(p), p + "#x", p + "%23x", "/oauth/./callback", "/oauth/x/../callback",
            "/oauth/%2e/callback", "/oauth/%2e%2e/callback", "/oauth/.%2e/callback", "/oauth%2fcallback",
            "/oauth%5ccallback", "/oauth\\callback", "//oauth/callback", "/oauth//callback", p + ";x", p + "%00",
            p + "%20", p + " ", "", "?", p + "?", p + "?#", "/%6fauth/callback", p + "/..", p + "/%2e%2e", "/\toauth/callback",
            "/oauth/call\nback", "/.%2e/", "/..;/oauth/callback", p + "?next=https://evil.test", p + "?a=b#c",
            p + "%3fx", p + "%2f..%2f..", p + "/..%2f", "/callback", "/", "/x/*", p + "*", "\\\\evil.test/",
            "//evil.test/", "/\\evil.test", "/%2f%2fevil.test", "@evil.test", "/@evil.test", ";@evil.test/"};
}

struct result
{
    bool accepted = false;
    std::string pattern, location;
};

} // namespace

int main()
{
    beast_oauth::memory_store store;
    beast_oauth::memory_user_store users;
    beast_oauth::server_options o;
    o.issuer = "https://intercom.example.test";
    o.secret_key = std::string(32, 'k');
    beast_oauth::authorization_server server(o, store, store, store, users);
    beast_oauth::client seam;
    seam.client_id = "seam";
    seam.secret_hash = beast_oauth::hash_client_secret("seamsecret");
    for(auto const& r : registrations)
        seam.redirect_uris.emplace_back(r);
    store.add_client(seam);
    std::vector<beast_oauth::redirect_uri_pattern> patterns(seam.redirect_uris);

    // --- candidates ---
    std::vector<std::string> candidates;
    std::set<std::string> seen;
    auto add = [&](std::string s) {
        if(seen.insert(s).second)
            candidates.push_back(std::move(s));
    };

    std::vector<parts> bases;
    std::vector<std::vector<std::string>> base_hosts;
    for(auto const& lbl : {"acme", "a.b"})
        bases.push_back({"https", "://", "", std::string(lbl) + ".integrations.getseam.com", "", "/callback"});
    bases.push_back({"https", "://", "", "connect.getseam.com", "", "/oauth/callback"});
    bases.push_back({"https", "://", "", "staging.connect.getseam.com", "", "/oauth/callback"});
    bases.push_back({"http", "://", "", "localhost", ":3020", "/oauth/callback"});
    for(auto const& b : bases)
    {
        auto hosts = host_variants(b.host);
        if(b.host == "localhost")
            hosts.insert(hosts.end(), loopback_hosts.begin(), loopback_hosts.end());
        if(b.host == "acme.integrations.getseam.com")
            for(auto const& l : wildcard_labels)
                for(auto const& s : wildcard_suffixes)
                    hosts.push_back(l + "." + s);
        base_hosts.push_back(hosts);
    }

    std::mt19937 rng(20240601);
    for(std::size_t bi = 0; bi < bases.size(); ++bi)
    {
        auto const& b = bases[bi];
        std::vector<std::vector<std::string>> comp = {schemes, separators, userinfos, base_hosts[bi], ports,
                                                      path_variants(b.path)};
        // the base's own values first in each component
        std::vector<std::string> canon = {b.scheme, b.sep, b.userinfo, b.host, b.port, b.path};
        auto make = [&](std::vector<std::string> const& v) { return v[0] + v[1] + v[2] + v[3] + v[4] + v[5]; };
        add(make(canon));
        // one component varied
        for(std::size_t c = 0; c < comp.size(); ++c)
            for(auto const& x : comp[c])
            {
                auto v = canon;
                v[c] = x;
                add(make(v));
            }
        // every pair of components varied
        for(std::size_t c1 = 0; c1 < comp.size(); ++c1)
            for(std::size_t c2 = c1 + 1; c2 < comp.size(); ++c2)
                for(auto const& x1 : comp[c1])
                    for(auto const& x2 : comp[c2])
                    {
                        auto v = canon;
                        v[c1] = x1;
                        v[c2] = x2;
                        add(make(v));
                    }
        // random mixes of three or more
        for(int i = 0; i < 3000; ++i)
        {
            auto v = canon;
            for(std::size_t c = 0; c < comp.size(); ++c)
                if(rng() % 2)
                    v[c] = comp[c][rng() % comp[c].size()];
            add(make(v));
        }
        // whole-string wrappers (WHATWG strips leading/trailing C0 controls and spaces)
        for(auto const& ws : {std::string(" "), std::string("\t"), std::string("\n"), std::string("\x01"),
                              std::string("\x1f"), nul})
        {
            add(ws + make(canon));
            add(make(canon) + ws);
        }
    }

    // --- the library's decision ---
    beast_oauth::user_identity owner{"usr_1", "Owner"};
    std::size_t accepted = 0;
    for(auto const& uri : candidates)
    {
        beast_oauth::param_list p;
        p.add("response_type", "code");
        p.add("client_id", "seam");
        p.add("redirect_uri", uri);
        p.add("state", "st");
        auto r = server.validate_authorization_request(p);
        boost::json::object line;
        line["uri"] = uri;
        line["accepted"] = r.has_value();
        beast_oauth::parsed_redirect_uri parsed;
        bool const parses = beast_oauth::parse_redirect_uri(uri, parsed) == nullptr;
        std::string matched;
        if(parses)
            for(auto const& pat : patterns)
                if(pat.matches(parsed))
                {
                    matched = pat.text();
                    break;
                }
        // The endpoint and the matcher must agree (a redirect_uri-only rejection never passes).
        if(r.has_value() != !matched.empty())
        {
            std::fprintf(stderr, "validate_authorization_request and the matcher disagree on %s\n", uri.c_str());
            return 2;
        }
        if(r)
        {
            ++accepted;
            line["pattern"] = matched;
            line["location"] = server.issue_code_redirect(*r, owner);
        }
        std::cout << boost::json::serialize(line) << '\n';
    }
    std::cerr << candidates.size() << " candidates, " << accepted << " accepted\n";
    return 0;
}
