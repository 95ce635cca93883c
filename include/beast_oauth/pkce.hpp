#ifndef BEAST_OAUTH_PKCE_HPP
#define BEAST_OAUTH_PKCE_HPP

#include <beast_oauth/config.hpp>
#include <string>
#include <string_view>

namespace beast_oauth {

/** Whether `s` is a syntactically valid code_verifier or S256 code_challenge (RFC 7636 4.1, 4.2).

    43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
*/
BEAST_OAUTH_DECL bool is_valid_pkce_string(std::string_view s) noexcept;

/** Verifies a code_verifier against the stored challenge (RFC 7636 4.6).

    @param verifier the code_verifier the token request sent
    @param challenge the code_challenge stored with the code
    @param method "S256" or "plain" (the caller decides whether plain is allowed)
    @return true when the verifier is well-formed and matches, compared in constant time.
*/
BEAST_OAUTH_DECL bool verify_pkce(std::string_view verifier, std::string_view challenge,
                                  std::string_view method);

/// `BASE64URL(SHA256(verifier))`, the S256 challenge of a verifier (RFC 7636 4.2).
BEAST_OAUTH_DECL std::string make_s256_challenge(std::string_view verifier);

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/pkce.ipp>
#endif

#endif
