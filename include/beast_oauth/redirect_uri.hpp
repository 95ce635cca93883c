#ifndef BEAST_OAUTH_REDIRECT_URI_HPP
#define BEAST_OAUTH_REDIRECT_URI_HPP

#include <beast_oauth/config.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace beast_oauth {

/** A redirect URI that passed the syntax rules every candidate must meet.

    Components are normalized: scheme and host lower-case, the port made
    explicit (443/80 when absent), an empty path as "/".
*/
struct parsed_redirect_uri
{
    std::string scheme;     ///< "https", or "http" for loopback hosts
    std::string host;       ///< lower-case reg-name, IPv4 dotted quad, or IPv6 in brackets
    std::uint16_t port = 0; ///< effective port
    std::string path;       ///< as sent (percent-encoding kept), "/" when empty
    std::string query;      ///< encoded query without '?', empty when absent
    bool has_query = false; ///< whether a '?' was present
    bool loopback = false;  ///< host is localhost, 127.0.0.1 or [::1] (RFC 8252 7.3)
};

/** Checks one candidate redirect_uri against the rules that keep a browser on the intended host.

    Rules (RFC 6749 3.1.2, RFC 9700 2.1 and 4.1, RFC 8252 7.3), applied with
    Boost.URL's RFC 3986 parser, never string comparison:
    - absolute URI of printable ASCII only (no spaces, tabs, CR/LF, backslashes, non-ASCII);
    - scheme `https`, or `http` for loopback hosts only;
    - no userinfo (`user@host`), no fragment (RFC 6749 3.1.2);
    - host a DNS name of letters, digits and hyphens in non-empty labels
      (no trailing dot, no percent-encoding, last label not numeric so that
      WHATWG parsers cannot read it as IPv4, e.g. `0x7f.1`), a dotted IPv4,
      or an IPv6 literal;
    - port, when present, 1 to 65535;
    - path without dot-segments (also percent-encoded ones) and without
      encoded `/`, `\`, `.` or control characters.

    @param uri the candidate
    @param out filled on success
    @return nullptr on success, else a client-safe reason.

    @par Thread Safety
    Safe to call concurrently.
*/
BEAST_OAUTH_DECL char const* parse_redirect_uri(std::string_view uri, parsed_redirect_uri& out);

/** One registered redirect URI: exact, or a pattern with wildcards.

    Syntax: an absolute URI accepted by @ref parse_redirect_uri, where
    - the host may begin with `*.`: the `*` stands for one or more whole DNS
      labels, never part of one (host `*.integrations.getseam.com`
      matches `a.integrations.getseam.com` and `a.b.integrations.getseam.com`,
      never `evilintegrations.getseam.com` or `integrations.getseam.com.evil.test`);
      at least two labels must follow the wildcard;
    - the path may end with `*`: any path starting with what precedes it, with
      any query (a path of just `/` and `*` matches every path);
    - otherwise path and query must match exactly (RFC 9700 4.1.3: exact string matching);
    - a loopback registration (`http://localhost/...`, `127.0.0.1`, `[::1]`)
      matches any port (RFC 8252 7.3).

    @par Thread Safety
    Immutable after construction; safe to share.
*/
class redirect_uri_pattern
{
public:
    /** Parses a registration.

        @throws std::invalid_argument with the reason when `text` is not a valid registration.
    */
    BEAST_OAUTH_DECL explicit redirect_uri_pattern(std::string_view text);

    /// Whether `uri` (already checked by @ref parse_redirect_uri) is allowed by this registration.
    BEAST_OAUTH_DECL bool matches(parsed_redirect_uri const& uri) const noexcept;

    /// The registration as written.
    std::string const& text() const noexcept { return text_; }

    /// True when the registration has no wildcard (then it can stand in for an omitted redirect_uri).
    bool is_exact() const noexcept { return !wildcard_host_ && !wildcard_path_; }

private:
    std::string text_;
    parsed_redirect_uri base_;
    std::string host_suffix_; // ".integrations.getseam.com" for a wildcard host
    bool wildcard_host_ = false;
    bool wildcard_path_ = false;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/redirect_uri.ipp>
#endif

#endif
