// The Beast floor for bench/compare.sh: what the example server's HTTP transport costs with no
// OAuth work at all, so every figure of the comparison reads "Beast floor + OAuth overhead".
//
// THIS IS A DELIBERATE COPY of the transport in examples/intercom_server/main.cpp (plain TCP
// path): one io_context per I/O thread (same count, --threads), connections handed out in turn,
// TCP_NODELAY, the per-address connection_limit, a deadline watchdog instead of a timer per
// request (30 s to the first request, 60 s per read), a fresh request_parser<string_body> per
// request with the same body and header limits, one flat_buffer per connection, the lingering
// close, glibc's allocator (nothing replaced), and sign-in POSTs answered on a 2-thread work
// pool as the example does for PBKDF2 with the in-memory store. Keep it in step when the
// example's transport changes. Left out: TLS, the access log (off in bench/load-config.json),
// the framing checks and routing of the library: those count as the library's overhead.
//
// Answers, with canned bytes of about the example's sizes, the routes the drivers use:
//   GET  /authorize?...   200 sign-in form: a CSRF cookie, the query echoed as hidden inputs
//   POST /authorize       302 to the form's redirect_uri with a fixed code and the form's state
//   POST /oauth/token     200 fixed token JSON
//   GET  /intercoms       200 fixed JSON (W1 sends a bearer token; it is not checked)
// Built only with -DBEAST_OAUTH_BUILD_BENCH=ON (bench/CMakeLists.txt); never installed.
//
//   beast_floor [--listen 127.0.0.1:PORT] [--threads N]

#include "connection_limit.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace urls = boost::urls;
using tcp = net::ip::tcp;

namespace {

using request_t = http::request<http::string_body>;
using response_t = http::response<http::string_body>;

constexpr char csrf[] = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA";
constexpr char code[] = "Wm9vYmFyYmF6cXV4MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM";
constexpr char token_body[] =
    R"({"access_token":"at1.ZAbCdEfGhIjKlMnOpQrStUvWxYz0123456789aBcDeFgHiJk","token_type":"Bearer",)"
    R"("expires_in":3600,"refresh_token":"rt1.QAbCdEfGhIjKlMnOpQrStUvWxYz0123456789aBcDeFgHiJk","scope":""})";
constexpr char intercoms_body[] = R"({"intercoms":[]})"; // what the example's load config lists
// The example's page is ~2.7 KB with its style sheet: the same byte count goes on the wire here.
std::string const style = "<style>" + std::string(1900, ' ') + "</style>";

std::string attr_escape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for(char c : s)
        switch(c)
        {
        case '"': out += "&quot;"; break;
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        default: out += c;
        }
    return out;
}

