#ifndef BEAST_OAUTH_STORAGE_HPP
#define BEAST_OAUTH_STORAGE_HPP

#include <beast_oauth/model.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <optional>
#include <stdexcept>
#include <string_view>

/** @file
    The store interfaces the endpoints call. Every one shares one failure contract
    (the Doxygen aliases `store_exception_safety` and `store_contract`, which adds "safe to call
    from many threads at once", in docs/Doxyfile.in): a store reports failure by
    throwing, @ref beast_oauth::store_unavailable "store_unavailable" when its backend cannot be
    reached (503 + Retry-After) and anything else for a server_error; a call that throws must
    have changed nothing; the endpoints never let the exception reach the transport.
*/

namespace beast_oauth {

/** Thrown by a store whose backend cannot be reached right now: connection
    refused or lost, no pooled connection free in time, the database busy or
    shutting down.

    The endpoints answer `temporarily_unavailable` (HTTP 503) with
    `Retry-After: retry_after()` instead of `server_error` (RFC 6749 4.1.2.1,
    5.2), and pass `what()` to the log hook only. A store throwing it must
    have written nothing for the failed call (roll the transaction back).
*/
class store_unavailable : public std::runtime_error
{
public:
    explicit store_unavailable(std::string const& what,
                               std::chrono::seconds retry_after = std::chrono::seconds(5))
        : std::runtime_error(what)
        , retry_after_(retry_after)
    {
    }

    /// The client's hint for when to retry.
    std::chrono::seconds retry_after() const noexcept { return retry_after_; }

private:
    std::chrono::seconds retry_after_;
};

/** Looks up registered clients.

    @par Thread Safety
    Implementations must be safe to call from many threads at once.
    Any exception thrown becomes a `server_error` response (@ref beast_oauth::store_unavailable "store_unavailable":
    `temporarily_unavailable`); its text is never sent.
    @store_exception_safety
*/
class client_store
{
public:
    virtual ~client_store() = default;
    /// The client, or nullptr when unknown.
    virtual std::shared_ptr<client const> find_client(std::string_view client_id) const = 0;
};

/// Outcome of @ref beast_oauth::code_store::consume_code "code_store::consume_code".
enum class consume_status
{
    /// First use: the record is returned and the code can never be used again.
    consumed,
    /// No such code (never issued, or long forgotten).
    not_found,
    /// The code was already used: a replay. `record.grant_id` names the grant to revoke.
    already_used
};

/// Result of @ref beast_oauth::code_store::consume_code "code_store::consume_code".
struct consume_result
{
    consume_status status = consume_status::not_found;
    /// Filled for `consumed`; for `already_used` at least `grant_id`.
    code_record record;
};

/** Keeps authorization codes, keyed by signature.

    @store_contract
*/
class code_store
{
public:
    virtual ~code_store() = default;
    /// Stores a new code.
    virtual void save_code(code_record const& record) = 0;
    /** Atomically marks a code used and returns it (RFC 6749 4.1.2: single use).

        Exactly one of any number of concurrent calls for the same signature
        may return `consumed`. Implementations should remember a used code
        at least until it expires, so that a replay is reported as
        `already_used` (RFC 6749 4.1.2: revoke the tokens issued from it).
    */
    virtual consume_result consume_code(std::string_view signature) = 0;

