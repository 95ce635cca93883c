// Shared test fixture: an authorization server over the in-memory stores with a
// controllable clock, plus helpers that drive the endpoints like a browser and a client.
#pragma once

#include <beast_oauth/beast_oauth.hpp>
#include <boost/url.hpp>
#include <atomic>
#include <map>
#include <string>

namespace test {

namespace http = boost::beast::http;
using beast_oauth::http_request;
using beast_oauth::http_response;

inline std::string const seam_callback = "https://connect.getseam.com/oauth/callback";
inline std::string const owner_email = "owner@example.com";
inline std::string const owner_password = "correct horse";
inline std::string const owner_subject = "usr_42";
inline std::string const verifier = "dBjftJeZ4CVP-mJ92K9zuOCaWVz8sr8-HUk63nZCbLyf9ab"; // 47 chars

/// Base64 for HTTP Basic headers in tests.
std::string base64(std::string_view in);

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string pct(std::string_view s);

/// `key=value&...` form-encoded.
std::string form(std::initializer_list<std::pair<std::string, std::string>> params);

/// Query parameters of a URL (decoded), or of a form body.
std::map<std::string, std::string> query_of(std::string_view url);

/// Values of `<input type="hidden" name=... value=...>` in a page (HTML-unescaped).
std::map<std::string, std::string> hidden_fields(std::string const& html);

/// `name=value` of the first Set-Cookie named `name`, for a Cookie header.
std::string cookie_from(http_response const& res, std::string const& name);

struct fixture
{
    std::atomic<long long> clock_seconds{1'800'000'000};
    beast_oauth::memory_store store{[this] { return now(); }};
    beast_oauth::memory_user_store users;
    beast_oauth::authorization_server server;
    /// The remote address every request comes from (request_context); tests switch it.
    std::string address = "192.0.2.10";

    explicit fixture(beast_oauth::profile profile = beast_oauth::profile::strict,
                     std::function<void(beast_oauth::server_options&)> tweak = {});

    beast_oauth::time_point now() const
    {
        return beast_oauth::time_point(std::chrono::seconds(clock_seconds.load()));
    }
    void advance(long long seconds) { clock_seconds += seconds; }

    static beast_oauth::server_options make_options(beast_oauth::profile profile,
                                                    std::function<void(beast_oauth::server_options&)> const& tweak,
                                                    fixture* self);

    http_response get(std::string const& target, std::string const& cookie = {});
    http_response post_form(std::string const& target, std::string const& body,
                            std::string const& cookie = {}, std::string const& authorization = {});
    http_response post(std::string const& target, std::string const& content_type, std::string const& body,
                       std::string const& authorization = {});

    /// Standard authorize query for client "seam".
    static std::string authorize_query(std::string const& extra = "state=xyz123");

    /// GET the sign-in page, post the credentials back; returns the final response.
    http_response sign_in(std::string const& authorize_target, std::string const& email = owner_email,
                          std::string const& password = owner_password);

    /// Runs authorize + sign-in and returns the code from the redirect.
    std::string obtain_code(std::string const& authorize_target);

    /// Exchanges a code for client seam with client_secret_post (strict shape).
    http_response exchange(std::string const& code, std::string const& extra = {});
};

} // namespace test
