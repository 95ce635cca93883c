#include "intercom_api.hpp"

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

} // namespace

intercom_api::intercom_api(beast_oauth::authorization_server const& oauth, std::string base_path)
    : oauth_(oauth)
    , base_path_(std::move(base_path))
{
    intercoms_ = {
        {"ic_lobby_01", "Lobby entrance", "BX-400", "1 Market St, San Francisco, CA", true},
        {"ic_garage_02", "Garage gate", "BX-200", "1 Market St, San Francisco, CA", true},
        {"ic_roof_03", "Roof access", "BX-200", "1 Market St, San Francisco, CA", false},
    };
    json::array list;
    for(auto const& d : intercoms_)
        list.push_back(to_json(d));
    intercoms_json_ = json::serialize(json::object{{"intercoms", std::move(list)}});
    codes_ = {
        {"ac_1001", "ic_lobby_01", "usr_7d3f9a2c41b8", "4821", "Courier", true},
        {"ac_1002", "ic_lobby_01", "usr_7d3f9a2c41b8", "7730", "Cleaner", false},
        {"ac_2001", "ic_garage_02", "usr_7d3f9a2c41b8", "1357", "Guest", true},
    };
}

std::optional<http_response> intercom_api::handle(http_request const& req)
{
    auto target = std::string_view(req.target().data(), req.target().size());
    auto q = target.find('?');
    auto path = target.substr(0, q);
    auto query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    if(path.substr(0, base_path_.size()) != base_path_)
        return std::nullopt;
    path.remove_prefix(base_path_.size());
    if(path == "/health")
        return json_reply(req, 200, R"({"ok":true})");
    if(path != "/intercoms" && path.rfind("/intercoms/", 0) != 0 && path != "/access_codes" &&
       path.rfind("/access_codes/", 0) != 0)
        return std::nullopt;
    // RFC 6750: every device route needs a valid bearer token.
    auto access = oauth_.validate_bearer(req);
    if(!access.ok())
        return oauth_.make_bearer_error(access, req);
    return route(req, path, query);
}

http_response intercom_api::route(http_request const& req, std::string_view path, std::string_view query)
{
    auto method = req.method();
    if(path == "/intercoms")
    {
        if(method != http::verb::get)
            return error_reply(req, 405, "METHOD_NOT_ALLOWED", "use GET");
        return json_reply(req, 200, intercoms_json_); // the device list never changes: built once
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if(path.rfind("/intercoms/", 0) == 0)
    {
        auto rest = path.substr(11);
        bool unlock = false;
        if(auto slash = rest.find('/'); slash != std::string_view::npos)
        {
            if(rest.substr(slash) != "/unlock")
                return error_reply(req, 404, "NOT_FOUND", "no such route");
            unlock = true;
            rest = rest.substr(0, slash);
        }
        auto it = std::find_if(intercoms_.begin(), intercoms_.end(),
                               [&](auto const& d) { return d.intercom_id == rest; });
        if(it == intercoms_.end())
            return error_reply(req, 404, "INTERCOM_NOT_FOUND", "no intercom with this id");
        if(!unlock)
        {
            if(method != http::verb::get)
                return error_reply(req, 405, "METHOD_NOT_ALLOWED", "use GET");
            return json_reply(req, 200, json::serialize(json::object{{"intercom", to_json(*it)}}));
        }
        if(method != http::verb::post)
            return error_reply(req, 405, "METHOD_NOT_ALLOWED", "use POST");
        boost::system::error_code ec;
        auto body = json::parse(req.body(), ec);
        if(ec || !body.is_object() || !body.as_object().contains("unlock_time") ||
           !body.as_object().at("unlock_time").is_int64() ||
           body.as_object().at("unlock_time").as_int64() <= 0)
            return error_reply(req, 400, "INVALID_REQUEST", "body must be {\"unlock_time\": <milliseconds>}");
        if(!it->connected)
            return error_reply(req, 500, "INTERCOM_DISCONNECTED", "the intercom is offline");
        return json_reply(req, 200, R"({"ok":true})");
    }
    if(path == "/access_codes")
    {
        if(method != http::verb::get)
            return error_reply(req, 405, "METHOD_NOT_ALLOWED", "use GET");
        std::string intercom_id;
        std::string const copy(query); // Boost.URL 1.81's parse_query needs a NUL-terminated buffer
        if(auto params = boost::urls::parse_query(copy))
            for(auto p : *params)
                if(p.key == "intercom_id" && p.has_value)
                    intercom_id = p.value.decode();
        json::array list;
        for(auto const& c : codes_)
            if(intercom_id.empty() || c.intercom_id == intercom_id)
                list.push_back(to_json(c));
        return json_reply(req, 200, json::serialize(json::object{{"access_codes", std::move(list)}}));
    }
    // /access_codes/<id>
    auto id = path.substr(14);
    auto it = std::find_if(codes_.begin(), codes_.end(), [&](auto const& c) { return c.access_code_id == id; });
    if(it == codes_.end())
        return error_reply(req, 404, "ACCESS_CODE_NOT_FOUND", "no access code with this id");
    if(method == http::verb::get)
        return json_reply(req, 200, json::serialize(json::object{{"access_code", to_json(*it)}}));
    if(method == http::verb::delete_)
    {
        if(!it->removable)
            return error_reply(req, 500, "ACCESS_CODE_REMOVAL_FAILED", "the intercom refused to remove this code");
        codes_.erase(it);
        return json_reply(req, 200, R"({"ok":true})");
    }
    return error_reply(req, 405, "METHOD_NOT_ALLOWED", "use GET or DELETE");
}

} // namespace intercom
