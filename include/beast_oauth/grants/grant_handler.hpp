#ifndef BEAST_OAUTH_GRANTS_GRANT_HANDLER_HPP
#define BEAST_OAUTH_GRANTS_GRANT_HANDLER_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/core.hpp>
#include <beast_oauth/failure.hpp>
#include <beast_oauth/params.hpp>
#include <beast_oauth/store_op.hpp>
#include <beast_oauth/token_strategy.hpp>
#include <boost/asio/coroutine.hpp>
#include <memory>
#include <string>
#include <string_view>

namespace beast_oauth {

/// A successful token response (RFC 6749 5.1), before it is written as JSON.
struct token_response
{
    std::string access_token;
    long long expires_in = 0;
    /// Empty: no refresh token.
    std::string refresh_token;
    /// The granted scope.
    std::string scope;
    /// RFC 6749 5.1: the response names the scope when it differs from the request.
    bool scope_changed = false;
    /// The resource owner (Seam's `user_id`); for client_credentials, the client.
    std::string subject;
    /// The grant the tokens belong to (for the audit event).
    std::string grant_id;
    /// The access token is DPoP-bound (RFC 9449 5): `token_type` is `DPoP`.
    bool dpop_bound = false;
};

/** Makes tokens for grants: access-token records and tokens in the configured format,
    refresh-token lifetimes, and the per-grant cap.

    @par Thread Safety
    Immutable; safe to share.
*/
class token_issuer
{
public:
    BEAST_OAUTH_DECL token_issuer(std::shared_ptr<server_core const> core, std::shared_ptr<token_strategy const> strategy);

    server_core const& core() const noexcept { return *core_; }
    token_strategy const& strategy() const noexcept { return *strategy_; }

    /// An access-token record for the grant, issued now, expiring after `access_token_ttl`.
    BEAST_OAUTH_DECL token_record access_record(std::string_view client_id, std::string_view subject,
                                                std::string_view scope, std::string_view grant_id) const;
    /// The expiry of a refresh token issued now to `c` (public clients: `public_refresh_token_ttl`).
    BEAST_OAUTH_DECL time_point refresh_expiry(client const& c, time_point now) const;
    /** After a refresh: the store call that bounds the grant's live access tokens
        (`revoke_access_tokens_on_refresh` or `max_access_tokens_per_grant`); false when none. */
    BEAST_OAUTH_DECL bool limit_access_tokens(token_record const& issued, store_op& op) const;

private:
    std::shared_ptr<server_core const> core_;
    std::shared_ptr<token_strategy const> strategy_;
};

/// What a grant handler gets: one authenticated token request.
struct grant_request
{
    /// The grant_type (inferred `authorization_code` in the Seam profile when absent).
    std::string_view grant_type;
    /// The request's parameters.
    param_list const& params;
    /// The authenticated client (allowed this grant type).
    client const& authenticated_client;
    request_context const& ctx;
    /// Makes and describes tokens.
    token_issuer const& issuer;
    /** The JWK thumbprint of the request's valid DPoP proof (RFC 9449 5), empty without one:
        bind the access token to it (`token_record::jkt`) and set `token_response::dpop_bound`. */
    std::string_view dpop_jkt = {};
    /** The request's time, read once by the token handler: compare expiries and stamp the
        issued tokens with it (one clock read per request). Unset (the epoch): read the clock. */
    time_point now = {};
};

/** One token request in progress: a sans-io algorithm. `step()` returns the next store call
    (see @ref store_op) or null when `result()` is ready. */
class grant_algorithm
{
public:
    virtual ~grant_algorithm() = default;
    virtual store_op* step() = 0;
    virtual oauth_result<token_response>& result() noexcept = 0;
};

/** A base for grant algorithms written as stackless coroutines (`BOOST_ASIO_CORO_REENTER`):
    the request, one store_op slot, the access token being issued, the result, `done(failure)`
    and `succeed(...)`. */
class grant_algorithm_base : public grant_algorithm, protected boost::asio::coroutine
{
public:
    oauth_result<token_response>& result() noexcept override { return result_; }

protected:
    explicit grant_algorithm_base(grant_request const& r) noexcept
        : r_(r)
        , core_(r.issuer.core())
    {
    }
    /// The request's time (@ref grant_request::now), or the clock's when the request has none.
    time_point now() const { return r_.now != time_point{} ? r_.now : core_.now(); }
    /// Sets the failure; returns null (the algorithm is done).
    store_op* done(oauth_failure f)
    {
        result_ = std::move(f);
        return nullptr;
    }
    /// Starts `at_`: an access token of the grant, bound to the request's DPoP key (RFC 9449 5).
    BEAST_OAUTH_DECL void begin_access_token(std::string_view client_id, std::string_view subject,
                                             std::string_view scope, std::string_view grant_id);
    /// Mints `at_` as a fresh token into the response and returns the store call that saves it.
    BEAST_OAUTH_DECL store_op* save_access_token();
    /** The success (RFC 6749 5.1) for `at_`: its lifetime, `scope`, subject and grant, with
        `refresh_token` (empty: none); returns null (the algorithm is done). `at_`'s subject
        and grant id move into the response, so call it after `at_` is saved. */
    BEAST_OAUTH_DECL store_op* succeed(std::string_view scope, bool scope_changed, std::string refresh_token = {});

    grant_request const& r_;
    server_core const& core_;
    store_op op_;
    token_record at_;
    token_response out_;
    oauth_result<token_response> result_{boost::system::in_place_error}; // a default failure, built in place
};

/** A grant type the token endpoint dispatches to (RFC 6749 4, 6; extensions per RFC 6749 4.5).

    Register one with @ref token_handler::add_grant (or `authorization_server::add_grant`).
    The built-in ones are `authorization_code_grant` and `refresh_token_grant`; for a grant that
    decides from the request alone (e.g. client_credentials, RFC 6749 4.4) derive from
    @ref simple_grant.

    @par Thread Safety
    `start` is called concurrently: keep the handler immutable.
*/
class grant_handler
{
public:
    virtual ~grant_handler() = default;
    /// The `grant_type` value this handler answers (an absolute URI for extensions).
    virtual std::string_view grant_type() const noexcept = 0;
    /// Starts one request; `r` (and what it refers to) outlives the returned algorithm.
    virtual std::unique_ptr<grant_algorithm> start(grant_request const& r) const = 0;
};

/// What a @ref simple_grant decides: whose token, with which scope.
struct grant_decision
{
    std::string subject;
    std::string scope;
    bool scope_changed = false;
};

/** A grant that decides from the request alone, then gets one access token (no refresh
    token) issued and stored by the library: implement `decide`.

    @code
    class client_credentials_grant : public beast_oauth::simple_grant
    {
        std::string_view grant_type() const noexcept override { return "client_credentials"; }
        beast_oauth::oauth_result<beast_oauth::grant_decision> decide(beast_oauth::grant_request const& r) const override
        {
            return beast_oauth::grant_decision{r.authenticated_client.client_id, r.authenticated_client.default_scope};
        }
    };
    @endcode
*/
class simple_grant : public grant_handler
{
public:
    /// The decision, or the failure to answer with.
    virtual oauth_result<grant_decision> decide(grant_request const& r) const = 0;
    BEAST_OAUTH_DECL std::unique_ptr<grant_algorithm> start(grant_request const& r) const override;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/grants/impl/grant_handler.ipp>
#endif

#endif
