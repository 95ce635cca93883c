#ifndef BEAST_OAUTH_DISPATCH_HPP
#define BEAST_OAUTH_DISPATCH_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/server.hpp>
#include <optional>
#include <variant>

namespace beast_oauth {

/** Routes one request to the endpoint at its path and runs it as a sans-io algorithm: the
    shared part of @ref handle_request and @ref async_handle_request.

    `matched()` is false when the path is none of the server's endpoints (then nothing else
    may be called). Otherwise `step()` returns store calls until null, then `response()` is
    ready. A request whose framing could be read two ways is answered 400 at once
    (@ref check_request_shape, Host excepted). Not movable; `req` and `ctx` outlive it.
*/
class endpoint_dispatch
{
public:
    BEAST_OAUTH_DECL endpoint_dispatch(authorization_server const& server, http_request const& req,
                                       request_context const& ctx);
    endpoint_dispatch(endpoint_dispatch const&) = delete;
    endpoint_dispatch& operator=(endpoint_dispatch const&) = delete;

    bool matched() const noexcept { return matched_; }
    BEAST_OAUTH_DECL store_op* step();
    BEAST_OAUTH_DECL http_response& response();
    /// Token endpoint: the registered grant type (see `token_handler::algorithm::grant_type`); else empty.
    BEAST_OAUTH_DECL std::string_view grant_type() const;

private:
    bool matched_ = false;
    std::variant<std::monostate, authorize_handler::algorithm, token_handler::algorithm, revocation_handler::algorithm,
                 introspection_handler::algorithm, par_handler::algorithm>
        algo_;
    http_response immediate_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/dispatch.ipp>
#endif

#endif
