#include "router.hpp"

namespace intercom {

namespace http = boost::beast::http;
using beast_oauth::http_request;
using beast_oauth::http_response;

namespace {

http_response route(router& r, http_request const& req, beast_oauth::request_context const& ctx)
{
    if(auto res = r.api.handle(req))
        return std::move(*res);
    if(r.account)
        if(auto res = r.account->handle(req, ctx))
            return std::move(*res);
    if(r.demo)
    {
        auto call = [&r](http_request&& inner) { return r.route_all(std::move(inner)); };
        if(auto res = r.demo->handle(req, call))
            return std::move(*res);
        auto target = std::string_view(req.target().data(), req.target().size());
        if(target == "/")
        {
            http_response res{http::status::found, req.version()};
            res.keep_alive(req.keep_alive());
            res.set(http::field::location, "/demo");
            res.prepare_payload();
            return res;
        }
    }
    return json_reply(req, 404, R"({"error_id":"NOT_FOUND","error_message":"no such route"})");
}

} // namespace

http_response router::route_local(http_request const& req, beast_oauth::request_context const& ctx)
{
    auto res = route(*this, req, ctx);
    beast_oauth::drop_body_for_head(res, req); // Content-Length stays as for GET
    return res;
}

http_response router::route_api(http_request const& req, beast_oauth::bearer_result const& access)
{
    auto res = api.answer(req, access);
    beast_oauth::drop_body_for_head(res, req);
    return res;
}

http_response router::route_all(http_request&& req)
{
    if(auto res = beast_oauth::handle_request(oauth, req))
        return std::move(*res);
    return route_local(req); // handle_request leaves a request it does not answer untouched
}

} // namespace intercom
