#ifndef BEAST_OAUTH_AUDIT_HPP
#define BEAST_OAUTH_AUDIT_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/model.hpp>
#include <string_view>

namespace beast_oauth {

/// Security-relevant events delivered to `server_options::audit`.
enum class audit_event_type
{
    sign_in_succeeded,
    sign_in_failed,
    code_issued,
    token_issued,
    code_replay_detected,
    refresh_reuse_detected,
    client_authentication_failed,
    token_revoked,
    rate_limited,
    /// A grant was ended through @ref grant_manager; `actor` says who asked.
    grant_revoked
};

/** Who asked for a revocation (`audit_event::actor`). Added after the first release: the
    events that existed before carry `none`, except the replay rules' own revocations. */
enum class revocation_actor
{
    /// Not a revocation, or not said.
    none,
    /// The resource owner (a "Connected apps" page, a password change, "sign out everywhere").
    owner,
    /// The vendor: support desk, admin tool, an account event of its own (a compromised client).
    vendor_admin,
    /// The library's replay rules: a replayed code (RFC 6749 4.1.2) or a reused rotated
    /// refresh token (RFC 9700 4.14.2).
    replay_rule
};

/// Stable name of an event type ("sign_in_failed", ...), for logs.
BEAST_OAUTH_DECL std::string_view audit_event_name(audit_event_type t) noexcept;

/// Stable name of an actor ("owner", "vendor_admin", "replay_rule"; "" for `none`), for logs.
BEAST_OAUTH_DECL std::string_view revocation_actor_name(revocation_actor a) noexcept;

/** One audit event. Never carries a secret, password, code or token: only
    identifiers (client id, subject, username as typed, address, grant id).

    The views are valid only during the callback; copy what you keep.
*/
struct audit_event
{
    audit_event_type type;
    time_point time;
    std::string_view client_id;
    /// The account's stable id, when known.
    std::string_view subject;
    /// The username typed on the sign-in page (sign-in events and rate limits), as typed.
    std::string_view username;
    /// The remote address passed in the request_context, if any.
    std::string_view remote_address;
    /// Grant the event concerns (issuance, replay, reuse, revocation).
    std::string_view grant_id;
    /// Short reason ("wrong credentials", "grant revoked", the throttled key's kind...).
    std::string_view detail;
    /** Who asked, for events that revoke a grant: `grant_revoked`, and `replay_rule` on
        `code_replay_detected` and `refresh_reuse_detected`. Last member, so code that
        builds events positionally keeps compiling. */
    revocation_actor actor = revocation_actor::none;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/audit.ipp>
#endif

#endif
