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

BEAST_OAUTH_DECL std::optional<http_response> handle_request(authorization_server const& server,
                                                             http_request&& req,
                                                             request_context const& ctx)
{
    auto target = req.target();
    auto path = target.substr(0, target.find('?'));
    auto const& o = server.options();
    try
    {
        if(path == o.authorize_path)
            return server.handle_authorize(req, ctx);
        if(path.empty())
            return std::nullopt;
        if(path == o.token_path)
            return server.handle_token(req, ctx);
        if(path == o.revocation_path)
            return server.handle_revocation(req, ctx);
        if(path == o.introspection_path)
            return server.handle_introspection(req, ctx);
        if(path == o.metadata_path)
            return server.handle_metadata(req);
        if(o.signing_keys && path == o.jwks_path)
            return server.handle_jwks(req);
    }
    catch(std::exception const& e)
    {
        server.log("exception", e.what());
        return server.make_server_error(req);
    }
    return std::nullopt;
}

} // namespace beast_oauth

#endif