response_t reply(request_t const& req, http::status s, char const* type, std::string body)
{
    response_t res{s, req.version()};
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

// The sign-in page: the query's parameters as hidden inputs, a CSRF token in a cookie and the form.
response_t sign_in_page(request_t const& req)
{
    std::string page =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in</title>" + style + "</head><body>"
        "<main><h1>Sign in to connect Seam</h1><form method=\"post\" action=\"/authorize\">"
        "<label>Email <input name=\"email\" type=\"email\" autocomplete=\"username\" required></label>"
        "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>"
        "<input type=\"hidden\" name=\"csrf\" value=\"";
    page += csrf;
    page += "\">";
    if(auto u = urls::parse_origin_form(req.target()))
        for(auto p : u->params())
            page += "<input type=\"hidden\" name=\"" + attr_escape(p.key) + "\" value=\"" + attr_escape(p.value) + "\">";
    page += "<button type=\"submit\">Sign in</button></form></main></body></html>";
    auto res = reply(req, http::status::ok, "text/html; charset=utf-8", std::move(page));
    // The example's security headers, canned (same bytes on the wire).
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'sha256-DqigNx2f1YgocJdxXpqSmsRUZrL3NokhaLkGZzXXfh4='; form-action 'self' "
            "https://connect.example-client.test; frame-ancestors 'none'; base-uri 'none'");
    res.set(http::field::x_frame_options, "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::pragma, "no-cache");
    res.set(http::field::set_cookie, std::string("__Host-csrf=") + csrf + "; Path=/; Secure; HttpOnly; SameSite=Lax");
    return res;
}

// The sign-in POST: a redirect to the form's redirect_uri with a fixed code and the form's state.
response_t sign_in_post(request_t const& req)
{
    urls::url u("https://connect.example-client.test/callback");
    std::string state;
    auto form = "/?" + req.body(); // the form body parsed as a query
    if(auto q = urls::parse_origin_form(form))
        for(auto p : q->params())
        {
            if(p.key == "redirect_uri")
                if(auto r = urls::parse_absolute_uri(p.value))
                    u = *r;
            if(p.key == "state")
                state = p.value;
        }
    u.params().set("code", code);
    u.params().set("state", state);
    auto res = reply(req, http::status::found, "text/html; charset=utf-8", "");
    res.set(http::field::location, u.buffer());
    return res;
}

response_t answer(request_t const& req)
{
    auto target = req.target();
    auto path = target.substr(0, target.find('?'));
    if(path == "/authorize")
        return req.method() == http::verb::post ? sign_in_post(req) : sign_in_page(req);
    if(path == "/oauth/token" && req.method() == http::verb::post)
        return reply(req, http::status::ok, "application/json", token_body);
    if(path == "/intercoms")
        return reply(req, http::status::ok, "application/json", intercoms_body);
    return reply(req, http::status::not_found, "application/json", R"({"error":"not_found"})");
}

// --- from here on, the example's transport (examples/intercom_server/main.cpp) ---------------

using executor_t = net::io_context::executor_type;
using socket_t = net::basic_stream_socket<tcp, executor_t>;
using timer_t = net::basic_waitable_timer<std::chrono::steady_clock, net::wait_traits<std::chrono::steady_clock>, executor_t>;

class session : public std::enable_shared_from_this<session>
{
public:
    session(socket_t socket, net::thread_pool& work_pool, intercom::connection_slot slot)
        : socket_(std::move(socket))
        , timer_(socket_.get_executor())
        , work_pool_(work_pool)
        , slot_(std::move(slot))
    {
    }

    void run()
    {
        beast::error_code ec;
        socket_.set_option(tcp::no_delay(true), ec);
        touch(std::chrono::seconds(30));
        watchdog();
        read();
    }

private:
    void touch(std::chrono::seconds idle) { deadline_ = std::chrono::steady_clock::now() + idle; }

    void watchdog()
    {
        timer_.expires_at(deadline_);
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if(ec || self->closed_)
                return;
            if(std::chrono::steady_clock::now() >= self->deadline_)
            {
                beast::error_code ignored;
                self->socket_.close(ignored);
                return;
            }
            self->watchdog();
        });
    }

    void read()
    {
        parser_.emplace();
        parser_->body_limit(64 * 1024);
        parser_->header_limit(16 * 1024);
        touch(std::chrono::seconds(60));
        http::async_read(socket_, buffer_, *parser_, beast::bind_front_handler(&session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t)
    {
        if(ec)
            return close();
        auto req = parser_->release();
        if(req.method() == http::verb::post && req.target().substr(0, 10) == "/authorize")
        {
            // Where the example hashes the password: on the work pool, written on this thread.
            net::post(work_pool_, [self = shared_from_this(), req = std::move(req)]() mutable {
                auto res = answer(req);
                net::post(self->socket_.get_executor(), [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
            });
            return;
        }
        send(answer(req));
    }

    void send(response_t res)
    {
        response_ = std::move(res);
        http::async_write(socket_, response_, beast::bind_front_handler(&session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t)
    {
        if(ec)
            return finish();
        if(!response_.keep_alive())
            return close();
        read();
    }

    void close()
    {
        beast::error_code ec;
        socket_.shutdown(tcp::socket::shutdown_send, ec);
        touch(std::chrono::seconds(2));
        watchdog();
        drain();
    }

    void drain()
    {
        socket_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if(ec)
                return self->finish();
            self->drain();
        });
    }

    void finish()
    {
        closed_ = true;
        timer_.cancel();
    }

    socket_t socket_;
    timer_t timer_;
    std::chrono::steady_clock::time_point deadline_{};
    bool closed_ = false;
    net::thread_pool& work_pool_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    response_t response_;
    intercom::connection_slot slot_;
    std::array<char, 4096> discard_{};
};

class listener : public std::enable_shared_from_this<listener>
{
public:
    listener(std::vector<std::unique_ptr<net::io_context>>& io, tcp::acceptor acceptor, net::thread_pool& work_pool,
             intercom::connection_limit& connections)
        : io_(io), acceptor_(std::move(acceptor)), work_pool_(work_pool), connections_(connections)
    {
    }

    void accept()
    {
        auto& ioc = *io_[next_++ % io_.size()];
        acceptor_.async_accept(ioc.get_executor(), beast::bind_front_handler(&listener::on_accept, shared_from_this()));
    }

private:
    void on_accept(beast::error_code ec, socket_t socket)
    {
        if(ec == net::error::operation_aborted || !acceptor_.is_open())
            return;
        beast::error_code peer_ec;
        auto peer = socket.remote_endpoint(peer_ec);
        if(!ec && !peer_ec)
        {
            if(auto slot = connections_.acquire(peer.address().to_string()))
                std::make_shared<session>(std::move(socket), work_pool_, std::move(slot))->run();
            else
                socket.close(peer_ec);
        }
        accept();
    }

    std::vector<std::unique_ptr<net::io_context>>& io_;
    tcp::acceptor acceptor_;
    net::thread_pool& work_pool_;
    intercom::connection_limit& connections_;
    std::size_t next_ = 0;
};

} // namespace

int main(int argc, char** argv)
{
    std::string host = "127.0.0.1";
    unsigned short port = 18086;
    unsigned threads = 2;
    for(int i = 1; i + 1 < argc; i += 2)
    {
        std::string a = argv[i], v = argv[i + 1];
        if(a == "--listen")
        {
            host = v.substr(0, v.rfind(':'));
            port = static_cast<unsigned short>(std::stoul(v.substr(v.rfind(':') + 1)));
        }
        else if(a == "--threads")
            threads = static_cast<unsigned>(std::max(1ul, std::stoul(v)));
    }
    std::vector<std::unique_ptr<net::io_context>> io;
    for(unsigned i = 0; i < threads; ++i)
        io.push_back(std::make_unique<net::io_context>(1));
    auto& ioc = *io.front();
    tcp::acceptor acceptor(ioc);
    tcp::endpoint ep(net::ip::make_address(host), port);
    acceptor.open(ep.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(net::socket_base::max_listen_connections);
    net::thread_pool work_pool(2);
    intercom::connection_limit connections(4096);
    auto lst = std::make_shared<listener>(io, std::move(acceptor), work_pool, connections);
    lst->accept();
    std::cout << "beast floor listening on http://" << host << ":" << port << std::endl;

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
        for(auto& c : io)
            c->stop();
    });
    std::vector<std::thread> pool;
    std::vector<net::executor_work_guard<executor_t>> keep_running;
    for(auto& c : io)
        keep_running.push_back(net::make_work_guard(*c));
    for(unsigned i = 1; i < threads; ++i)
        pool.emplace_back([c = io[i].get()] { c->run(); });
    ioc.run();
    for(auto& c : io)
        c->stop();
    for(auto& t : pool)
        t.join();
    work_pool.join();
    return 0;
}
