// A vendor's program as the consumer tests build it: mounts beast-oauth in a small
// Beast server on 127.0.0.1 (ephemeral port) and drives one authorization code flow
// through real sockets:
//   GET /authorize -> sign-in page (hidden fields + CSRF cookie)
//   POST /authorize (sign in) -> 303 to the redirect URI with a code
//   POST /oauth/token -> access token
//   GET /devices with and without the bearer token -> 200 / 401
// The accounts are the vendor's own table (acme_users), not beast-oauth's memory_user_store.
// Built with BEAST_OAUTH_CONSUMER_SQLITE=1 (beast_oauth::sqlite or beast_oauth::sqlite_compiled)
// it then runs the same flow on sqlite_store, as a vendor keeping grants across restarts does:
// without a secret_key the server refuses the durable store; the key comes from
// load_or_create_secret_key (a 0600 file); after a "restart" (store and server rebuilt from the
// files) the token issued before still opens the API.
// Exit status 0 and "consumer flow ok" on success.
#include <beast_oauth/beast_oauth.hpp>
#if BEAST_OAUTH_CONSUMER_SQLITE
#include <beast_oauth/sqlite_store.hpp>
#include <cstdio>
#include <sys/stat.h>
#endif
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <cstdlib>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

#ifndef BEAST_OAUTH_CONSUMER_EXPECT_SEPARATE
#error define BEAST_OAUTH_CONSUMER_EXPECT_SEPARATE to 0 or 1
#endif
#ifndef BEAST_OAUTH_CONSUMER_SQLITE
#define BEAST_OAUTH_CONSUMER_SQLITE 0
#endif
#if BEAST_OAUTH_CONSUMER_EXPECT_SEPARATE && !defined(BEAST_OAUTH_SEPARATE_COMPILATION)
#error beast_oauth::compiled must carry BEAST_OAUTH_SEPARATE_COMPILATION to its consumers
#endif
#if !BEAST_OAUTH_CONSUMER_EXPECT_SEPARATE && defined(BEAST_OAUTH_SEPARATE_COMPILATION)
#error beast_oauth::beast_oauth must be header-only
#endif
#if defined(BOOST_ASIO_SEPARATE_COMPILATION) || defined(BOOST_BEAST_SEPARATE_COMPILATION)
#error beast-oauth must not impose Asio/Beast separate compilation on its consumers
#endif

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

int failures = 0;

void check(bool ok, std::string const& what)
{
    std::cout << (ok ? "  ok   " : "  FAIL ") << what << std::endl;
    if(!ok)
        ++failures;
}

// ---- the vendor's server: beast-oauth mounted in a synchronous Beast loop ----

void serve(tcp::acceptor& acceptor, beast_oauth::authorization_server const& oauth)
{
    for(;;)
    {
        tcp::socket socket(acceptor.get_executor());
        beast::error_code ec;
        acceptor.accept(socket, ec);
        if(ec)
            return; // acceptor closed: shut down
        beast::flat_buffer buffer;
        for(;;)
        {
            http::request_parser<http::string_body> parser;
            parser.body_limit(64 * 1024);
            http::read(socket, buffer, parser, ec);
            if(ec)
                break;
            auto req = parser.release();
            if(req.target() == "/quit")
                return;
            http::response<http::string_body> res;
            if(auto oauth_res = beast_oauth::handle_request(oauth, std::move(req)))
                res = std::move(*oauth_res);
            else if(req.target() == "/devices")
            {
                auto access = oauth.validate_bearer(req);
                if(!access.ok())
                    res = oauth.make_bearer_error(access, req);
                else
                {
                    res = {http::status::ok, req.version()};
                    res.set(http::field::content_type, "application/json");
                    res.body() = R"({"owner":")" + access.token->subject + R"("})";
                }
            }
            else
                res = {http::status::not_found, req.version()};
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            http::write(socket, res, ec);
            if(ec || !res.keep_alive())
                break;
        }
    }
}

// ---- the client side: a browser and Seam, over real sockets ----

http::response<http::string_body> send(unsigned short port, http::request<http::string_body> req)
{
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(false);
    req.prepare_payload();
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res;
}

