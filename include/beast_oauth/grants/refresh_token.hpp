#ifndef BEAST_OAUTH_GRANTS_REFRESH_TOKEN_HPP
#define BEAST_OAUTH_GRANTS_REFRESH_TOKEN_HPP

#include <beast_oauth/grants/grant_handler.hpp>

namespace beast_oauth {

/** The refresh token grant (RFC 6749 6) with the rotation rules of RFC 9700 4.14.2.

    `none` (Seam's guide): a new access token, the same refresh token. `rotate`: successors
    derived from the presented token, stored in one atomic step, the same pair for every
    request in the grace period (with the first one's scope), reuse afterwards revokes the
    grant. Public clients always rotate. A refresh may narrow the scope, never widen it.

    @par Thread Safety
    Stateless; safe to share.
*/
class refresh_token_grant : public grant_handler
{
public:
    std::string_view grant_type() const noexcept override { return "refresh_token"; }
    BEAST_OAUTH_DECL std::unique_ptr<grant_algorithm> start(grant_request const& r) const override;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/grants/impl/refresh_token.ipp>
#endif

#endif
