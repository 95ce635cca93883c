#ifndef BEAST_OAUTH_IMPL_DISPATCH_IPP
#define BEAST_OAUTH_IMPL_DISPATCH_IPP

#include <beast_oauth/dispatch.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/request_shape.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL endpoint_dispatch::endpoint_dispatch(authorization_server const& server, http_request const& req,
                                                      request_context const& ctx)
{
    auto const path = detail::target_path(req);
    auto const& o = server.options();
    if(path.empty())
        return;
    bool const jwks = o.signing_keys && path == o.jwks_path;
    bool const par = !o.par_path.empty() && path == o.par_path;
    matched_ = path == o.authorize_path || path == o.token_path || path == o.revocation_path ||
               path == o.introspection_path || path == o.metadata_path || jwks || par;
    if(!matched_)
        return;
    if(auto refused = reject_malformed_request(req, false))
        immediate_ = std::move(*refused);
    else if(path == o.authorize_path)
        algo_.emplace<authorize_handler::algorithm>(server.authorize(), req, ctx);
    else if(path == o.token_path)
        algo_.emplace<token_handler::algorithm>(server.token(), req, ctx);
    else if(path == o.revocation_path)
        algo_.emplace<revocation_handler::algorithm>(server.revocation(), req, ctx);
    else if(path == o.introspection_path)
        algo_.emplace<introspection_handler::algorithm>(server.introspection(), req, ctx);
    else if(par)
        algo_.emplace<par_handler::algorithm>(server.par(), req, ctx);
    else if(path == o.metadata_path)
        immediate_ = server.handle_metadata(req);
    else
        immediate_ = server.handle_jwks(req);
}

BEAST_OAUTH_DECL store_op* endpoint_dispatch::step()
{
    return std::visit(
        [](auto& a) -> store_op* {
            if constexpr(std::is_same_v<std::decay_t<decltype(a)>, std::monostate>)
                return nullptr;
            else
                return a.step();
        },
        algo_);
}

BEAST_OAUTH_DECL http_response& endpoint_dispatch::response()
{
    return std::visit(
        [this](auto& a) -> http_response& {
            if constexpr(std::is_same_v<std::decay_t<decltype(a)>, std::monostate>)
                return immediate_;
            else
                return a.response();
        },
        algo_);
}

BEAST_OAUTH_DECL std::string_view endpoint_dispatch::grant_type() const
{
    auto const* token = std::get_if<token_handler::algorithm>(&algo_);
    return token ? token->grant_type() : std::string_view();
}

} // namespace beast_oauth

#endif
