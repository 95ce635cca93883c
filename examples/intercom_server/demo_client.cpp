#include "demo_client.hpp"
#include "intercom_api.hpp"

#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/html.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <openssl/evp.h>

namespace intercom {

namespace http = boost::beast::http;
using beast_oauth::http_request;
using beast_oauth::http_response;
using beast_oauth::detail::html_escape;

namespace {

constexpr char const* style =
    "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}"
    "pre{background:#f3f4f6;padding:1rem;overflow:auto;border-radius:8px}"
    "a.button{display:inline-block;background:#1d4ed8;color:#fff;padding:.7rem 1.2rem;"
    "border-radius:8px;text-decoration:none}";

http_response page(http_request const& req, unsigned status, std::string const& title, std::string const& body)
{
    http_response res{static_cast<http::status>(status), req.version()};
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.body() = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" +
                 html_escape(title) + "</title><style>" + style + "</style></head><body><h1>" +
                 html_escape(title) + "</h1>" + body + "</body></html>\n";
    res.prepare_payload();
    return res;
}

// The browser's origin if it is a loopback one (the demo client's registration), else localhost.
std::string callback_uri(http_request const& req)
{
    auto host = std::string(req[http::field::host]);
    beast_oauth::parsed_redirect_uri p;
    if(host.empty() || beast_oauth::parse_redirect_uri("http://" + host + "/demo/callback", p) || !p.loopback)
        host = "localhost";
    return "http://" + host + "/demo/callback";
}

} // namespace

demo_client::demo_client()
    : secret_(beast_oauth::detail::random_base64url(32))
{
}

beast_oauth::client demo_client::registration() const
{
    beast_oauth::client c;
    c.client_id = "demo";
    c.name = "Demo client (stand-in for Seam)";
    c.default_scope = "intercoms.read intercoms.write"; // what Seam is registered with (config.json)
    c.secret_hash = beast_oauth::hash_client_secret(secret_);
    c.redirect_uris.emplace_back("http://localhost/demo/callback");
    c.redirect_uris.emplace_back("http://127.0.0.1/demo/callback");
    c.redirect_uris.emplace_back("http://[::1]/demo/callback");
    return c;
}

std::optional<http_response> demo_client::handle(http_request const& req, local_call const& call) const
{
    auto target = std::string_view(req.target().data(), req.target().size());
    auto path = target.substr(0, target.find('?'));
    if(path != "/demo" && path != "/demo/" && path != "/demo/callback" && path != "/demo/refresh")
        return std::nullopt;
    if(path == "/demo/refresh")
        return refresh(req, call);
    // HEAD is GET without the body (RFC 9110 9.3.2; the router drops it), except for the callback,
    // which redeems a code.
    if(req.method() != http::verb::get && (req.method() != http::verb::head || path == "/demo/callback"))
        return page(req, 405, "Method not allowed", "<p>Use GET.</p>");

    if(path != "/demo/callback")
    {
        auto state = beast_oauth::detail::random_base64url(16);
        auto verifier = beast_oauth::detail::random_base64url(32);
        boost::urls::url u("/authorize");
        u.params().append({"response_type", "code"});
        u.params().append({"client_id", "demo"});
        u.params().append({"redirect_uri", callback_uri(req)});
        u.params().append({"state", state});
        u.params().append({"code_challenge", beast_oauth::make_s256_challenge(verifier)});
        u.params().append({"code_challenge_method", "S256"});
        auto res = page(req, 200, "Demo client",
                        "<p>This page plays Seam's part. It sends you to the intercom server's "
                        "<code>/authorize</code> page with a <code>state</code> and a PKCE challenge; "
                        "after you sign in it exchanges the code at <code>/oauth/token</code> and calls "
                        "<code>GET /intercoms</code> with the access token.</p>"
                        "<p><a class=\"button\" href=\"" + html_escape(u.buffer()) +
                        "\">Connect your intercoms</a></p>"
                        "<p>Sign in with a user from the server's config file (the shipped demo config's "
                        "owner is <code>owner@example.com</code>; its password is in README.md).</p>");
        res.set(http::field::set_cookie, "demo_flow=" + state + "." + verifier +
                                             "; Path=/demo; Max-Age=600; HttpOnly; SameSite=Lax");
        return res;
    }

    // /demo/callback: check state, exchange the code, call the API.
    std::string code, state, error;
    auto qpos = target.find('?');
    // A copy: Boost.URL 1.81's parse_query needs a NUL-terminated buffer.
    std::string const query(qpos == std::string_view::npos ? std::string_view() : target.substr(qpos + 1));
    if(auto params = boost::urls::parse_query(query))
        for(auto p : *params)
        {
            if(!p.has_value)
                continue;
            if(p.key == "code") code = p.value.decode();
            else if(p.key == "state") state = p.value.decode();
            else if(p.key == "error") error = p.value.decode();
        }
    auto flow = beast_oauth::detail::find_cookie(req[http::field::cookie], "demo_flow");
    auto dot = flow.find('.');
    if(dot == std::string_view::npos || state.empty() || flow.substr(0, dot) != state)
        return page(req, 400, "State mismatch",
                    "<p>The <code>state</code> does not match this browser's flow. "
                    "<a href=\"/demo\">Start again</a>.</p>");
    if(!error.empty())
        return page(req, 200, "Access not granted",
                    "<p>The server answered <code>error=" + html_escape(error) +
                    "</code>. <a href=\"/demo\">Try again</a>.</p>");

    http_request token_req{http::verb::post, "/oauth/token", 11};
    token_req.set(http::field::content_type, "application/x-www-form-urlencoded");
    token_req.set(http::field::authorization, basic_authorization());
    boost::urls::url form;
    form.params().append({"grant_type", "authorization_code"});
    form.params().append({"code", code});
    form.params().append({"redirect_uri", callback_uri(req)});
    form.params().append({"code_verifier", std::string(flow.substr(dot + 1))});
    token_req.body() = std::string(form.encoded_query());
    token_req.prepare_payload();
    auto token_res = call(std::move(token_req));

    boost::system::error_code ec;
    auto tv = boost::json::parse(token_res.body(), ec);
    if(ec || token_res.result_int() != 200 || !tv.is_object() || !tv.as_object().contains("access_token"))
        return page(req, 502, "Token exchange failed",
                    "<p>POST /oauth/token answered " + std::to_string(token_res.result_int()) +
                    ":</p><pre>" + html_escape(token_res.body()) + "</pre><p><a href=\"/demo\">Start again</a>.</p>");
    auto token = std::string(tv.as_object().at("access_token").as_string());
    auto shown = tv.as_object();
    shown["access_token"] = token.substr(0, 14) + "...(hidden)";
    std::string refresh_token;
    if(auto rt = shown.if_contains("refresh_token"); rt && rt->is_string())
    {
        refresh_token = std::string(rt->as_string());
        shown["refresh_token"] = refresh_token.substr(0, 14) + "...(hidden)";
    }

    http_request api_req{http::verb::get, "/intercoms", 11};
    api_req.set(http::field::authorization, "Bearer " + token);
    auto api_res = call(std::move(api_req));
    auto res = page(req, 200, "Connected",
                    "<p>The code was exchanged for an access token:</p><pre>" +
                        html_escape(boost::json::serialize(shown)) + "</pre><p><code>GET /intercoms</code> with "
                        "<code>Authorization: Bearer ...</code> answered " + std::to_string(api_res.result_int()) +
                        ":</p><pre>" + html_escape(api_res.body()) + "</pre>" + refresh_form() +
                        "<p>See what is connected to your account, or disconnect it: "
                        "<a href=\"/account/connected-apps\">Connected apps</a>.</p>"
                        "<p><a href=\"/demo\">Run it again</a></p>");
    // The demo keeps its refresh token in this browser (a real client keeps it on its server).
    if(!refresh_token.empty())
        res.set(http::field::set_cookie, "demo_refresh=" + refresh_token +
                                             "; Path=/demo; Max-Age=3600; HttpOnly; SameSite=Strict");
    return res;
}

std::string demo_client::basic_authorization() const
{
    auto basic = std::string("demo:") + secret_;
    std::string b64(4 * ((basic.size() + 2) / 3), '\0');
    b64.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                                        reinterpret_cast<unsigned char const*>(basic.data()),
                                                        static_cast<int>(basic.size()))));
    return "Basic " + b64;
}

