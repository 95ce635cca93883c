#ifndef BEAST_OAUTH_FORWARDED_HPP
#define BEAST_OAUTH_FORWARDED_HPP

/** @file
    The client's address behind reverse proxies: `Forwarded` (RFC 7239) and
    `X-Forwarded-For`, believed only from proxies the vendor trusts.
*/

#include <beast_oauth/config.hpp>
#include <beast_oauth/http_types.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace beast_oauth {

/** The reverse proxies whose forwarding headers are believed.

    A list of addresses and CIDR networks, IPv4 or IPv6 (`"10.0.0.7"`,
    `"10.0.0.0/8"`, `"::1"`, `"fd00::/8"`). An IPv4-mapped IPv6 address
    (what a dual-stack socket reports for an IPv4 client) matches as its IPv4
    address. Empty by default: then no forwarding header is ever believed.

    @par Thread Safety
    Distinct objects: safe. Shared objects: safe to read (`contains`,
    @ref client_address) from many threads at once; `add` must not run
    concurrently with anything else on the same object.
*/
class trusted_proxies
{
public:
    /// No trusted proxy.
    trusted_proxies() = default;

    /** Builds the list from configuration entries.

        @return the list, or `std::errc::invalid_argument` when an entry is
        neither an address nor a network (use @ref add to find which).
    */
    BEAST_OAUTH_DECL static boost::system::result<trusted_proxies> parse(std::vector<std::string> const& entries);

    /// Adds one address or CIDR network; false (and nothing added) when `entry` is neither.
    BEAST_OAUTH_DECL bool add(std::string_view entry);

    /// Whether `a` is one of the addresses or inside one of the networks.
    BEAST_OAUTH_DECL bool contains(boost::asio::ip::address const& a) const noexcept;

    /// Whether the list is empty (then @ref client_address returns the peer).
    bool empty() const noexcept { return v4_.empty() && v6_.empty(); }

private:
    std::vector<boost::asio::ip::network_v4> v4_;
    std::vector<boost::asio::ip::network_v6> v6_;
};

/** The address of the client that sent `req`, for `request_context::remote_address`.

    When the TCP peer is a trusted proxy, the forwarding chain is walked from
    the right (the hop the peer itself appended) towards the left, skipping
    trusted proxies; the first untrusted address is the client (RFC 7239 7.4:
    only hops written by trusted proxies can be believed). `Forwarded` is used
    when present (every `for=` parameter, brackets and ports allowed as in
    RFC 7239 6), else `X-Forwarded-For`; repeated header fields are joined in
    order (RFC 9110 5.3). A hop that is not an address (`unknown`, an
    obfuscated identifier, garbage) stops the walk at the nearest address
    known, the last trusted hop. When every hop is trusted, the leftmost is
    returned.

    When the peer is not trusted, both headers are ignored: anyone can write
    them.

    @param peer the TCP peer's address as text (e.g. `endpoint.address().to_string()`)
    @param req the request, whose `Forwarded` / `X-Forwarded-For` fields are read
    @param proxies the peers whose forwarding headers are believed
    @return the client's address in canonical text (IPv4-mapped IPv6 as IPv4);
    `peer` unchanged when it is not an address

    @par Thread Safety
    Safe to call concurrently.
*/
BEAST_OAUTH_DECL std::string client_address(std::string_view peer, http_request const& req,
                                            trusted_proxies const& proxies);

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/forwarded.ipp>
#endif

#endif
