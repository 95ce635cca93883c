// Seam's intercom API (../shared/SEAM.md) over demo data, every route bearer-protected but /health.
#pragma once

#include <beast_oauth/beast_oauth.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace intercom {

struct intercom_device
{
    std::string intercom_id, name, model, address;
    bool connected = true;
};

struct access_code
{
    std::string access_code_id, intercom_id, owner_id, code, name;
    bool removable = true;
};

/// The device API Seam calls with `Authorization: Bearer <token>`. Thread-safe.
class intercom_api
{
public:
    intercom_api(beast_oauth::authorization_server const& oauth, std::string base_path);

    /// Answers API routes; nullopt for other targets.
    std::optional<beast_oauth::http_response> handle(beast_oauth::http_request const& req);

private:
    beast_oauth::http_response route(beast_oauth::http_request const& req, std::string_view path,
                                     std::string_view query);

    beast_oauth::authorization_server const& oauth_;
    std::string base_path_;
    std::mutex mutex_;
    std::vector<intercom_device> intercoms_;
    std::string intercoms_json_;
    std::vector<access_code> codes_;
};

/// A JSON response with the request's version and keep-alive.
beast_oauth::http_response json_reply(beast_oauth::http_request const& req, unsigned status,
                                      std::string body);

} // namespace intercom