std::string demo_client::refresh_form()
{
    return "<form method=\"post\" action=\"/demo/refresh\"><button type=\"submit\">Refresh the token "
           "(as Seam does)</button></form>";
}

// POST /demo/refresh: the refresh Seam makes before its access token expires. After the owner
// disconnected the app (Connected apps) or changed the password, it answers invalid_grant.
http_response demo_client::refresh(http_request const& req, local_call const& call) const
{
    if(req.method() != http::verb::post)
        return page(req, 405, "Method not allowed", "<p>Use POST.</p>");
    auto refresh_token = beast_oauth::detail::find_cookie(req[http::field::cookie], "demo_refresh");
    if(refresh_token.empty())
        return page(req, 400, "No refresh token", "<p>Connect first: <a href=\"/demo\">/demo</a>.</p>");
    http_request token_req{http::verb::post, "/oauth/token", 11};
    token_req.set(http::field::content_type, "application/x-www-form-urlencoded");
    token_req.set(http::field::authorization, basic_authorization());
    boost::urls::url form;
    form.params().append({"grant_type", "refresh_token"});
    form.params().append({"refresh_token", std::string(refresh_token)});
    token_req.body() = std::string(form.encoded_query());
    token_req.prepare_payload();
    auto token_res = call(std::move(token_req));
    boost::system::error_code ec;
    auto tv = boost::json::parse(token_res.body(), ec);
    if(!ec && tv.is_object())
        for(auto key : {"access_token", "refresh_token"})
            if(auto v = tv.as_object().if_contains(key); v && v->is_string())
                *v = std::string(v->as_string()).substr(0, 14) + "...(hidden)";
    bool const ok = token_res.result_int() == 200;
    return page(req, 200, ok ? "Token refreshed" : "Refresh refused",
                "<p>POST /oauth/token with <code>grant_type=refresh_token</code> answered <span id=\"status\">" +
                    std::to_string(token_res.result_int()) + "</span>:</p><pre id=\"response\">" +
                    html_escape(ec ? token_res.body() : boost::json::serialize(tv)) + "</pre>" +
                    (ok ? refresh_form()
                        : "<p>The owner ended this connection: the client must send the owner through "
                          "<code>/authorize</code> again. <a href=\"/demo\">Connect again</a>.</p>"));
}

} // namespace intercom
