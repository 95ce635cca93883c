#ifndef BEAST_OAUTH_ENDPOINTS_PAGE_RESPONSE_HPP
#define BEAST_OAUTH_ENDPOINTS_PAGE_RESPONSE_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/http_types.hpp>
#include <beast_oauth/sign_in_page.hpp>
#include <string>
#include <string_view>

namespace beast_oauth {

/** Sets the headers of every HTML page and redirect of the authorization endpoint: a CSP
    under which nothing loads and the form may post only here and be redirected only to the
    client's origin (`redirect_uri`, empty for none), framing denied, no referrer, no caching.

    @par Thread Safety
    Touches only `res`.
*/
BEAST_OAUTH_DECL void set_page_security_headers(http_response& res, std::string const& redirect_uri,
                                               sign_in_page_options const& page);

/// The built-in HTML error page (shown when the owner must not be redirected), with those headers,
/// in the language the browser prefers (`Accept-Language`).
BEAST_OAUTH_DECL http_response make_error_page(http_request const& req, std::string_view description, unsigned status,
                                               sign_in_page_options const& page);

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/page_response.ipp>
#endif

#endif
