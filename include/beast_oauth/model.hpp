#ifndef BEAST_OAUTH_MODEL_HPP
#define BEAST_OAUTH_MODEL_HPP

#include <beast_oauth/redirect_uri.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beast_oauth {

/// Wall-clock time used for every expiry.
using time_point = std::chrono::system_clock::time_point;

/// How refresh tokens behave when used (RFC 6749 6, RFC 9700 4.14.2).
enum class refresh_rotation
{
    /// The same refresh token is returned and stays valid (Seam's guide).
    none,
    /** A new refresh token replaces the old one. For a grace period the old token
        still works and yields the same new pair (concurrent refreshes all succeed);
        after it, any use of the old token revokes the whole grant (reuse detection). */
    rotate
};

/** A registered OAuth client (RFC 6749 2).

    @par Thread Safety
    Treated as immutable once handed to a store; shared as `shared_ptr<const client>`.
*/
struct client
{
    /// The client identifier (RFC 6749 2.2), e.g. "seam".
    std::string client_id;
    /// Shown to the resource owner on the sign-in page.
    std::string name;
    /// Hash of the client secret (@ref hash_client_secret or @ref hash_password).
    /// Empty: a public client, which must use PKCE.
    std::string secret_hash;
    /// Registered redirect URIs and patterns (see @ref redirect_uri_pattern).
    std::vector<redirect_uri_pattern> redirect_uris;
    /// Scope tokens the client may request; empty: any syntactically valid scope.
    std::vector<std::string> allowed_scopes;
    /// Scope granted when a request has none (RFC 6749 3.3); may be empty.
    std::string default_scope;
    /// Grant types the client may use (RFC 6749 4, 6); others get `unauthorized_client`.
    std::vector<std::string> grant_types{"authorization_code", "refresh_token"};
    /// Require PKCE for this client even if it is confidential (always on for public clients).
    bool require_pkce = false;
    /// Overrides the server's refresh-token rotation policy for this client.
    std::optional<refresh_rotation> rotation;
    /// May introspect any token (a resource server); otherwise only its own tokens (RFC 7662 2.1).
    bool may_introspect_any = false;
    /** Authorization requests for this client must come through the PAR endpoint (RFC 9126 6);
        refused while the server has no `par_path`. */
    bool require_pushed_authorization_requests = false;
    /// Must use DPoP (RFC 9449 5.2 `dpop_bound_access_tokens`): a token request without a proof is refused.
    bool dpop_bound_access_tokens = false;

    /// Whether the client may use `grant_type`.
    bool allows_grant(std::string_view grant_type) const noexcept
    {
        for(auto const& g : grant_types)
            if(g == grant_type)
                return true;
        return false;
    }

    /// True when the client has no secret.
    bool is_public() const noexcept { return secret_hash.empty(); }
};

/// Who signed in: what a @ref user_authenticator returns.
struct user_identity
{
    /// Stable account identifier: the token's subject and Seam's `user_id`. Never an email.
    std::string subject;
    /// Shown on the consent page ("Signed in as ...").
    std::string display_name;
};

/// A validated authorization request (RFC 6749 4.1.1), ready for sign-in and code issuance.
struct authorization_request
{
    std::shared_ptr<beast_oauth::client const> client;
    /// The redirect URI to answer to: the one sent, or the client's only registration.
    std::string redirect_uri;
    /// Whether redirect_uri was in the request (then the token request must repeat it, RFC 6749 4.1.3).
    bool redirect_uri_sent = false;
    /// Opaque client state, echoed exactly (RFC 6749 4.1.2).
    std::string state;
    bool has_state = false;
    /// Scope that will be granted (space-separated).
    std::string scope;
    /// Whether the granted scope differs from the requested one (RFC 6749 5.1: then the response says it).
    bool scope_changed = false;
    /// PKCE (RFC 7636 4.3); empty when not used.
    std::string code_challenge;
    std::string code_challenge_method;
    /// `prompt=login`: the owner must sign in again even with a session (OIDC Core 3.1.2.1).
    bool prompt_login = false;
    /** From a pushed request (RFC 9126): the request_uri as sent, its single-use id (claimed when
        the code is issued) and its expiry; `par_id` empty otherwise. */
    std::string request_uri;
    std::string par_id;
    time_point par_expires_at{};
};

/// What a code store keeps for an authorization code (keyed by the code's signature, never the code).
struct code_record
{
    std::string signature;
    /// Links the code to every token issued from it (for replay revocation).
    std::string grant_id;
    std::string client_id;
    std::string subject;
    std::string scope;
    bool scope_changed = false;
    std::string redirect_uri;
    bool redirect_uri_sent = false;
    std::string code_challenge;
    std::string code_challenge_method;
    time_point issued_at{};
    time_point expires_at{};
};

/// Kind of a stored token.
enum class token_kind : unsigned char
{
    access,
    refresh
};

/// What a token store keeps for a token (keyed by its signature, never the token).
struct token_record
{
    std::string signature;
    token_kind kind = token_kind::access;
    std::string grant_id;
    std::string client_id;
    std::string subject;
    std::string scope;
    time_point issued_at{};
    /// time_point::max() for tokens that do not expire.
    time_point expires_at{};
    /// Refresh tokens: when the token was rotated (replaced by a successor); epoch while current.
    time_point rotated_at{};
    /// DPoP-bound (RFC 9449 6): the RFC 7638 thumbprint of the key (`cnf.jkt`); empty: a bearer token.
    std::string jkt;
};

} // namespace beast_oauth

#endif
