// A tiny stand-in for Seam, served at /demo in demo mode, so a newcomer can run the
// whole authorization code flow in a browser: connect, sign in, exchange, call the API.
#pragma once

#include <beast_oauth/beast_oauth.hpp>
#include <functional>
#include <optional>
#include <string>

namespace intercom {

class demo_client
{
public:
    /// Sends a request through the server's own routes, in process.
    using local_call = std::function<beast_oauth::http_response(beast_oauth::http_request&&)>;

    demo_client();

    /// The client registration: id "demo", its own /demo/callback on loopback (any port).
    beast_oauth::client registration() const;

    /// Answers /demo, /demo/callback and POST /demo/refresh; nullopt for other targets.
    std::optional<beast_oauth::http_response> handle(beast_oauth::http_request const& req,
                                                     local_call const& call) const;

private:
    beast_oauth::http_response refresh(beast_oauth::http_request const& req, local_call const& call) const;
    std::string basic_authorization() const;
    static std::string refresh_form();

    std::string secret_; // random per process, never printed
};

} // namespace intercom
