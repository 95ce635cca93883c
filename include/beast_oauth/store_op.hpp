#ifndef BEAST_OAUTH_STORE_OP_HPP
#define BEAST_OAUTH_STORE_OP_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/storage.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

namespace beast_oauth {

/** One store call an endpoint needs before it can go on (the sans-io seam).

    The endpoint algorithms never call a store themselves: they stop and hand
    out a `store_op`, a driver performs it (synchronously with @ref perform on a
    @ref store_set, or asynchronously on an @ref async_store_set) and resumes
    them. So one implementation of each endpoint serves blocking stores, a
    thread pool, and asynchronous database clients on one I/O thread.

    The arguments point into the algorithm that asked, and stay valid until it
    is resumed. The driver fills the result member that belongs to `what`.
*/
struct store_op
{
    /// Which store function to call.
    enum class kind : unsigned char
    {
        find_client,          ///< clients.find_client(key) -> client
        save_code,            ///< codes.save_code(*code)
        consume_code,         ///< codes.consume_code(key) -> consumed
        claim_code,           ///< codes.claim_code(key, key2, expires_at) -> consumed
        save_token,           ///< tokens.save_token(*token) -> saved
        find_token,           ///< tokens.find_token(key) -> found
        revoke_grant,         ///< tokens.revoke_grant(key)
        revoke_token,         ///< tokens.revoke_token(key)
        rotate_refresh_token, ///< tokens.rotate_refresh_token(*rotation, found) -> rotated, found
        revoke_access_tokens, ///< tokens.revoke_access_tokens(key, key2)
        trim_access_tokens,   ///< tokens.trim_access_tokens(key, keep)
        authenticate,         ///< users.authenticate(key, key2) -> user
        claim_dpop_jti        ///< tokens.claim_dpop_jti(key, expires_at, keep) -> jti
    };

    kind what = kind::find_client;
    /// client_id, signature, jti, grant_id or username.
    std::string_view key;
    /// claim_code: the grant id; revoke_access_tokens: the signature to keep; authenticate: the password.
    std::string_view key2;
    /// claim_code: how long the jti must be remembered.
    time_point expires_at{};
    /// trim_access_tokens: how many to keep; claim_dpop_jti: the cache's capacity.
    std::size_t keep = 0;
    code_record const* code = nullptr;
    token_record const* token = nullptr;
    refresh_rotation_request const* rotation = nullptr;

    /// Result of find_client.
    std::shared_ptr<beast_oauth::client const> client;
    /** Result of consume_code and claim_code (empty until a driver performs one: a
        code_record of eight strings, built only by the operations that return it). */
    std::optional<consume_result> consumed;
    /// `consumed`'s status, `not_found` when no driver filled it.
    consume_status consumed_status() const noexcept { return consumed ? consumed->status : consume_status::not_found; }
    /// Result of save_token.
    bool saved = false;
    /// Result of find_token; rotate_refresh_token's old token.
    std::shared_ptr<token_record const> found;
    /// Result of rotate_refresh_token.
    rotate_status rotated = rotate_status::not_found;
    /// Result of authenticate.
    std::optional<user_identity> user;
    /// Result of claim_dpop_jti.
    dpop_jti_status jti = dpop_jti_status::claimed;

    /// Back to a default-constructed op for the next call, without building a temporary.
    void reset() noexcept
    {
        consumed.reset();
        user.reset();
        what = kind::find_client;
        key = {};
        key2 = {};
        expires_at = {};
        keep = 0;
        code = nullptr;
        token = nullptr;
        rotation = nullptr;
        client.reset();
        saved = false;
        found.reset();
        rotated = rotate_status::not_found;
        jti = dpop_jti_status::claimed;
    }
};

/** The synchronous stores of a server. Any may be null when the server only runs
    asynchronously (@ref async_store_set); then the synchronous entry points throw. */
struct store_set
{
    client_store* clients = nullptr;
    code_store* codes = nullptr;
    token_store* tokens = nullptr;
    user_authenticator const* users = nullptr;
};

/** Performs `op` on synchronous stores.

    @par Exception Safety
    What the store throws propagates; `std::logic_error` when the store needed is null.
*/
BEAST_OAUTH_DECL void perform(store_op& op, store_set const& stores);

/** Runs an endpoint algorithm to completion on synchronous stores: `algo.step()`
    returns the next store_op, or null when done. */
template<class Algorithm>
void run_sync(Algorithm& algo, store_set const& stores)
{
    while(store_op* op = algo.step())
        perform(*op, stores);
}

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/store_op.ipp>
#endif

#endif
