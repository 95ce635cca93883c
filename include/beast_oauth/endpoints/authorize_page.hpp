#ifndef BEAST_OAUTH_ENDPOINTS_AUTHORIZE_PAGE_HPP
#define BEAST_OAUTH_ENDPOINTS_AUTHORIZE_PAGE_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/core.hpp>
#include <beast_oauth/http_types.hpp>
#include <beast_oauth/params.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace beast_oauth {

/** The browser side of the authorization endpoint: the sign-in page with its CSRF token, the
    signed session cookie, and the redirect responses.

    @par Thread Safety
    Immutable; safe to call concurrently.
*/
class authorize_page
{
public:
    explicit authorize_page(server_core const& core) noexcept : core_(core) {}

    /// `name`, or `__Host-name` with secure cookies (RFC 6265bis 4.1.3.2).
    BEAST_OAUTH_DECL std::string cookie_name(std::string_view base) const;
    /// HMAC(csrf key, cookie nonce, every request parameter): a token for this browser and this request.
    BEAST_OAUTH_DECL std::string csrf_token(std::string_view nonce, authorization_request const& ar) const;
    /// The signed session cookie's value for `who`.
    BEAST_OAUTH_DECL std::string make_session(user_identity const& who) const;
    /// The owner of a valid, unexpired session cookie.
    BEAST_OAUTH_DECL std::optional<user_identity> read_session(std::string_view cookie) const;
    /// The `Set-Cookie` value of a new session for `who`.
    BEAST_OAUTH_DECL std::string session_cookie(user_identity const& who) const;

    /// The sign-in (or consent) page for a validated request.
    BEAST_OAUTH_DECL http_response render(http_request const& req, param_list const& params,
                                          authorization_request const& ar, std::string_view signed_in_as,
                                          std::string error_message, std::string_view username, unsigned status) const;
    /// 303 after a POST, 302 after a GET, to `location` (RFC 6749 4.1.2).
    BEAST_OAUTH_DECL http_response redirect(http_request const& req, std::string const& location,
                                            authorization_request const& ar) const;

private:
    server_core const& core_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/authorize_page.ipp>
#endif

#endif
