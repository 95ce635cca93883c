#ifndef BEAST_OAUTH_GRANT_MANAGER_HPP
#define BEAST_OAUTH_GRANT_MANAGER_HPP

/** @file
    What an owner has connected, and ending it: the owner's "Connected apps" page, "sign out
    of all devices", a password reset, a compromised client secret.
*/

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <exception>
#include <type_traits>
#include <beast_oauth/audit.hpp>
#include <beast_oauth/config.hpp>
#include <beast_oauth/grants.hpp>
#include <beast_oauth/server.hpp>
#include <beast_oauth/storage.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace beast_oauth {

/// One application an owner has connected, as a "Connected apps" page shows it.
struct connected_app
{
    std::string grant_id;
    std::string client_id;
    /// The client's display name (`client::name`); its id when the client is gone.
    std::string client_name;
    /// Granted scope, space-separated (RFC 6749 3.3).
    std::string scope;
    /// The code exchange.
    time_point connected_at{};
    /// The latest token issued (a refresh), to within @ref grant_last_used_resolution.
    time_point last_used_at{};
};

/** Lists and ends an owner's grants, and every grant of a client, with an audit event
    (`grant_revoked`, with `actor`) for each grant ended.

    A revocation takes effect at once for refresh tokens (the next refresh gets
    `invalid_grant`), for opaque access tokens and for JWT access tokens while
    `server_options::jwt_check_revocation` is on (the bearer check then finds no record of
    the jti and answers 401), and for codes in flight (a code issued before it never yields
    a working token). With `jwt_check_revocation = false` a JWT access token is checked by
    signature only and keeps working until it expires (`access_token_ttl`); so does a
    self-contained JWT code issued before a bulk revocation, until its `code_ttl` ends.

    Vendors wire their own account events to it: a password reset or "sign out of all
    devices" calls @ref revoke_subject_grants; a support desk or a compromised client secret
    @ref revoke_grant or @ref revoke_client_grants with `revocation_actor::vendor_admin`.

    @par Thread Safety
    Every member function is const and safe to call from many threads at once (the stores
    synchronize). The calls block on the store: from an async server, call them off the I/O
    threads (as the endpoints' `async_handle_request` does).

    @par Exception Safety
    Store exceptions propagate (`store_unavailable` when the database cannot be reached);
    a store call that throws has revoked nothing. An exception from the audit hook also
    propagates, after the revocation took effect.
*/
class grant_manager
{
public:
    /** @param server the server whose grants these are: its audit hook and clock
        @param grants the grant store (the shipped stores are all four interfaces)
        @param tokens the server's token store (`revoke_grant`)
        @param clients the server's client store (the names shown)

        The stores and the server must outlive the manager.
    */
    BEAST_OAUTH_DECL grant_manager(authorization_server const& server, grant_store& grants,
                                   token_store& tokens, client_store const& clients);

    /** The owner's live grants (neither revoked nor expired), oldest first.

        @par Complexity
        One store query, plus one client lookup per distinct client (the stores cache clients).
    */
    BEAST_OAUTH_DECL std::vector<connected_app> list_grants(std::string_view subject) const;

    /** Ends one grant: its tokens stop working, its refresh token gets `invalid_grant`.

        @param grant_id the grant (from @ref list_grants or an audit event)
        @param by who asks; `owner` requires `subject`
        @param subject when not empty, the grant is revoked only if it belongs to this owner
        (always pass it when the owner asks: a grant id from a form must not end someone
        else's grant)
        @param ctx the asker's address, for the audit event
        @return true when the grant was found (belonging to `subject`, when given) and
        revoked, or was already revoked; false when unknown or someone else's
        @throws std::invalid_argument when `by` is `owner` and `subject` is empty
    */
    BEAST_OAUTH_DECL bool revoke_grant(std::string_view grant_id, revocation_actor by,
                                       std::string_view subject = {},
                                       request_context const& ctx = {}) const;

    /** Ends every grant of an owner and the owner's codes in flight: a password reset,
        "sign out of all devices", a closed account.

        @return how many grants this call revoked
        @throws std::invalid_argument when `subject` is empty
    */
    BEAST_OAUTH_DECL std::size_t revoke_subject_grants(std::string_view subject, revocation_actor by,
                                                       request_context const& ctx = {}) const;

    /** Ends every grant of a client and its codes in flight: a leaked client secret, a
        client being removed. Rotate the client's secret too, or it can start new grants.

        @return how many grants this call revoked
        @throws std::invalid_argument when `client_id` is empty
    */
    BEAST_OAUTH_DECL std::size_t revoke_client_grants(std::string_view client_id,
                                                      revocation_actor by = revocation_actor::vendor_admin,
                                                      request_context const& ctx = {}) const;

private:
    void audit_revoked(grant_record const& g, revocation_actor by, request_context const& ctx,
                       std::string_view detail) const;

    authorization_server const& server_;
    grant_store& grants_;
    token_store& tokens_;
    client_store const& clients_;
};

/** Runs a @ref grant_manager call on `work_executor` (the stores block) and completes with its
    result through the handler's associated executor: `void(std::exception_ptr, R)` where `R` is
    what `fn(manager)` returns. Works with callbacks, `use_awaitable` and `use_future`.

    @code
    auto n = co_await beast_oauth::async_grant_call(manager,
        [&](auto const& m) { return m.revoke_subject_grants(subject, beast_oauth::revocation_actor::owner); },
        pool.get_executor(), asio::use_awaitable);
    @endcode
*/
template<class Fn, class Executor, class CompletionToken>
auto async_grant_call(grant_manager const& manager, Fn fn, Executor work_executor, CompletionToken&& token)
{
    using result_t = std::invoke_result_t<Fn&, grant_manager const&>;
    return boost::asio::async_initiate<CompletionToken, void(std::exception_ptr, result_t)>(
        [&manager](auto handler, Fn f, Executor ex) {
            auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler, ex));
            boost::asio::post(ex, [&manager, f = std::move(f), handler = std::move(handler), work = std::move(work)]() mutable {
                std::exception_ptr ep;
                result_t r{};
                try
                {
                    r = f(manager);
                }
                catch(...)
                {
                    ep = std::current_exception();
                }
                auto handler_ex = work.get_executor();
                boost::asio::post(handler_ex, [handler = std::move(handler), ep, r = std::move(r)]() mutable {
                    std::move(handler)(ep, std::move(r));
                });
            });
        },
        token, std::move(fn), std::move(work_executor));
}

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/grant_manager.ipp>
#endif

#endif
