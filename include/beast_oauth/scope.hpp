#ifndef BEAST_OAUTH_SCOPE_HPP
#define BEAST_OAUTH_SCOPE_HPP

#include <beast_oauth/config.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace beast_oauth {

/** Splits a scope parameter into its tokens (RFC 6749 3.3).

    `scope = scope-token *( SP scope-token )`,
    `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`. Duplicates are removed,
    order is kept.

    @return false when the text is not a valid scope (empty tokens, double
    spaces, or characters outside scope-token).
*/
BEAST_OAUTH_DECL bool parse_scope(std::string_view text, std::vector<std::string>& out);

/// Joins scope tokens with single spaces.
BEAST_OAUTH_DECL std::string join_scope(std::vector<std::string> const& tokens);

/// Whether every token of `requested` (space-separated) is in `granted` (space-separated).
BEAST_OAUTH_DECL bool scope_includes(std::string_view granted, std::string_view requested);

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/scope.ipp>
#endif

#endif
