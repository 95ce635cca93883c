// Real OAuth flows through authorization_server + handle_request over any store: what the
// conformance suite's at-rest test and the store benchmark drive. No Catch2 here (the
// benchmark runs it on several threads): failures throw std::runtime_error.
#pragma once

#include "fixture.hpp"
#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace conformance {

struct flow_driver
{
    std::unique_ptr<beast_oauth::authorization_server> server;

    /// `clients` must hold client "seam" (secret "seamsecret", connect.getseam.com callback).
    flow_driver(beast_oauth::client_store& clients, beast_oauth::code_store& codes, beast_oauth::token_store& tokens,
                beast_oauth::user_authenticator& users, std::function<beast_oauth::time_point()> clock,
                beast_oauth::refresh_rotation rotation)
    {
        beast_oauth::server_options o;
        o.issuer = "https://intercom.example.test";
        o.secret_key = std::string(32, 'k');
        o.clock = std::move(clock);
        o.rotation = rotation;
        o.rate_limiting = false;
        server = std::make_unique<beast_oauth::authorization_server>(o, clients, codes, tokens, users);
    }

    static beast_oauth::client seam_client()
    {
        beast_oauth::client c;
        c.client_id = "seam";
        c.name = "Seam";
        c.secret_hash = beast_oauth::hash_client_secret("seamsecret");
        c.redirect_uris.emplace_back(test::seam_callback);
        return c;
    }

    beast_oauth::http_response send(beast_oauth::http_request req)
    {
        auto res = beast_oauth::handle_request(*server, std::move(req));
        if(!res)
            throw std::runtime_error("not an OAuth endpoint");
        return std::move(*res);
    }

    beast_oauth::http_response post(std::string const& target, std::string const& body,
                                    std::string const& cookie = {})
    {
        namespace http = boost::beast::http;
        beast_oauth::http_request req{http::verb::post, target, 11};
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        if(!cookie.empty())
            req.set(http::field::cookie, cookie);
        req.body() = body;
        req.prepare_payload();
        return send(std::move(req));
    }

    /// Sign-in page, then the credentials posted back: the response to the post.
    beast_oauth::http_response sign_in()
    {
        namespace http = boost::beast::http;
        auto page = send(beast_oauth::http_request{
            http::verb::get, test::fixture::authorize_query("state=s1&scope=intercoms.read"), 11});
        if(page.result_int() != 200)
            throw std::runtime_error("sign-in page: " + std::to_string(page.result_int()));
        std::string body = test::form({{"username", test::owner_email}, {"password", test::owner_password},
                                       {"action", "sign_in"}});
        for(auto const& [k, v] : test::hidden_fields(page.body()))
            body += "&" + test::form({{k, v}});
        return post("/authorize", body, test::cookie_from(page, "__Host-boa_csrf"));
    }

    /// Sign-in page, credentials posted back, code from the redirect.
    std::string obtain_code()
    {
        namespace http = boost::beast::http;
        auto res = sign_in();
        if(res.result_int() != 303)
            throw std::runtime_error("sign-in: " + std::to_string(res.result_int()) + " " + res.body().substr(0, 200));
        auto code = test::query_of(std::string(res[http::field::location]))["code"];
        if(code.empty())
            throw std::runtime_error("no code in the redirect");
        return code;
    }

    beast_oauth::http_response token(std::initializer_list<std::pair<std::string, std::string>> params)
    {
        return post("/oauth/token",
                    test::form(params) + "&" + test::form({{"client_id", "seam"}, {"client_secret", "seamsecret"}}));
    }

    beast_oauth::http_response exchange(std::string const& code)
    {
        return token({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", test::seam_callback}});
    }

    bool api_accepts(std::string const& access) { return server->validate_bearer("Bearer " + access).ok(); }

    static std::string field(beast_oauth::http_response const& res, char const* key)
    {
        auto v = boost::json::parse(res.body());
        auto const* p = v.as_object().if_contains(key);
        return p && p->is_string() ? std::string(p->as_string()) : std::string();
    }
};

} // namespace conformance
