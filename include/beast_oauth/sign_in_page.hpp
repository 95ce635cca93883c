#ifndef BEAST_OAUTH_SIGN_IN_PAGE_HPP
#define BEAST_OAUTH_SIGN_IN_PAGE_HPP

#include <beast_oauth/config.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace beast_oauth {

/// What the sign-in page shows; passed to a custom renderer.
struct sign_in_page
{
    /// Where the form posts (the authorize path).
    std::string action;
    /// Hidden inputs to post back unchanged (the request's parameters and the CSRF token).
    std::vector<std::pair<std::string, std::string>> hidden_fields;
    /// The client's display name.
    std::string client_name;
    /// The scope tokens the client asks for (may be empty).
    std::vector<std::string> scopes;
    /// A message to show (wrong password, expired form), empty when none.
    std::string error_message;
    /// Non-empty when the owner has a session: the page asks only to allow or deny.
    std::string signed_in_as;
    /// Username to pre-fill after a failed attempt.
    std::string username;
};

/** Renders the built-in sign-in page: self-contained HTML (no external
    scripts, styles or fonts), readable on a phone, every value escaped,
    labelled fields, sign-in and deny buttons.

    @par Thread Safety
    Safe to call concurrently.
*/
BEAST_OAUTH_DECL std::string render_default_sign_in_page(sign_in_page const& page);

/// Renders the built-in error page shown when the owner must not be redirected.
BEAST_OAUTH_DECL std::string render_error_page(std::string_view message);

/// The CSP source (`'sha256-...'`) allowing the built-in pages' inline stylesheet.
BEAST_OAUTH_DECL std::string const& page_style_csp_source();

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/sign_in_page.ipp>
#endif

#endif
