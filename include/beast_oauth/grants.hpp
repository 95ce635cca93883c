#ifndef BEAST_OAUTH_GRANTS_HPP
#define BEAST_OAUTH_GRANTS_HPP

/** @file
    Grants as records: what one owner allowed one client, from the code exchange on.

    A grant is the authorization an owner gave a client (RFC 6749 1.3): every code,
    access token and refresh token issued from one sign-in shares its `grant_id`.
    @ref beast_oauth::grant_store lists and ends grants by owner or by client; @ref beast_oauth::grant_manager
    (grant_manager.hpp) puts the audit trail and the client names on top.
*/

#include <beast_oauth/model.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beast_oauth {

/** `last_used_at` is written at most once per this interval per grant, so that a client
    refreshing in a loop costs no extra write. The stores compare the stored value inside
    the grant write that every token save already makes. */
inline constexpr std::chrono::seconds grant_last_used_resolution{60};

/// What a @ref grant_store keeps for a grant.
struct grant_record
{
    std::string grant_id;
    /// The owner who authorized it (the tokens' subject).
    std::string subject;
    std::string client_id;
    /// The scope granted at the code exchange (a refresh may narrow an access token, never this).
    std::string scope;
    /// When its first token was saved (the code exchange).
    time_point created_at{};
    /// When its latest token was issued (a refresh), to within @ref grant_last_used_resolution.
    time_point last_used_at{};
    /// When it was revoked; the epoch while it is active.
    time_point revoked_at{};
    /// The latest expiry of its tokens (`time_point::max()`: a refresh token that never expires).
    time_point expires_at{};

    bool revoked() const noexcept { return revoked_at != time_point{}; }
};

/** Lists and ends grants by owner or by client (issue 14: "Connected apps", "sign out of
    all devices", a compromised client secret).

    The shipped stores (`memory_store`, `sqlite_store`, `postgres_store`) implement it beside
    @ref token_store; a grant record is created by the first `save_token` of a grant (the
    code exchange) from the token's subject, client and scope, and its `last_used_at`
    follows later saves (refreshes). Ending one grant is @ref token_store::revoke_grant.

    Rules every implementation keeps (the conformance suite checks them):
    - A revocation is one atomic step per grant: afterwards no token of the grant is found,
      every later `save_token` and `rotate_refresh_token` for it is refused, however the
      calls interleave.
    - It also ends codes in flight: the grants of the owner's (client's) stored codes, used
      or not, are revoked too, and unused codes are deleted, so a code issued before the
      revocation never yields a working token. (Self-contained JWT codes are not stored:
      one issued before a bulk revocation still redeems until it expires, at most
      `server_options::code_ttl`.)

    @store_contract
*/
class grant_store
{
public:
    virtual ~grant_store() = default;

    /// The owner's grants that are neither revoked nor expired, oldest first.
    virtual std::vector<grant_record> list_grants(std::string_view subject) const = 0;

    /// One grant (revoked ones too, until swept), or nullopt when unknown.
    virtual std::optional<grant_record> find_grant(std::string_view grant_id) const = 0;

    /** Revokes every grant of an owner, and of the owner's codes in flight.
        @return the grants this call revoked (not those revoked before), with `revoked_at` set */
    virtual std::vector<grant_record> revoke_subject_grants(std::string_view subject) = 0;

    /** Revokes every grant of a client, and of the client's codes in flight.
        @return the grants this call revoked, with `revoked_at` set */
    virtual std::vector<grant_record> revoke_client_grants(std::string_view client_id) = 0;
};

} // namespace beast_oauth

#endif
