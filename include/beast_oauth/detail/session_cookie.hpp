#ifndef BEAST_OAUTH_DETAIL_SESSION_COOKIE_HPP
#define BEAST_OAUTH_DETAIL_SESSION_COOKIE_HPP

// The sign-in session cookie: AES-256-GCM (NIST SP 800-38D) over the owner's subject, display
// name and expiry, so no personal data is readable in the browser or in a proxy's cookie log,
// and any change to the cookie fails authentication.

#include <beast_oauth/config.hpp>
#include <beast_oauth/detail/aead.hpp>
#include <beast_oauth/model.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace beast_oauth { namespace detail {

/** The key sealing session cookies: an @ref aead_key (32 bytes, derived from the server
    secret) used for one purpose. Immutable after construction: safe to use from many threads. */
class session_cookie_key : private aead_key
{
public:
    /// @throws std::invalid_argument unless `key` is 32 bytes
    using aead_key::aead_key;

    /** The cookie value: base64url(nonce[12] | ciphertext | tag[16]) of the owner and
        `expires` (seconds since the epoch). A fresh random nonce each time. */
    BEAST_OAUTH_DECL std::string seal(user_identity const& who, long long expires) const;

    /// The owner, when `cookie` was sealed with this key, is intact and `expires > now`.
    BEAST_OAUTH_DECL std::optional<user_identity> open(std::string_view cookie, long long now) const;
};

}} // namespace beast_oauth::detail

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/detail/impl/session_cookie.ipp>
#endif

#endif
