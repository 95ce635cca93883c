#ifndef BEAST_OAUTH_ERROR_HPP
#define BEAST_OAUTH_ERROR_HPP

#include <beast_oauth/config.hpp>
#include <boost/system/error_code.hpp>
#include <string_view>
#include <type_traits>

namespace beast_oauth {

/** OAuth 2.0 protocol errors. Enumerators spell the RFC wire names.

    Sources: RFC 6749 4.1.2.1 (authorization endpoint), 5.2 (token endpoint),
    RFC 6750 3.1 (bearer resource access).
*/
enum class error
{
    /// Missing, repeated, malformed or unsupported parameter (RFC 6749 4.1.2.1, 5.2).
    invalid_request = 1,
    /// Client authentication failed (RFC 6749 5.2).
    invalid_client,
    /// Code or refresh token invalid, expired, revoked, replayed or bound elsewhere (RFC 6749 5.2).
    invalid_grant,
    /// The client may not use this grant or response type (RFC 6749 4.1.2.1, 5.2).
    unauthorized_client,
    /// grant_type not supported (RFC 6749 5.2).
    unsupported_grant_type,
    /// response_type not supported (RFC 6749 4.1.2.1).
    unsupported_response_type,
    /// Requested scope invalid, unknown or not allowed (RFC 6749 4.1.2.1, 5.2).
    invalid_scope,
    /// The resource owner denied the request (RFC 6749 4.1.2.1).
    access_denied,
    /// Unexpected failure, e.g. a store threw (RFC 6749 4.1.2.1).
    server_error,
    /// The server is overloaded or a store is unreachable (RFC 6749 4.1.2.1).
    temporarily_unavailable,
    /// Bearer token expired, revoked, malformed or unknown (RFC 6750 3.1).
    invalid_token,
    /// Bearer token lacks the scope the resource needs (RFC 6750 3.1).
    insufficient_scope,
    /// A request_uri that is unknown, altered, expired, already used or another client's (RFC 9126 4; RFC 9101 10.2).
    invalid_request_uri,
    /// A request_uri sent while pushed authorization requests are off (RFC 9101 10.2, OIDC Core 3.1.2.6).
    request_uri_not_supported,
    /// A DPoP proof is missing, malformed or does not match the request (RFC 9449 5, 7.1).
    invalid_dpop_proof,
    /// The DPoP proof lacks the server nonce sent in `DPoP-Nonce` (RFC 9449 8, 9).
    use_dpop_nonce
};

/// The error category of @ref error; `message()` returns the RFC wire name.
BEAST_OAUTH_DECL boost::system::error_category const& oauth_category() noexcept;

/// Makes an error_code from an @ref error (found by ADL).
BEAST_OAUTH_DECL boost::system::error_code make_error_code(error e) noexcept;

/// The RFC wire name, e.g. `"invalid_grant"`.
BEAST_OAUTH_DECL std::string_view wire_name(error e) noexcept;

/** The HTTP status an endpoint answers with for this error.

    400 for request errors, 401 for invalid_client and invalid_token,
    403 for insufficient_scope, 500/503 for server errors (RFC 6749 5.2, RFC 6750 3.1).
*/
BEAST_OAUTH_DECL unsigned http_status(error e) noexcept;

} // namespace beast_oauth

namespace boost { namespace system {
template<> struct is_error_code_enum<::beast_oauth::error> : std::true_type {};
}} // namespace boost::system

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/error.ipp>
#endif

#endif
