#include "router.hpp"

namespace intercom {

namespace http = boost::beast::http;
using beast_oauth::http_request;
using beast_oauth::http_response;

http_response router::route_local(http_request&& req)
{
    if(auto res = api.handle(req))
        return std::move(*res);
    if(demo)
    {
        auto call = [this](http_request&& r) { return route_all(std::move(r)); };
        if(auto res = demo->handle(req, call))
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

http_response router::route_all(http_request&& req)
{
    if(auto res = beast_oauth::handle_request(oauth, std::move(req)))
        return std::move(*res);
    return route_local(std::move(req));
}

} // namespace intercom