    /** Single-use guard for self-contained (JWT) codes, which are never saved.

        Atomically records `jti` as used: the first call returns `consumed`,
        later ones `already_used` with `record.grant_id` (remember the jti at
        least until `expires_at`). The default throws: stores that should
        accept JWT codes override it.
    */
    virtual consume_result claim_code(std::string_view jti, std::string_view grant_id,
                                      time_point expires_at)
    {
        (void)jti;
        (void)grant_id;
        (void)expires_at;
        throw std::logic_error("beast_oauth: this code_store does not support self-contained codes");
    }
};

/// Outcome of @ref beast_oauth::token_store::rotate_refresh_token "token_store::rotate_refresh_token".
enum class rotate_status
{
    /// First rotation: the old token is marked rotated, the successors are stored.
    rotated,
    /// The old token was already rotated less than `grace` ago: the successors exist.
    in_grace,
    /// The old token was rotated longer ago than `grace`: a reuse. The caller revokes the grant.
    reused,
    /// Unknown, expired or revoked.
    not_found
};

/// Arguments of @ref beast_oauth::token_store::rotate_refresh_token "token_store::rotate_refresh_token".
struct refresh_rotation_request
{
    /// Signature of the refresh token being used.
    std::string_view old_signature;
    /// Rotation time; becomes the old token's `rotated_at`.
    time_point now{};
    /// How long a rotated token keeps working.
    std::chrono::seconds grace{60};
    /// Successors, stored only on `rotated`.
    token_record const* new_access = nullptr;
    token_record const* new_refresh = nullptr;
};

/** The rule every @ref beast_oauth::token_store::rotate_refresh_token "rotate_refresh_token"
    applies to a refresh token that was already rotated (RFC 9700 4.14.2): `in_grace` within
    `request.grace` of its rotation (a client retrying a response it lost), else `reused` (the
    caller revokes the grant). nullopt when `old` was never rotated. For store implementations. */
inline std::optional<rotate_status> already_rotated(refresh_rotation_request const& request,
                                                    token_record const& old) noexcept
{
    if(old.rotated_at == time_point{})
        return std::nullopt;
    return request.now - old.rotated_at <= request.grace ? rotate_status::in_grace : rotate_status::reused;
}

/// Outcome of @ref beast_oauth::token_store::claim_dpop_jti "token_store::claim_dpop_jti".
enum class dpop_jti_status
{
    /// First use: the proof is remembered until its expiry.
    claimed,
    /// Seen before and not yet expired: a replayed proof (RFC 9449 11.1).
    replayed,
    /// The cache holds `capacity` live entries: a new proof is refused (retryable), nothing is evicted.
    full
};

/** Keeps access and refresh tokens, keyed by signature.

    @store_contract
*/
class token_store
{
public:
    virtual ~token_store() = default;
    /** Stores a token.

        @return false when the token's grant was revoked (e.g. its code was
        replayed while this token was being issued); the token must then not
        be stored, and it must never validate.
    */
    virtual bool save_token(token_record const& record) = 0;
    /// The token, or nullptr when unknown or revoked. Expiry is checked by the caller.
    virtual std::shared_ptr<token_record const> find_token(std::string_view signature) const = 0;
    /// Revokes every token of a grant, and refuses tokens saved for it afterwards.
    virtual void revoke_grant(std::string_view grant_id) = 0;
    /// Revokes one token (RFC 7009 for an access token). Unknown signatures are ignored.
    virtual void revoke_token(std::string_view signature) = 0;
    /** Rotates a refresh token in one atomic step (RFC 9700 4.14.2).

        Under one lock or transaction: if the old token is current, set its
        `rotated_at = now` and store both successors (`rotated`); if it was
        rotated at most `grace` ago, store nothing (`in_grace`, `old_out` set
        so the caller can recompute the successors); if longer ago, `reused`.
        Must return `not_found` when the grant was revoked.

        @param request the old token's signature, the time, the grace period and the successors
        @param old_out receives the old token's record (for `rotated`, `in_grace` and `reused`)
    */
    virtual rotate_status rotate_refresh_token(refresh_rotation_request const& request,
                                               std::shared_ptr<token_record const>& old_out) = 0;
    /// Revokes a grant's access tokens except `keep_signature` (the `revoke_access_tokens_on_refresh` option).
    virtual void revoke_access_tokens(std::string_view grant_id, std::string_view keep_signature) = 0;
    /** Keeps at most `keep` of a grant's live access tokens, revoking the oldest (by
        `issued_at`) beyond it. Called after every refresh (`max_access_tokens_per_grant`), so
        a client refreshing in a loop cannot grow the store. The default does nothing: a
        store that does not override it grows by one live access token per refresh until
        they expire. The shipped stores override it.
    */
    virtual void trim_access_tokens(std::string_view grant_id, std::size_t keep)
    {
        (void)grant_id;
        (void)keep;
    }
    /** The DPoP replay cache (RFC 9449 11.1): atomically records `key` (a hash of the proof's
        key thumbprint and `jti`) until `expires_at`. The first call returns `claimed`, later
        ones until `expires_at` `replayed`. Entries past their expiry are purged; when
        `capacity` live entries are kept, a new key gets `full` (never evict a live entry: that
        would let its proof be replayed). Instances sharing the store share the cache.
        The default throws `std::logic_error`: a store that should accept DPoP overrides it.
    */
    virtual dpop_jti_status claim_dpop_jti(std::string_view key, time_point expires_at, std::size_t capacity)
    {
        (void)key;
        (void)expires_at;
        (void)capacity;
        throw std::logic_error("beast_oauth: this token_store has no DPoP replay cache");
    }
    /** True when stored tokens outlive the process (a database). `authorization_server` then
        refuses to start without `server_options::secret_key` (or `ephemeral_secret_key`): a
        random per-process key would invalidate every stored token at the next restart.
        Override it in a durable store of your own. */
    virtual bool is_durable() const noexcept { return false; }
};

/** Checks a resource owner's credentials (the vendor's account system).

    @par Thread Safety
    Must be safe to call from many threads at once. May block (the async
    glue runs it off the I/O threads).
    @store_exception_safety
*/
class user_authenticator
{
public:
    virtual ~user_authenticator() = default;
    /// The identity when the credentials are right, else nullopt.
    virtual std::optional<user_identity> authenticate(std::string_view username,
                                                      std::string_view password) const = 0;
};

} // namespace beast_oauth

#endif
