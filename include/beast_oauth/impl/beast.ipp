#ifndef BEAST_OAUTH_IMPL_BEAST_IPP
#define BEAST_OAUTH_IMPL_BEAST_IPP

#include <beast_oauth/beast.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL bool is_oauth_target(authorization_server const& server,
                                      boost::beast::string_view target) noexcept
{
    auto path = target.substr(0, target.find('?'));
    auto const& o = server.options();
    if(path.empty())
        return false;
    return path == o.authorize_path || path == o.token_path || path == o.revocation_path ||
           path == o.introspection_path || path == o.metadata_path ||
           (o.signing_keys && path == o.jwks_path);
}

BEAST_OAUTH_DECL void drop_body_for_head(http_response& res, http_request const& req)
{
    if(req.method() != boost::beast::http::verb::head)
        return;
    if(!res.has_content_length() && !res.chunked())
        res.prepare_payload(); // the length the GET would have had
    res.body().clear();
}

namespace detail {
inline std::optional<http_response> dispatch(authorization_server const& server, http_request const& req,
                                             request_context const& ctx)
{
    auto target = req.target();
    auto path = target.substr(0, target.find('?'));
    auto const& o = server.options();
    if(path.empty())
        return std::nullopt;
    bool const ours = path == o.authorize_path || path == o.token_path || path == o.revocation_path ||
                      path == o.introspection_path || path == o.metadata_path ||
                      (o.signing_keys && path == o.jwks_path);
    if(!ours)
        return std::nullopt;
    if(auto refused = reject_malformed_request(req, false))
        return refused;
    if(path == o.authorize_path)
        return server.handle_authorize(req, ctx);
    if(path == o.token_path)
        return server.handle_token(req, ctx);
    if(path == o.revocation_path)
        return server.handle_revocation(req, ctx);
    if(path == o.introspection_path)
        return server.handle_introspection(req, ctx);
    if(path == o.metadata_path)
        return server.handle_metadata(req);
    return server.handle_jwks(req);
}
} // namespace detail

BEAST_OAUTH_DECL std::optional<http_response> handle_request(authorization_server const& server,
                                                             http_request&& req,
                                                             request_context const& ctx)
{
    std::optional<http_response> res;
    try
    {
        res = detail::dispatch(server, req, ctx);
    }
    catch(std::exception const& e)
    {
        server.log("exception", e.what());
        res = server.make_server_error(req);
    }
    if(res)
        drop_body_for_head(*res, req);
    return res;
}

} // namespace beast_oauth

#endif