std::string pct(std::string_view s)
{
    static char const hex[] = "0123456789ABCDEF";
    std::string out;
    for(unsigned char c : s)
    {
        if((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~')
            out.push_back(static_cast<char>(c));
        else
        {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::string html_unescape(std::string s)
{
    std::pair<std::string, std::string> const table[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
    for(auto const& [from, to] : table)
        for(std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
            s.replace(pos, from.size(), to);
    return s;
}

// name -> value of every <input type="hidden" name="..." value="..."> on the page.
std::map<std::string, std::string> hidden_fields(std::string const& html)
{
    std::map<std::string, std::string> out;
    std::string const open = "<input type=\"hidden\" name=\"";
    for(std::size_t pos = 0; (pos = html.find(open, pos)) != std::string::npos;)
    {
        pos += open.size();
        auto name_end = html.find('"', pos);
        auto value_start = html.find("value=\"", name_end) + 7;
        auto value_end = html.find('"', value_start);
        out[html_unescape(html.substr(pos, name_end - pos))] =
            html_unescape(html.substr(value_start, value_end - value_start));
        pos = value_end;
    }
    return out;
}

// "name=value" of every Set-Cookie, joined for a Cookie header.
std::string cookies_of(http::response<http::string_body> const& res)
{
    std::string out;
    for(auto const& f : res)
        if(f.name() == http::field::set_cookie)
        {
            std::string v(f.value());
            out += (out.empty() ? "" : "; ") + v.substr(0, v.find(';'));
        }
    return out;
}

std::string query_param(std::string const& url, std::string const& name)
{
    auto q = url.find('?');
    if(q == std::string::npos)
        return {};
    std::string query = "&" + url.substr(q + 1);
    auto p = query.find("&" + name + "=");
    if(p == std::string::npos)
        return {};
    p += name.size() + 2;
    return query.substr(p, query.find('&', p) - p); // codes are base64url: no decoding needed
}

// ---- the vendor's own account table (not beast-oauth's memory_user_store) ----

class acme_users : public beast_oauth::user_authenticator
{
public:
    void add(std::string email, std::string password, std::string account_id, std::string name)
    {
        rows_[std::move(email)] = {beast_oauth::hash_password(password, 1000), std::move(account_id), std::move(name)};
    }
    std::optional<beast_oauth::user_identity> authenticate(std::string_view username,
                                                           std::string_view password) const override
    {
        auto it = rows_.find(std::string(username));
        if(it == rows_.end() || !beast_oauth::verify_secret(password, it->second.password_hash))
            return std::nullopt;
        return beast_oauth::user_identity{it->second.account_id, it->second.name};
    }

private:
    struct row
    {
        std::string password_hash, account_id, name;
    };
    std::map<std::string, row> rows_;
};

beast_oauth::client seam_client()
{
    beast_oauth::client seam;
    seam.client_id = "seam";
    seam.name = "Seam";
    seam.secret_hash = beast_oauth::hash_client_secret("seamsecret");
    seam.redirect_uris.emplace_back("https://connect.getseam.com/oauth/callback");
    return seam;
}

// Serves `oauth` on an ephemeral port, drives one flow through it and returns the access
// token (empty on failure).
std::string run_flow(beast_oauth::authorization_server const& oauth, std::string const& label)
{
    std::cout << "flow on " << label << std::endl;
    net::io_context server_ioc;
    tcp::acceptor acceptor(server_ioc, {net::ip::make_address("127.0.0.1"), 0});
    auto const port = acceptor.local_endpoint().port();
    std::thread server([&] { serve(acceptor, oauth); });
    std::string result;
    try
    {
        std::string const callback = "https://connect.getseam.com/oauth/callback";
        auto page = send(port, {http::verb::get,
                                "/authorize?response_type=code&client_id=seam&state=xyz&redirect_uri=" + pct(callback),
                                11});
        check(page.result_int() == 200, "GET /authorize shows the sign-in page");
        auto fields = hidden_fields(page.body());
        auto cookie = cookies_of(page);
        check(fields.count("csrf") == 1 && !cookie.empty(), "the page carries a CSRF field and cookie");

        std::string form = "username=" + pct("owner@example.com") + "&password=" + pct("correct horse") +
                           "&action=sign_in";
        for(auto const& [k, v] : fields)
            form += "&" + pct(k) + "=" + pct(v);
        http::request<http::string_body> sign_in{http::verb::post, "/authorize", 11};
        sign_in.set(http::field::content_type, "application/x-www-form-urlencoded");
        sign_in.set(http::field::cookie, cookie);
        sign_in.body() = form;
        auto redirect = send(port, std::move(sign_in));
        std::string location(redirect[http::field::location]);
        check(redirect.result_int() == 303 && location.rfind(callback + "?", 0) == 0,
              "signing in redirects to the client: " + location.substr(0, location.find('?')));
        auto code = query_param(location, "code");
        check(!code.empty() && query_param(location, "state") == "xyz", "the redirect carries the code and state");

        http::request<http::string_body> token_req{http::verb::post, "/oauth/token", 11};
        token_req.set(http::field::content_type, "application/x-www-form-urlencoded");
        token_req.body() = "grant_type=authorization_code&code=" + pct(code) + "&redirect_uri=" + pct(callback) +
                           "&client_id=seam&client_secret=seamsecret";
        auto token_res = send(port, std::move(token_req));
        check(token_res.result_int() == 200, "POST /oauth/token exchanges the code");
        auto json = boost::json::parse(token_res.body()).as_object();
        std::string access_token(json.at("access_token").as_string());
        check(json.at("token_type").as_string() == "Bearer" && json.at("user_id").as_string() == "usr_42",
              "the token response names a Bearer token and the user_id");

        http::request<http::string_body> api{http::verb::get, "/devices", 11};
        api.set(http::field::authorization, "Bearer " + access_token);
        auto devices = send(port, api);
        check(devices.result_int() == 200 && devices.body() == R"({"owner":"usr_42"})",
              "the bearer token opens the device API");
        auto anonymous = send(port, {http::verb::get, "/devices", 11});
        check(anonymous.result_int() == 401 &&
                  anonymous[http::field::www_authenticate].substr(0, 6) == "Bearer",
              "without a token the API answers 401 with a Bearer challenge");
        check(oauth.validate_bearer("Bearer " + access_token).ok(), "validate_bearer accepts the token");
        result = access_token;
    }
    catch(std::exception const& e)
    {
        check(false, std::string("exception: ") + e.what());
    }
    try
    {
        send(port, {http::verb::get, "/quit", 11});
    }
    catch(std::exception const&)
    {
    }
    server.join();
    return result;
}

} // namespace

int main()
{
    std::cout << "beast-oauth " << BEAST_OAUTH_VERSION_STRING
              << (BEAST_OAUTH_CONSUMER_EXPECT_SEPARATE ? " (separately compiled)" : " (header-only)")
              << std::endl;

    acme_users users;
    users.add("owner@example.com", "correct horse", "usr_42", "Owner");
    beast_oauth::server_options options;
    options.profile = beast_oauth::profile::seam;
    {
        beast_oauth::memory_store store;
        store.add_client(seam_client());
        beast_oauth::authorization_server oauth(options, store, store, store, users);
        run_flow(oauth, "memory_store");
    }

#if BEAST_OAUTH_CONSUMER_SQLITE
    {
        std::string const db = "acme_intercom.db", key_file = db + ".key";
        for(auto suffix : {"", "-wal", "-shm", ".key"})
            std::remove((db + suffix).c_str());
        std::string access_token;
        {
            beast_oauth::sqlite_store store(db);
            store.add_client(seam_client());
            check(static_cast<beast_oauth::token_store&>(store).is_durable(), "sqlite_store is durable");
            bool refused = false;
            try
            {
                beast_oauth::authorization_server no_key(options, store, store, store, users);
            }
            catch(std::invalid_argument const& e)
            {
                refused = std::string(e.what()).find("key_file.hpp") != std::string::npos;
            }
            check(refused, "without secret_key the server refuses the durable store and points at key_file.hpp");

            auto key = beast_oauth::load_or_create_secret_key(key_file);
            struct stat st{};
            check(key.created && ::stat(key_file.c_str(), &st) == 0 && (st.st_mode & 0777) == 0600,
                  "load_or_create_secret_key created the key file with mode 0600");
            auto keyed = options;
            keyed.secret_key = key.key;
            beast_oauth::authorization_server oauth(keyed, store, store, store, users);
            access_token = run_flow(oauth, "sqlite_store");
        }
        {
            // A restart: the store and the server rebuilt from the files.
            beast_oauth::sqlite_store store(db);
            auto key = beast_oauth::load_or_create_secret_key(key_file);
            check(!key.created, "the key file is read again at restart");
            auto keyed = options;
            keyed.secret_key = key.key;
            beast_oauth::authorization_server oauth(keyed, store, store, store, users);
            check(!access_token.empty() && oauth.validate_bearer("Bearer " + access_token).ok(),
                  "after a restart the token issued before still opens the API");
        }
        for(auto suffix : {"", "-wal", "-shm", ".key"})
            std::remove((db + suffix).c_str());
    }
#endif

    if(failures)
    {
        std::cout << failures << " check(s) failed" << std::endl;
        return EXIT_FAILURE;
    }
    std::cout << "consumer flow ok" << std::endl;
    return EXIT_SUCCESS;
}
