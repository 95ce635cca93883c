#include "intercom_api.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse_query.hpp>

namespace intercom {

namespace http = boost::beast::http;
namespace json = boost::json;
using beast_oauth::http_request;
using beast_oauth::http_response;

http_response json_reply(http_request const& req, unsigned status, std::string body)
{
    http_response res{static_cast<http::status>(status), req.version()};
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

namespace {

json::object to_json(intercom_device const& d)
{
    return {{"intercom_id", d.intercom_id}, {"name", d.name}, {"model", d.model}, {"address", d.address}};
}

json::object to_json(access_code const& c)
{
    return {{"access_code_id", c.access_code_id}, {"intercom_id", c.intercom_id},
            {"owner_id", c.owner_id}, {"code", c.code}, {"name", c.name}};
}

http_response error_reply(http_request const& req, unsigned status, char const* id, char const* message)
{
    return json_reply(req, status, json::serialize(json::object{{"error_id", id}, {"error_message", message}}));
}

// Routes that change a device or a code: they need the write scope.
bool changes_something(http::verb method, std::string_view path)
{
    return (method == http::verb::post && path.rfind("/intercoms/", 0) == 0) ||
           (method == http::verb::delete_ && path.rfind("/access_codes/", 0) == 0);
}

} // namespace

intercom_api::intercom_api(beast_oauth::authorization_server const& oauth, std::string base_path, device_data data)
    : oauth_(oauth)
    , base_path_(std::move(base_path))
    , data_(std::move(data))
{
}

std::optional<intercom_api::target_parts> intercom_api::split(http_request const& req) const
{
    auto target = std::string_view(req.target().data(), req.target().size());
    auto q = target.find('?');
    auto path = target.substr(0, q);
    if(path.substr(0, base_path_.size()) != base_path_)
        return std::nullopt;
    path.remove_prefix(base_path_.size());
    return target_parts{path, q == std::string_view::npos ? std::string_view() : target.substr(q + 1)};
}

std::optional<std::string_view> intercom_api::bearer_scope(http_request const& req) const
{
    auto t = split(req);
    if(!t || (t->path != "/intercoms" && t->path.rfind("/intercoms/", 0) != 0 && t->path != "/access_codes" &&
              t->path.rfind("/access_codes/", 0) != 0))
        return std::nullopt;
    // RFC 6750 3.1: the write scope where the route changes something.
    return changes_something(req.method(), t->path) ? std::string_view(write_scope) : std::string_view();
}

std::optional<http_response> intercom_api::handle(http_request const& req)
{
    if(auto t = split(req); t && t->path == "/health")
        return json_reply(req, 200, R"({"ok":true})");
    auto scope = bearer_scope(req);
    if(!scope)
        return std::nullopt;
    return answer(req, oauth_.validate_bearer(req, *scope));
}

http_response intercom_api::answer(http_request const& req, beast_oauth::bearer_result const& access)
{
    // RFC 6750 2.1, 3.1: a valid bearer token (checked by the caller with bearer_scope's scope).
    if(!access.ok())
        return oauth_.make_bearer_error(access, req);
    auto t = split(req);
    return route(req, access.subject(), t->path, t->query);
}

http_response intercom_api::route(http_request const& req, std::string_view owner, std::string_view path,
                                  std::string_view query)
{
    if(path == "/intercoms")
    {
        if(req.method() != http::verb::get && req.method() != http::verb::head)
            return error_reply(req, 405, "METHOD_NOT_ALLOWED", "use GET");
        json::array list;
        for(auto const& d : data_.intercoms)
            if(d.owner_id == owner)
                list.push_back(to_json(d));
        return json_reply(req, 200, json::serialize(json::object{{"intercoms", std::move(list)}}));
    }
    if(path.rfind("/intercoms/", 0) == 0)
        return intercom_route(req, owner, path.substr(11));
    if(path == "/access_codes")
    {
        if(req.method() != http::verb::get && req.method() != http::verb::head)
            return error_reply(req, 405, "METHOD_NOT_ALLOWED", "use GET");
        std::string intercom_id;
        std::string const copy(query); // Boost.URL 1.81's parse_query needs a NUL-terminated buffer
        if(auto params = boost::urls::parse_query(copy))
            for(auto p : *params)
                if(p.key == "intercom_id" && p.has_value)
                    intercom_id = p.value.decode();
        json::array list;
        std::lock_guard<std::mutex> lock(mutex_);
        for(auto const& c : data_.access_codes)
            if(c.owner_id == owner && (intercom_id.empty() || c.intercom_id == intercom_id))
                list.push_back(to_json(c));
        return json_reply(req, 200, json::serialize(json::object{{"access_codes", std::move(list)}}));
    }
    return access_code_route(req, owner, path.substr(14));
}

// /intercoms/{id} and /intercoms/{id}/unlock
http_response intercom_api::intercom_route(http_request const& req, std::string_view owner, std::string_view rest)
{
    bool unlock = false;
    if(auto slash = rest.find('/'); slash != std::string_view::npos)
    {
        if(rest.substr(slash) != "/unlock")
            return error_reply(req, 404, "NOT_FOUND", "no such route");
        unlock = true;
        rest = rest.substr(0, slash);
    }
    // Another owner's intercom is answered exactly like a missing one.
    auto it = std::find_if(data_.intercoms.begin(), data_.intercoms.end(),
                           [&](auto const& d) { return d.intercom_id == rest && d.owner_id == owner; });
    if(it == data_.intercoms.end())
        return error_reply(req, 404, "INTERCOM_NOT_FOUND", "no intercom with this id");
    auto method = req.method();
    if(!unlock)
    {
        if(method != http::verb::get && method != http::verb::head)
            return error_reply(req, 405, "METHOD_NOT_ALLOWED", "use GET");
        return json_reply(req, 200, json::serialize(json::object{{"intercom", to_json(*it)}}));
    }
    if(method != http::verb::post)
        return error_reply(req, 405, "METHOD_NOT_ALLOWED", "use POST");
    boost::system::error_code ec;
    auto body = json::parse(req.body(), ec);
    if(ec || !body.is_object() || !body.as_object().contains("unlock_time") ||
       !body.as_object().at("unlock_time").is_int64() || body.as_object().at("unlock_time").as_int64() <= 0)
        return error_reply(req, 400, "INVALID_REQUEST", "body must be {\"unlock_time\": <milliseconds>}");
    if(!it->connected)
        return error_reply(req, 500, "INTERCOM_DISCONNECTED", "the intercom is offline");
    return json_reply(req, 200, R"({"ok":true})");
}

// /access_codes/{id}
http_response intercom_api::access_code_route(http_request const& req, std::string_view owner, std::string_view id)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto& codes = data_.access_codes;
    auto it = std::find_if(codes.begin(), codes.end(),
                           [&](auto const& c) { return c.access_code_id == id && c.owner_id == owner; });
    if(it == codes.end())
        return error_reply(req, 404, "ACCESS_CODE_NOT_FOUND", "no access code with this id");
    auto method = req.method();
    if(method == http::verb::get || method == http::verb::head)
        return json_reply(req, 200, json::serialize(json::object{{"access_code", to_json(*it)}}));
    if(method == http::verb::delete_)
    {
        if(!it->removable)
            return error_reply(req, 500, "ACCESS_CODE_REMOVAL_FAILED", "the intercom refused to remove this code");
        codes.erase(it);
        return json_reply(req, 200, R"({"ok":true})");
    }
    return error_reply(req, 405, "METHOD_NOT_ALLOWED", "use GET or DELETE");
}

} // namespace intercom
