#include "account_pages.hpp"

#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/html.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <ctime>

namespace intercom {

namespace http = boost::beast::http;
using beast_oauth::http_request;
using beast_oauth::http_response;
using beast_oauth::detail::html_escape;

namespace {

constexpr std::string_view list_path = "/account/connected-apps";
constexpr std::string_view disconnect_path = "/account/connected-apps/disconnect";
constexpr std::string_view password_path = "/account/password";

std::string_view path_of(http_request const& req)
{
    auto t = std::string_view(req.target().data(), req.target().size());
    return t.substr(0, t.find('?'));
}

// The same rules as the library's sign-in page: nothing loads, no frame, forms post here only.
http_response page(http_request const& req, unsigned status, std::string const& title, std::string const& body)
{
    http_response res{static_cast<http::status>(status), req.version()};
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.set("Content-Security-Policy",
            "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    res.set(http::field::x_frame_options, "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::cache_control, "no-store");
    res.set(http::field::pragma, "no-cache");
    res.body() = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" +
                 html_escape(title) + "</title></head><body><h1>" + html_escape(title) + "</h1>" + body +
                 "</body></html>\n";
    res.prepare_payload();
    return res;
}

std::string utc_text(beast_oauth::time_point t)
{
    if(t == beast_oauth::time_point{})
        return "unknown";
    auto secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

bool is_form(http_request const& req)
{
    auto ct = req[http::field::content_type];
    return std::string_view(ct.data(), ct.size()).rfind("application/x-www-form-urlencoded", 0) == 0;
}

} // namespace

account_pages::account_pages(beast_oauth::authorization_server const& oauth, beast_oauth::grant_manager const& grants,
                             beast_oauth::memory_user_store& users, account_pages_options options)
    : oauth_(oauth)
    , grants_(grants)
    , users_(users)
    , options_(std::move(options))
    , csrf_key_(beast_oauth::detail::random_base64url(32))
{
}

bool account_pages::handles(http_request const& req)
{
    auto p = path_of(req);
    return p == list_path || p == disconnect_path || p == password_path;
}

std::string account_pages::cookie_name() const
{
    return std::string(options_.secure_cookies ? "__Host-" : "") + "boa_account_csrf";
}

std::string account_pages::csrf_for(std::string_view nonce, std::string_view subject, std::string_view purpose) const
{
    // Bound to this browser (the cookie's nonce), the owner, and what the form does.
    std::string binding;
    for(auto part : {nonce, subject, purpose})
        binding += std::to_string(part.size()) + ":" + std::string(part);
    auto mac = beast_oauth::detail::hmac_sha256(csrf_key_, binding);
    return beast_oauth::detail::base64url_encode(mac.data(), mac.size());
}

http_response account_pages::list_page(http_request const& req, beast_oauth::user_identity const& who,
                                       std::string const& notice) const
{
    auto cookies = req[http::field::cookie];
    std::string nonce(beast_oauth::detail::find_cookie(std::string_view(cookies.data(), cookies.size()), cookie_name()));
    bool const new_nonce = nonce.size() != 43;
    if(new_nonce)
        nonce = beast_oauth::detail::random_base64url(32);

    std::string body;
    if(!notice.empty())
        body += "<p role=\"status\" id=\"notice\">" + html_escape(notice) + "</p>";
    body += "<p>Signed in as " + html_escape(who.display_name.empty() ? who.subject : who.display_name) +
            ". These applications can reach your intercoms on your behalf.</p>";
    auto apps = grants_.list_grants(who.subject);
    if(apps.empty())
        body += "<p id=\"no-apps\">No applications are connected.</p>";
    else
    {
        auto const csrf = csrf_for(nonce, who.subject, "disconnect");
        body += "<table id=\"apps\"><thead><tr><th>Application</th><th>Can</th><th>Connected</th>"
                "<th>Last used</th><th></th></tr></thead><tbody>";
        for(auto const& app : apps)
        {
            std::string can;
            std::vector<std::string> scopes;
            beast_oauth::parse_scope(app.scope, scopes);
            for(auto const& s : scopes)
            {
                auto it = options_.scope_words.find(s);
                can += "<li>" + html_escape(it != options_.scope_words.end() ? it->second : s) + "</li>";
            }
            if(can.empty())
                can = "<li>Sign in as you (no particular permission)</li>";
            body += "<tr class=\"app\"><td class=\"name\">" + html_escape(app.client_name) + "</td><td><ul>" + can +
                    "</ul></td><td>" + utc_text(app.connected_at) + "</td><td>" + utc_text(app.last_used_at) +
                    "</td><td><form method=\"post\" action=\"" + std::string(disconnect_path) + "\">"
                    "<input type=\"hidden\" name=\"grant\" value=\"" + html_escape(app.grant_id) + "\">"
                    "<input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\">"
                    "<button type=\"submit\">Disconnect " + html_escape(app.client_name) + "</button></form></td></tr>";
        }
        body += "</tbody></table>";
    }
    body += "<h2>Change password</h2><p>Changing your password disconnects every application; each must be "
            "connected again.</p><form method=\"post\" action=\"" + std::string(password_path) + "\">"
            "<input type=\"hidden\" name=\"csrf\" value=\"" + csrf_for(nonce, who.subject, "password") + "\">"
            "<label>Current password <input type=\"password\" name=\"current_password\" "
            "autocomplete=\"current-password\" required></label> "
            "<label>New password <input type=\"password\" name=\"new_password\" autocomplete=\"new-password\" "
            "minlength=\"8\" required></label> <button type=\"submit\">Change password</button></form>";
    auto res = page(req, 200, "Connected apps", body);
    if(new_nonce)
        res.insert(http::field::set_cookie, cookie_name() + "=" + nonce + "; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict" +
                                                (options_.secure_cookies ? "; Secure" : ""));
    return res;
}

std::optional<http_response> account_pages::handle(http_request const& req,
                                                   beast_oauth::request_context const& ctx) const
{
    if(!handles(req))
        return std::nullopt;
    auto const path = path_of(req);
    bool const get = req.method() == http::verb::get || req.method() == http::verb::head;
    if(path == list_path ? !get : req.method() != http::verb::post)
    {
        auto res = page(req, 405, "Method not allowed", "<p>This page does not take that method.</p>");
        res.set(http::field::allow, path == list_path ? "GET, HEAD" : "POST");
        return res;
    }
    auto who = oauth_.signed_in_owner(req);
    if(!who)
        return page(req, 401, "Sign in first",
                    "<p>You are not signed in. Sign in while connecting an application (the demo: "
                    "<a href=\"/demo\">/demo</a>), then come back to this page.</p>");
    if(get)
    {
        auto target = std::string_view(req.target().data(), req.target().size());
        std::string notice;
        if(target.find("?done=disconnected") != std::string_view::npos)
            notice = "The application was disconnected. It can no longer reach your intercoms.";
        return list_page(req, *who, notice);
    }

    // POST: a form of ours, from this browser, for this owner.
    beast_oauth::param_list form;
    beast_oauth::param_error perr;
    auto cookies = req[http::field::cookie];
    auto nonce = beast_oauth::detail::find_cookie(std::string_view(cookies.data(), cookies.size()), cookie_name());
    if(!is_form(req) || beast_oauth::parse_form(req.body(), form, perr) || nonce.size() != 43 ||
       !beast_oauth::detail::constant_time_equal(form.get_or_empty("csrf"),
                                                 csrf_for(nonce, who->subject, path == disconnect_path ? "disconnect" : "password")))
        return page(req, 403, "Form expired",
                    "<p>This form expired or was sent from elsewhere. <a href=\"/account/connected-apps\">"
                    "Open Connected apps again</a>.</p>");

    if(path == disconnect_path)
    {
        // Only the owner's own grant: revoke_grant checks the grant belongs to this subject.
        if(!grants_.revoke_grant(form.get_or_empty("grant"), beast_oauth::revocation_actor::owner, who->subject, ctx))
            return page(req, 404, "Not connected", "<p>That application is not connected to your account. "
                                                   "<a href=\"/account/connected-apps\">Back</a></p>");
        http_response res{http::status::see_other, req.version()};
        res.keep_alive(req.keep_alive());
        res.set(http::field::location, std::string(list_path) + "?done=disconnected");
        res.set(http::field::cache_control, "no-store");
        res.prepare_payload();
        return res;
    }

    // Password change: the current password proves it is the owner, then every grant ends
    // (Seam's "a user resets their password ... invalidating any access tokens").
    auto email = options_.email_of.find(who->subject);
    auto const current = form.get_or_empty("current_password");
    auto const next = form.get_or_empty("new_password");
    if(email == options_.email_of.end() || !users_.authenticate(email->second, current))
        return page(req, 403, "Password not changed", "<p>The current password is incorrect. "
                                                      "<a href=\"/account/connected-apps\">Back</a></p>");
    if(next.size() < 8 || next.size() > 1024)
        return page(req, 400, "Password not changed", "<p>The new password needs at least 8 characters. "
                                                      "<a href=\"/account/connected-apps\">Back</a></p>");
    users_.set_password(email->second, beast_oauth::hash_password(next, options_.password_hash_iterations));
    auto n = grants_.revoke_subject_grants(who->subject, beast_oauth::revocation_actor::owner, ctx);
    return page(req, 200, "Password changed",
                "<p id=\"notice\">Your password was changed. " + std::to_string(n) + " connected application" +
                    (n == 1 ? " was" : "s were") + " disconnected and must be connected again.</p>"
                    "<p><a href=\"/account/connected-apps\">Connected apps</a></p>");
}

} // namespace intercom
