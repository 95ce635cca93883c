// redirect_uri validation: RFC 6749 3.1.2, RFC 9700 2.1 / 4.1, RFC 8252 7.3, and the
// bypasses peers have shipped (suffix tricks, userinfo, backslashes, encodings, fragments).
#include <beast_oauth/redirect_uri.hpp>
#include "catch.hpp"

#include <vector>

using beast_oauth::parse_redirect_uri;
using beast_oauth::parsed_redirect_uri;
using beast_oauth::redirect_uri_pattern;

namespace {

bool allowed(std::vector<redirect_uri_pattern> const& regs, std::string const& uri)
{
    parsed_redirect_uri p;
    if(parse_redirect_uri(uri, p))
        return false;
    for(auto const& r : regs)
        if(r.matches(p))
            return true;
    return false;
}

std::vector<redirect_uri_pattern> seam_registrations()
{
    std::vector<redirect_uri_pattern> v;
    for(auto s : {"https://*.integrations.getseam.com/*", "https://connect.getseam.com/oauth/callback",
                  "https://staging.connect.getseam.com/oauth/callback", "http://localhost:3020/oauth/callback"})
        v.emplace_back(s);
    return v;
}

} // namespace

TEST_CASE("Seam's registered redirect URIs are accepted")
{
    auto regs = seam_registrations();
    CHECK(allowed(regs, "https://connect.getseam.com/oauth/callback"));
    CHECK(allowed(regs, "https://staging.connect.getseam.com/oauth/callback"));
    CHECK(allowed(regs, "http://localhost:3020/oauth/callback"));
    CHECK(allowed(regs, "http://localhost:9999/oauth/callback")); // RFC 8252 7.3: any loopback port
    CHECK(allowed(regs, "https://acme.integrations.getseam.com/callback?session=abc&x=1"));
    CHECK(allowed(regs, "https://a.b.integrations.getseam.com/"));
    CHECK(allowed(regs, "https://ACME.Integrations.GetSeam.com/cb"));  // host case-insensitive
    CHECK(allowed(regs, "HTTPS://connect.getseam.com/oauth/callback")); // scheme case-insensitive
    CHECK(allowed(regs, "https://connect.getseam.com:443/oauth/callback")); // default port
}

