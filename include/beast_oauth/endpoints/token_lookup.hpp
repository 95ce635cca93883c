#ifndef BEAST_OAUTH_ENDPOINTS_TOKEN_LOOKUP_HPP
#define BEAST_OAUTH_ENDPOINTS_TOKEN_LOOKUP_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/endpoints/client_authentication.hpp>
#include <beast_oauth/endpoints/handler_base.hpp>
#include <beast_oauth/token_strategy.hpp>
#include <boost/asio/coroutine.hpp>
#include <memory>
#include <optional>
#include <string>

namespace beast_oauth {

/** What revocation (RFC 7009 2.1) and introspection (RFC 7662 2.1) share, as a sans-io step:
    authenticate the client, read the `token` parameter, find its record.

    @par Thread Safety
    One object per request.
*/
class token_lookup_request : public authenticated_request
{
public:
    /// The next store call, or null when `response()` is ready.
    BEAST_OAUTH_DECL store_op* step();

protected:
    /// `confidential_only`: a public client is refused (introspection, RFC 7662 2.1).
    BEAST_OAUTH_DECL token_lookup_request(handler_base const& h, http_request const& req, request_context const& ctx,
                                          bool confidential_only);
    ~token_lookup_request() = default;

    /** What the endpoint does with the record, in `op_.found` (null for an unknown token);
        the same protocol as `step()`. */
    virtual store_op* on_record() = 0;

    /// The authenticated client.
    client const& caller() const noexcept { return *auth_.result()->client; }

    store_op op_;

private:
    token_strategy const& tokens_;
    boost::asio::coroutine lookup_;
    std::optional<std::string> key_;
    bool confidential_only_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/token_lookup.ipp>
#endif

#endif
