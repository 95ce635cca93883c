#ifndef BEAST_OAUTH_IMPL_BEAST_IPP
#define BEAST_OAUTH_IMPL_BEAST_IPP

#include <beast_oauth/beast.hpp>
#include <beast_oauth/endpoints/guard.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL bool is_oauth_target(authorization_server const& server, boost::beast::string_view target) noexcept
{
    auto path = target.substr(0, target.find('?'));
    auto const& o = server.options();
    if(path.empty())
        return false;
    return path == o.authorize_path || path == o.token_path || path == o.revocation_path ||
           path == o.introspection_path || path == o.metadata_path || (o.signing_keys && path == o.jwks_path);
}

BEAST_OAUTH_DECL void drop_body_for_head(http_response& res, http_request const& req)
{
    if(req.method() != boost::beast::http::verb::head)
        return;
    if(!res.has_content_length() && !res.chunked())
        res.prepare_payload(); // the length the GET would have had
    res.body().clear();
}

BEAST_OAUTH_DECL std::optional<http_response> handle_request(authorization_server const& server,
                                                             http_request const& req, request_context const& ctx)
{
    std::optional<http_response> res;
    detail::request_timer timer(server.options());
    std::string_view grant_type; // a view into the registered grant handler: lives with the server
    try
    {
        endpoint_dispatch d(server, req, ctx);
        if(!d.matched())
            return std::nullopt;
        run_sync(d, server.core()->stores());
        res = std::move(d.response());
        if(timer.on())
            grant_type = d.grant_type();
    }
    catch(...)
    {
        res = response_for_exception(*server.core(), req, std::current_exception());
    }
    timer.finish(req, *res, grant_type);
    drop_body_for_head(*res, req);
    return res;
}

} // namespace beast_oauth

#endif
