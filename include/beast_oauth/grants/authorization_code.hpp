#ifndef BEAST_OAUTH_GRANTS_AUTHORIZATION_CODE_HPP
#define BEAST_OAUTH_GRANTS_AUTHORIZATION_CODE_HPP

#include <beast_oauth/grants/grant_handler.hpp>

namespace beast_oauth {

/** The authorization code grant (RFC 6749 4.1.3 - 4.1.4) with PKCE (RFC 7636 4.5 - 4.6).

    The code must be genuine, issued to this client (checked before it is consumed, so
    another client cannot burn it), single use (a replay revokes the grant, RFC 6749 4.1.2,
    RFC 9700 4.5), unexpired, and bound to the redirect_uri of its request. Issues an access
    token and, for clients allowed the refresh_token grant, a refresh token.

    @par Thread Safety
    Stateless; safe to share.
*/
class authorization_code_grant : public grant_handler
{
public:
    std::string_view grant_type() const noexcept override { return "authorization_code"; }
    BEAST_OAUTH_DECL std::unique_ptr<grant_algorithm> start(grant_request const& r) const override;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/grants/impl/authorization_code.ipp>
#endif

#endif
