// trusted_proxies / client_address: which forwarding headers are believed (RFC 7239).
#include <beast_oauth/forwarded.hpp>
#include "catch.hpp"

namespace http = boost::beast::http;
using beast_oauth::client_address;
using beast_oauth::http_request;
using beast_oauth::trusted_proxies;

namespace {

http_request with(std::initializer_list<std::pair<char const*, char const*>> headers)
{
    http_request req{http::verb::post, "/oauth/token", 11};
    req.set(http::field::host, "auth.example");
    for(auto const& [name, value] : headers)
        req.insert(name, value);
    return req;
}

trusted_proxies proxies(std::vector<std::string> const& entries)
{
    auto r = trusted_proxies::parse(entries);
    REQUIRE(r.has_value());
    return *r;
}

} // namespace

TEST_CASE("forwarding headers from an untrusted peer are ignored")
{
    auto none = trusted_proxies();
    auto some = proxies({"10.0.0.1"});
    auto spoof = with({{"X-Forwarded-For", "198.51.100.7"}, {"Forwarded", "for=198.51.100.8"}});
    // The attacker at 203.0.113.5 claims to be someone else: not believed, with or without a list.
    CHECK(client_address("203.0.113.5", spoof, none) == "203.0.113.5");
    CHECK(client_address("203.0.113.5", spoof, some) == "203.0.113.5");
    CHECK(client_address("10.0.0.1", spoof, none) == "10.0.0.1");
}

TEST_CASE("X-Forwarded-For from a trusted proxy: the rightmost untrusted hop is the client")
{
    auto p = proxies({"10.0.0.1"});
    CHECK(client_address("10.0.0.1", with({{"X-Forwarded-For", "198.51.100.7"}}), p) == "198.51.100.7");
    // The client wrote a fake first hop; the proxy appended the real address: the fake is never reached.
    CHECK(client_address("10.0.0.1", with({{"X-Forwarded-For", "192.0.2.66, 198.51.100.7"}}), p) ==
          "198.51.100.7");
    // Repeated fields are one list, in order (RFC 9110 5.3).
    CHECK(client_address("10.0.0.1", with({{"X-Forwarded-For", "192.0.2.66"}, {"X-Forwarded-For", "198.51.100.7"}}),
                         p) == "198.51.100.7");
    // No header: the proxy itself.
    CHECK(client_address("10.0.0.1", with({}), p) == "10.0.0.1");
}

TEST_CASE("a chain of trusted proxies is skipped from the right")
{
    auto p = proxies({"10.0.0.0/8", "192.168.1.1"});
    auto req = with({{"X-Forwarded-For", "192.0.2.66, 198.51.100.7, 10.9.9.9, 192.168.1.1"}});
    CHECK(client_address("10.0.0.1", req, p) == "198.51.100.7");
    // Every hop trusted: the leftmost (an internal caller).
    CHECK(client_address("10.0.0.1", with({{"X-Forwarded-For", "10.1.1.1, 192.168.1.1"}}), p) == "10.1.1.1");
    // A network does not cover its neighbours.
    CHECK(client_address("11.0.0.1", req, p) == "11.0.0.1");
}

TEST_CASE("Forwarded: IPv6 in brackets, ports, quoting, case, several elements")
{
    auto p = proxies({"::1", "fd00::/8"});
    CHECK(client_address("::1", with({{"Forwarded", R"(for="[2001:db8:cafe::17]:4711")"}}), p) == "2001:db8:cafe::17");
    CHECK(client_address("::1", with({{"Forwarded", R"(For="[2001:db8::1]";proto=https;by=_hidden)"}}), p) ==
          "2001:db8::1");
    CHECK(client_address("::1", with({{"Forwarded", "for=192.0.2.60;proto=http, for=\"[fd00::5]:80\""}}), p) ==
          "192.0.2.60");
    CHECK(client_address("::1", with({{"Forwarded", "proto=https;for=\"192.0.2.61:8080\""}}), p) == "192.0.2.61");
    // Forwarded wins over X-Forwarded-For when both are present.
    CHECK(client_address("::1", with({{"Forwarded", "for=192.0.2.60"}, {"X-Forwarded-For", "192.0.2.99"}}), p) ==
          "192.0.2.60");
    // A dual-stack socket's IPv4-mapped peer matches an IPv4 entry and prints as IPv4.
    auto p4 = proxies({"127.0.0.1"});
    CHECK(client_address("::ffff:127.0.0.1", with({{"X-Forwarded-For", "[2001:db8::2]:443"}}), p4) == "2001:db8::2");
    CHECK(client_address("::ffff:192.0.2.1", with({}), p4) == "192.0.2.1");
}

TEST_CASE("garbage hops fall back to the nearest known address")
{
    auto p = proxies({"10.0.0.1", "10.0.0.2"});
    for(auto const* value : {"unknown", "_hidden", "", "not-an-ip", "198.51.100.7:99999", "[::1", "1.2.3.4:",
                             "300.1.1.1", "198.51.100.7 198.51.100.8", "\x01"})
    {
        INFO(value);
        CHECK(client_address("10.0.0.1", with({{"X-Forwarded-For", value}}), p) == "10.0.0.1");
    }
    for(auto const* value : {"for=unknown", "for=\"_gazonk\"", "proto=https", "for=\"[::1\"", "for=\"unterminated",
                             "for=[2001:db8::1]x", "garbage"})
    {
        INFO(value);
        CHECK(client_address("10.0.0.1", with({{"Forwarded", value}}), p) == "10.0.0.1");
    }
    // Garbage left of a trusted hop: that hop, never the (unverifiable) value further left.
    CHECK(client_address("10.0.0.1", with({{"X-Forwarded-For", "192.0.2.1, junk, 10.0.0.2"}}), p) == "10.0.0.2");
    // A peer that is not an address comes back unchanged.
    CHECK(client_address("unix:/run/x.sock", with({{"X-Forwarded-For", "192.0.2.1"}}), p) == "unix:/run/x.sock");
}

TEST_CASE("trusted_proxies parses addresses and networks, refuses the rest")
{
    auto p = proxies({"127.0.0.1", "10.1.0.0/16", "2001:db8::/32", "::1", "172.16.5.4/12"});
    namespace ip = boost::asio::ip;
    CHECK(p.contains(ip::make_address("127.0.0.1")));
    CHECK_FALSE(p.contains(ip::make_address("127.0.0.2")));
    CHECK(p.contains(ip::make_address("10.1.255.3")));
    CHECK_FALSE(p.contains(ip::make_address("10.2.0.1")));
    CHECK(p.contains(ip::make_address("2001:db8:ffff::1")));
    CHECK_FALSE(p.contains(ip::make_address("2001:db9::1")));
    CHECK(p.contains(ip::make_address("::1")));
    CHECK(p.contains(ip::make_address("172.31.0.1"))); // host bits in the entry are ignored
    CHECK(p.contains(ip::make_address("::ffff:127.0.0.1")));
    auto odd = proxies({"2001:db8:8000::/33"});
    CHECK(odd.contains(ip::make_address("2001:db8:ffff::1")));
    CHECK_FALSE(odd.contains(ip::make_address("2001:db8:7fff::1")));
    CHECK(proxies({}).empty());
    for(auto const* bad : {"", "localhost", "10.0.0.0/33", "10.0.0.0/", "::1/129", "1.2.3", "10.0.0.1 "})
    {
        INFO(bad);
        CHECK_FALSE(trusted_proxies::parse({bad}).has_value());
        trusted_proxies t;
        CHECK_FALSE(t.add(bad));
        CHECK(t.empty());
    }
}
