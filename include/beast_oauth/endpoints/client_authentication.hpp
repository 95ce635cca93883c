#ifndef BEAST_OAUTH_ENDPOINTS_CLIENT_AUTHENTICATION_HPP
#define BEAST_OAUTH_ENDPOINTS_CLIENT_AUTHENTICATION_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/core.hpp>
#include <beast_oauth/failure.hpp>
#include <beast_oauth/params.hpp>
#include <beast_oauth/store_op.hpp>
#include <boost/asio/coroutine.hpp>
#include <memory>
#include <string>

namespace beast_oauth {

/// A client-authenticated request (token, revocation, introspection endpoints).
struct client_request
{
    /// The form (or, in the Seam profile's token endpoint, JSON) parameters.
    param_list params;
    /// The authenticated client.
    std::shared_ptr<beast_oauth::client const> client;
};

/// Client credentials as presented, before any store is asked.
struct client_credentials
{
    std::string client_id;
    std::string client_secret;
    bool has_secret = false;
};

/** Reads a POST to a client-authenticated endpoint without touching a store: method, body
    size, media type, parameters (RFC 6749 3.1: no repeats), and the credentials from
    `Authorization: Basic` (form-decoded, RFC 6749 2.3.1) or the body, never both (2.3).

    @par Thread Safety
    Pure function.
*/
BEAST_OAUTH_DECL oauth_result<client_credentials> read_client_credentials(http_request const& req,
                                                                          server_options const& options,
                                                                          bool allow_json, param_list& params);

/** Authenticates the client of a request (RFC 6749 2.3.1) as a sans-io algorithm: `step()`
    returns the store_op to perform (the client lookup) or null when `result()` is ready.

    Failures are throttled per (client_id, address) and per address, known and unknown ids
    alike (@ref throttle_policy): 401 invalid_client, or 429 temporarily_unavailable with
    Retry-After while throttled.

    @par Thread Safety
    One object per request; the core is shared.
*/
class client_authentication : boost::asio::coroutine
{
public:
    BEAST_OAUTH_DECL client_authentication(server_core const& core, http_request const& req,
                                           request_context const& ctx, bool allow_json);

    /// The next store call, or null when `result()` is ready.
    BEAST_OAUTH_DECL store_op* step();

    oauth_result<client_request>& result() noexcept { return result_; }
    oauth_result<client_request> const& result() const noexcept { return result_; }

private:
    server_core const& core_;
    http_request const& req_;
    request_context const& ctx_;
    bool allow_json_;
    client_credentials creds_;
    throttle_attempt attempt_;
    store_op op_;
    client_request out_;
    oauth_result<client_request> result_{boost::system::in_place_error}; // a default failure, built in place
};

/** The common part of the client-authenticated endpoints' algorithms (token, revocation,
    introspection): the request, the client authentication to run first, the response. */
class authenticated_request : protected boost::asio::coroutine
{
public:
    /// The response, once `step()` has returned null.
    http_response& response() noexcept { return res_; }

protected:
    BEAST_OAUTH_DECL authenticated_request(server_core const& core, http_request const& req,
                                           request_context const& ctx, bool allow_json);
    /// Answers with the RFC 6749 5.2 JSON error; returns null (the algorithm is done).
    BEAST_OAUTH_DECL store_op* answer_error(oauth_failure const& f);

    server_core const& core_;
    http_request const& req_;
    request_context const& ctx_;
    client_authentication auth_;
    store_op* next_ = nullptr;
    http_response res_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/client_authentication.ipp>
#endif

#endif