TEST_CASE("host suffix and prefix tricks are rejected")
{
    auto regs = seam_registrations();
    CHECK_FALSE(allowed(regs, "https://evilintegrations.getseam.com/cb"));
    CHECK_FALSE(allowed(regs, "https://integrations.getseam.com/cb"));         // * needs a whole label
    CHECK_FALSE(allowed(regs, "https://integrations.getseam.com.evil.test/cb"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com.evil.test/cb"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com./cb"));   // trailing dot
    CHECK_FALSE(allowed(regs, "https://acme..integrations.getseam.com/cb"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com.evil.test/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://evilconnect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.co/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://xn--connect-xyz.getseam.com/oauth/callback"));
}

TEST_CASE("userinfo, backslashes, whitespace and fragments are rejected")
{
    auto regs = seam_registrations();
    CHECK_FALSE(allowed(regs, "https://evil.test@connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com@evil.test/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://:@connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://evil.test\\@connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com\\.evil.test/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com\\@evil.test/"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/callback#"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/callback#frag"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com/cb#@evil.test"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/callback\t"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/callback\r\nX: y"));
    CHECK_FALSE(allowed(regs, " https://connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://conn\tect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/callback\xc2\xa0"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com/caf\xc3\xa9"));
}

TEST_CASE("encoded characters and dot-segments are rejected")
{
    auto regs = seam_registrations();
    CHECK_FALSE(allowed(regs, "https://connect%2egetseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://acme%2eintegrations.getseam.com/cb"));
    CHECK_FALSE(allowed(regs, "https://evil.test%2f.integrations.getseam.com/cb"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/callback/../../evil"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com/a/../b"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com/a/%2e%2e/b"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com/a/%2E./b"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com/./b"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com/a%2f..%2fb"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com/a%5cb"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com/a%00b"));
    CHECK_FALSE(allowed(regs, "https://acme.integrations.getseam.com/a%0d%0ab"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/callback%20"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth%2fcallback"));
}

TEST_CASE("scheme downgrade and other schemes are rejected")
{
    auto regs = seam_registrations();
    CHECK_FALSE(allowed(regs, "http://connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "http://acme.integrations.getseam.com/cb"));
    CHECK_FALSE(allowed(regs, "https://localhost:3020/oauth/callback"));
    CHECK_FALSE(allowed(regs, "javascript:alert(1)//connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "data:text/html,hi"));
    CHECK_FALSE(allowed(regs, "ftp://connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "//connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https:connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https:/connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https:///connect.getseam.com/oauth/callback"));
    CHECK_FALSE(allowed(regs, "/oauth/callback"));
}

TEST_CASE("exact registrations need exact path, query and port")
{
    auto regs = seam_registrations();
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/callback/"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/callbackx"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/Callback"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com/oauth/callback?x=1"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com:8443/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com:/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com:99999/oauth/callback"));
    CHECK_FALSE(allowed(regs, "https://connect.getseam.com:0/oauth/callback"));
    // Fuzz finding F2: ports above 65535 must not wrap (73979 would read as 8443).
    std::vector<redirect_uri_pattern> port_regs;
    port_regs.emplace_back("https://app.example.test:8443/x/*");
    CHECK(allowed(port_regs, "https://app.example.test:8443/x/y"));
    CHECK(allowed(port_regs, "https://app.example.test:08443/x/y"));
    CHECK_FALSE(allowed(port_regs, "https://app.example.test:73979/x/y"));
    CHECK_FALSE(allowed(regs, "http://localhost:99999/oauth/callback"));
    CHECK_FALSE(allowed(regs, "http://[::1]:80881/oauth/callback"));
    CHECK_FALSE(allowed(regs, "http://localhost:65536/oauth/callback"));
    CHECK(allowed(regs, "http://localhost:65535/oauth/callback"));
    CHECK_FALSE(allowed(regs, "http://localhost:3020/oauth/callback/x"));
    CHECK_FALSE(allowed(regs, "http://localhost.evil.test:3020/oauth/callback"));
    CHECK_FALSE(allowed(regs, "http://127.0.0.1:3020/oauth/callback")); // registered as localhost

    std::vector<redirect_uri_pattern> with_query;
    with_query.emplace_back("https://app.example.test/cb?tenant=7");
    CHECK(allowed(with_query, "https://app.example.test/cb?tenant=7"));
    CHECK_FALSE(allowed(with_query, "https://app.example.test/cb"));
    CHECK_FALSE(allowed(with_query, "https://app.example.test/cb?tenant=8"));
    CHECK_FALSE(allowed(with_query, "https://app.example.test/cb?tenant=7&x=1"));
}

TEST_CASE("numeric and IP hosts")
{
    std::vector<redirect_uri_pattern> loop;
    loop.emplace_back("http://127.0.0.1/callback");
    loop.emplace_back("http://[::1]/callback");
    CHECK(allowed(loop, "http://127.0.0.1:51234/callback"));
    CHECK(allowed(loop, "http://[::1]:8080/callback"));
    CHECK(allowed(loop, "http://[0:0:0:0:0:0:0:1]:8080/callback")); // same address, normalized
    CHECK_FALSE(allowed(loop, "http://0x7f.1/callback"));
    CHECK_FALSE(allowed(loop, "http://127.1/callback"));
    CHECK_FALSE(allowed(loop, "http://2130706433/callback"));
    CHECK_FALSE(allowed(loop, "http://017700000001/callback"));
    CHECK_FALSE(allowed(loop, "http://127.0.0.2/callback"));
    CHECK_FALSE(allowed(loop, "http://[::2]/callback"));
    CHECK_FALSE(allowed(loop, "http://127.0.0.1.nip.io/callback"));
    parsed_redirect_uri p;
    CHECK(parse_redirect_uri("https://example.0x10/cb", p) != nullptr); // WHATWG would read an IPv4 number
    CHECK(parse_redirect_uri("https://1.2.3.4/cb", p) == nullptr);
    CHECK(parse_redirect_uri("http://1.2.3.4/cb", p) != nullptr);      // http only on loopback
    CHECK(parse_redirect_uri("https://[v1.x]/cb", p) != nullptr);
}

TEST_CASE("internationalized hosts: 'xn--' labels must be well-formed Punycode (RFC 3492, fuzz finding F3)")
{
    auto regs = seam_registrations();
    // Real A-labels, as browsers send them: "bücher", Cyrillic "аррӏе", an emoji.
    CHECK(allowed(regs, "https://xn--bcher-kva.integrations.getseam.com/cb"));
    CHECK(allowed(regs, "https://xn--80ak6aa92e.integrations.getseam.com/cb"));
    CHECK(allowed(regs, "https://xn--ls8h.integrations.getseam.com/cb"));
    CHECK(allowed(regs, "https://XN--BCHER-KVA.integrations.getseam.com/cb")); // case-insensitive
    // Browsers refuse these hosts (WHATWG URL: IDNA ToASCII fails), so the server must too.
    parsed_redirect_uri p;
    for(auto bad : {"https://xn--acme.integrations.getseam.com/cb",   // decodes to C1 controls
                    "https://xn--a.integrations.getseam.com/cb",      // U+0080
                    "https://xn---abc.integrations.getseam.com/cb",   // empty basic part, then '-'
                    "https://xn--zzzzzzzzzzzzzzzzzzzz.integrations.getseam.com/cb", // truncated / overflow
                    "https://xn--99999999999999999999a.integrations.getseam.com/cb", // code point overflow
                    "https://xn--abc-.integrations.getseam.com/cb"})   // ASCII only, trailing '-'
    {
        INFO(bad);
        auto why = parse_redirect_uri(bad, p);
        REQUIRE(why != nullptr);
    }
    CHECK(std::string(parse_redirect_uri("https://xn--acme.example.com/cb", p)).find("Punycode") !=
          std::string::npos);
    CHECK_THROWS(redirect_uri_pattern{"https://xn--acme.example.com/cb"});
    // Labels with "--" elsewhere are ordinary (browsers do not check hyphens).
    CHECK(allowed(regs, "https://ab--cd.integrations.getseam.com/cb"));
}

TEST_CASE("wildcard path matching stays under its prefix")
{
    std::vector<redirect_uri_pattern> regs;
    regs.emplace_back("https://app.example.test/oauth/*");
    CHECK(allowed(regs, "https://app.example.test/oauth/cb"));
    CHECK(allowed(regs, "https://app.example.test/oauth/cb?x=1"));
    CHECK_FALSE(allowed(regs, "https://app.example.test/oauth"));
    CHECK_FALSE(allowed(regs, "https://app.example.test/oauthx/cb"));
    CHECK_FALSE(allowed(regs, "https://app.example.test/oauth/../admin"));
    CHECK_FALSE(allowed(regs, "https://app.example.test/other"));
}

TEST_CASE("invalid registrations throw with the reason")
{
    CHECK_THROWS_AS(redirect_uri_pattern("https://*.com/*"), std::invalid_argument);
    CHECK_THROWS_AS(redirect_uri_pattern("https://*/cb"), std::invalid_argument);      // fuzz finding F1
    CHECK_THROWS_AS(redirect_uri_pattern("https://*:8443/cb"), std::invalid_argument);
    CHECK_THROWS_AS(redirect_uri_pattern("https://a*.example.com/"), std::invalid_argument);
    CHECK_THROWS_AS(redirect_uri_pattern("https://a.*.example.com/"), std::invalid_argument);
    CHECK_THROWS_AS(redirect_uri_pattern("https://example.com/*/x"), std::invalid_argument);
    CHECK_THROWS_AS(redirect_uri_pattern("https://example.com/*?q=1"), std::invalid_argument);
    CHECK_THROWS_AS(redirect_uri_pattern("http://example.com/cb"), std::invalid_argument);
    CHECK_THROWS_AS(redirect_uri_pattern("https://example.com/cb#x"), std::invalid_argument);
    CHECK_THROWS_AS(redirect_uri_pattern("https://u@example.com/cb"), std::invalid_argument);
    CHECK(redirect_uri_pattern("https://example.com/cb").is_exact());
    CHECK_FALSE(redirect_uri_pattern("https://*.example.com/cb").is_exact());
    // A '*' in a candidate is never a wildcard.
    auto regs = seam_registrations();
    CHECK_FALSE(allowed(regs, "https://*.integrations.getseam.com/cb"));
}
