#ifndef BEAST_OAUTH_FAILURE_HPP
#define BEAST_OAUTH_FAILURE_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/error.hpp>
#include <beast_oauth/http_types.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace beast_oauth {

/** Why a request failed: the one failure type every endpoint phase returns.

    Carries the RFC wire error, a client-safe description, the HTTP status
    (`0`: the error's own, see @ref http_status), a `Retry-After` hint, the
    methods for a 405, and whether the authorize endpoint may send it back to the
    client's redirect_uri (RFC 6749 4.1.2.1) or must show an error page.
*/
struct oauth_failure
{
    error err = error::server_error;
    std::string description;
    unsigned status = 0;
    std::chrono::seconds retry_after{0};
    /// For a 405: the `Allow` header.
    std::string_view allow;
    /// Authorize endpoint: the error goes back to the client (RFC 6749 4.1.2.1) ...
    bool may_redirect = false;
    /// ... at this URL (the redirect_uri with `error`, `state`, `iss`) ...
    std::string redirect_location;
    /// ... whose redirect_uri is this (for the page's CSP).
    std::string redirect_uri;

    /// The HTTP status to answer with.
    unsigned http_status() const noexcept { return status ? status : beast_oauth::http_status(err); }
};

/// `boost::system::result` carrying an @ref oauth_failure.
template<class T>
using oauth_result = boost::system::result<T, oauth_failure>;

/// Makes a failure (for `return fail(...)` in phases).
inline oauth_failure fail(error e, std::string description, unsigned status = 0)
{
    oauth_failure f;
    f.err = e;
    f.description = std::move(description);
    f.status = status;
    return f;
}

/// Thrown by `oauth_result<T>::value()` on a failure.
class oauth_exception : public std::runtime_error
{
public:
    explicit oauth_exception(oauth_failure f)
        : std::runtime_error(std::string(wire_name(f.err)) + ": " + f.description)
        , failure_(std::move(f))
    {
    }
    oauth_failure const& failure() const noexcept { return failure_; }

private:
    oauth_failure failure_;
};

/// Lets `oauth_result<T>::value()` throw @ref oauth_exception (found by ADL).
BOOST_NORETURN inline void throw_exception_from_error(oauth_failure const& f, boost::source_location const&)
{
    throw oauth_exception(f);
}

/** The RFC 6749 5.2 JSON error response for a failure: `{"error", "error_description"}`,
    `Cache-Control: no-store`; 401 + `WWW-Authenticate: Basic` for invalid_client; `Retry-After`
    when set; `Allow` for 405.

    @param req the request answered (version, keep-alive)
    @param f the failure
    @param realm the Basic realm (the issuer, or "oauth")
*/
BEAST_OAUTH_DECL http_response render_json_error(http_request const& req, oauth_failure const& f,
                                                 std::string_view realm);

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/failure.ipp>
#endif

#endif
