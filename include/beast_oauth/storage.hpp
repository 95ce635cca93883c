#ifndef BEAST_OAUTH_STORAGE_HPP
#define BEAST_OAUTH_STORAGE_HPP

#include <beast_oauth/model.hpp>
#include <memory>
#include <optional>
#include <string_view>

namespace beast_oauth {

/** Looks up registered clients.

    @par Thread Safety
    Implementations must be safe to call from many threads at once.
    Any exception thrown becomes a `server_error` response; its text is never sent.
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

/// Result of @ref code_store::consume_code.
struct consume_result
{
    consume_status status = consume_status::not_found;
    /// Filled for `consumed`; for `already_used` at least `grant_id`.
    code_record record;
};

/** Keeps authorization codes, keyed by signature.

    @par Thread Safety
    Implementations must be safe to call from many threads at once.
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
};

/** Keeps access and refresh tokens, keyed by signature.

    @par Thread Safety
    Implementations must be safe to call from many threads at once.
*/
class token_store
{
public:
    virtual ~token_store() = default;
    /** Stores a token.

        @return false when the token's grant was revoked (e.g. its code was
        replayed while this token was being issued); the token must then not
        be stored, and the server refuses to hand it out.
    */
    virtual bool save_token(token_record const& record) = 0;
    /// The token, or nullptr when unknown or revoked. Expiry is checked by the caller.
    virtual std::shared_ptr<token_record const> find_token(std::string_view signature) const = 0;
    /// Revokes every token of a grant, and refuses tokens saved for it afterwards.
    virtual void revoke_grant(std::string_view grant_id) = 0;
};

/** Checks a resource owner's credentials (the vendor's account system).

    @par Thread Safety
    Must be safe to call from many threads at once. May block (the async
    glue runs it off the I/O threads).
*/
class user_authenticator
{
public:
    virtual ~user_authenticator() = default;
    /// The identity when the credentials are right, else nullopt.
    virtual std::optional<user_identity> authenticate(std::string_view username,
                                                      std::string_view password) = 0;
};

} // namespace beast_oauth

#endif
