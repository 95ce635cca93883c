// Seam's intercom API (../shared/SEAM.md) over per-owner data: every route but /health needs a
// bearer token and answers only the token subject's own devices and codes.
#pragma once

#include "devices.hpp"

#include <beast_oauth/beast_oauth.hpp>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace intercom {

/// Scope a token needs for routes that change something (unlock, delete a code).
inline constexpr char const* write_scope = "intercoms.write";
/// Scope Seam asks for to read (any valid token of the owner may read: documented, not required).
inline constexpr char const* read_scope = "intercoms.read";

/** The device API Seam calls with `Authorization: Bearer <token>`. Thread-safe.

    Another owner's id answers exactly like an unknown id (404), so ids are never confirmed;
    POST .../unlock and DELETE /access_codes/{id} need @ref write_scope (RFC 6750 3.1: 403
    insufficient_scope).
*/
class intercom_api
{
public:
    intercom_api(beast_oauth::authorization_server const& oauth, std::string base_path, device_data data);

    /// Answers API routes, checking the bearer token synchronously; nullopt for other targets.
    std::optional<beast_oauth::http_response> handle(beast_oauth::http_request const& req);

    /** For a device route (one that needs a bearer token): the scope the token must carry
        (empty: any valid token of the owner); nullopt for every other target, /health included. */
    std::optional<std::string_view> bearer_scope(beast_oauth::http_request const& req) const;

    /** Answers a device route whose token was checked with @ref bearer_scope's scope, by
        `validate_bearer` or `async_validate_bearer` (the bearer error when `access` failed). */
    beast_oauth::http_response answer(beast_oauth::http_request const& req, beast_oauth::bearer_result const& access);

private:
    struct target_parts
    {
        std::string_view path; // after the base path
        std::string_view query;
    };
    std::optional<target_parts> split(beast_oauth::http_request const& req) const;
    beast_oauth::http_response route(beast_oauth::http_request const& req, std::string_view owner,
                                     std::string_view path, std::string_view query);
    beast_oauth::http_response intercom_route(beast_oauth::http_request const& req, std::string_view owner,
                                              std::string_view rest);
    beast_oauth::http_response access_code_route(beast_oauth::http_request const& req, std::string_view owner,
                                                 std::string_view id);

    beast_oauth::authorization_server const& oauth_;
    std::string base_path_;
    std::mutex mutex_; // guards data_.access_codes (deleted by DELETE); intercoms never change
    device_data data_;
};

/// A JSON response with the request's version and keep-alive.
beast_oauth::http_response json_reply(beast_oauth::http_request const& req, unsigned status,
                                      std::string body);

} // namespace intercom
