// beast-oauth example: an intercom vendor's backend that Seam connects to.
//
// An async Boost.Beast server (HTTP, or HTTPS with --tls-cert/--tls-key) that mounts the
// OAuth 2.0 endpoints and serves Seam's intercom API behind bearer tokens.

#include "account_pages.hpp"
#include "admin.hpp"
#include "audit_log.hpp"
#include "client_secrets.hpp"
#include "config.hpp"
#include "connection_limit.hpp"
#include "metrics_page.hpp"
#include "router.hpp"
#include "store.hpp"

#include <algorithm>
#include <array>
#include <beast_oauth/beast_oauth.hpp>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

std::mutex log_mutex;

void log_line(std::string const& line)
{
    std::lock_guard<std::mutex> lock(log_mutex);
    std::cout << line << std::endl;
}

struct shared_state
{
    beast_oauth::authorization_server& oauth;
    intercom::router& router;
    net::thread_pool& work_pool; // blocking work: password hashing, database stores
    bool access_log = true;
    bool store_blocks = false; // a database store: every request leaves the I/O threads
    beast_oauth::trusted_proxies const& proxies; // whose Forwarded / X-Forwarded-For is believed
    intercom::connection_limit& connections;      // per TCP peer address
    bool store_async = false; // "postgres_async": the OAuth endpoints and API bearer checks stay on the I/O threads
    intercom::metrics_page const* metrics = nullptr; // GET /metrics here (behind the scrape token)
    bool metrics_only = false;                       // the metrics listener: /metrics and nothing else
};

// Which requests leave the I/O threads. With the in-memory store only the sign-in POST
// blocks (PBKDF2); everything else is microseconds and runs inline. With a database store
// (SQLite, PostgreSQL) every request does (shared_state::store_blocks).
bool blocks(beast_oauth::http_request const& req, beast_oauth::server_options const& o)
{
    auto target = req.target();
    return req.method() == http::verb::post && target.substr(0, target.find('?')) == o.authorize_path;
}

// One io_context per I/O thread: a connection lives on one thread, so no strand or
// type-erased executor sits on the hot path.
using executor_t = net::io_context::executor_type;
using socket_t = net::basic_stream_socket<tcp, executor_t>;
using timer_t = net::basic_waitable_timer<std::chrono::steady_clock, net::wait_traits<std::chrono::steady_clock>, executor_t>;

// One connection: read a request, answer it, repeat while keep-alive. An idle or slow
// connection is closed by a watchdog that checks a deadline, so a request costs no timer
// operation of its own.
template<class Stream>
class session : public std::enable_shared_from_this<session<Stream>>
{
public:
    session(Stream stream, shared_state& state, std::string peer, intercom::connection_slot slot)
        : stream_(std::move(stream))
        , timer_(socket().get_executor())
        , state_(state)
        , peer_(std::move(peer))
        , slot_(std::move(slot))
    {
    }

    void run()
    {
        beast::error_code ec;
        socket().set_option(tcp::no_delay(true), ec);
        touch(std::chrono::seconds(30));
        watchdog();
        if constexpr(std::is_same_v<Stream, socket_t>)
            read();
        else
            stream_.async_handshake(ssl::stream_base::server,
                                    beast::bind_front_handler(&session::on_handshake, this->shared_from_this()));
    }

private:
    socket_t& socket()
    {
        if constexpr(std::is_same_v<Stream, socket_t>)
            return stream_;
        else
            return stream_.next_layer();
    }

    void touch(std::chrono::seconds idle) { deadline_ = std::chrono::steady_clock::now() + idle; }

    void watchdog()
    {
        timer_.expires_at(deadline_);
        timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
            if(ec || self->closed_)
                return;
            if(std::chrono::steady_clock::now() >= self->deadline_)
            {
                beast::error_code ignored;
                self->socket().close(ignored); // idle or too slow: cancels the pending operation
                return;
            }
            self->watchdog();
        });
    }

    void on_handshake(beast::error_code ec)
    {
        if(!ec)
            read();
        else
            finish();
    }

    void read()
    {
        parser_.emplace();
        parser_->body_limit(64 * 1024);
        parser_->header_limit(16 * 1024);
        touch(std::chrono::seconds(60));
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&session::on_read, this->shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t)
    {
        if(ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
           ec == net::error::connection_reset || ec == net::error::bad_descriptor)
            return close();
        if(ec)
        {
            // Malformed or oversized requests get a specific status, then the connection closes.
            unsigned status = ec == http::error::body_limit ? 413 : ec == http::error::header_limit ? 431 : 400;
            beast_oauth::http_response res{static_cast<http::status>(status), 11};
            res.set(http::field::content_type, "application/json");
            res.set(http::field::connection, "close");
            res.body() = std::string(R"({"error":"invalid_request","error_description":")") +
                         (status == 413 ? "request body too large" : status == 431 ? "request headers too large"
                                                                                    : "malformed HTTP request") +
                         "\"}";
            res.keep_alive(false);
            res.prepare_payload();
            method_ = "-";
            path_ = "-";
            return send(std::move(res));
        }
        auto req = parser_->release();
        // The client's address: the TCP peer, or what a trusted proxy reports (RFC 7239).
        context_.remote_address = beast_oauth::client_address(peer_, req, state_.proxies);
        if(state_.access_log)
        {
            started_ = std::chrono::steady_clock::now();
            method_ = std::string(req.method_string());
            auto target = req.target();
            path_ = std::string(target.substr(0, target.find('?'))); // never log the query: it carries codes
        }
        // Framing Beast accepts but a proxy may read differently (RFC 9112 6.1, 6.3, 3.2): 400, then
        // close without reading what follows, so a request hidden in the body is never answered.
        if(auto refused = beast_oauth::reject_malformed_request(req))
        {
            beast_oauth::drop_body_for_head(*refused, req);
            refused->keep_alive(false);
            return send(std::move(*refused));
        }
        if(state_.store_async && beast_oauth::is_oauth_target(state_.oauth, req.target()) &&
           !blocks(req, state_.oauth.options()))
        {
            // postgres_async: the endpoint runs on this I/O thread; its store calls wait on the
            // database's sockets, not on a thread. (The sign-in POST still hashes on the pool.)
            beast_oauth::async_handle_request(
                state_.oauth, std::move(req), context_,
                net::bind_executor(this->socket().get_executor(),
                                   [self = this->shared_from_this()](std::optional<beast_oauth::http_response> res) {
                                       if(res)
                                           return self->send(std::move(*res));
                                       beast_oauth::http_response missing{http::status::not_found, 11};
                                       missing.prepare_payload();
                                       self->send(std::move(missing));
                                   }));
            return;
        }
        if(state_.store_async && !state_.metrics_only)
            if(auto scope = state_.router.api.bearer_scope(req))
            {
                // postgres_async: the device API's bearer check waits on the database's socket
                // on this I/O thread too; the device data is in memory.
                auto shared = std::make_shared<beast_oauth::http_request>(std::move(req));
                beast_oauth::async_validate_bearer(
                    state_.oauth, *shared, *scope,
                    net::bind_executor(this->socket().get_executor(),
                                       [self = this->shared_from_this(), shared](beast_oauth::bearer_result access) {
                                           self->send(self->state_.router.route_api(*shared, access));
                                       }));
                return;
            }
        if(state_.store_blocks ||
           (beast_oauth::is_oauth_target(state_.oauth, req.target()) && blocks(req, state_.oauth.options())) ||
           (req.method() == http::verb::post && intercom::account_pages::handles(req))) // PBKDF2
        {
            // PBKDF2, or any request when a database store answers (the OAuth endpoints and the
            // bearer checks of the API): answered on the work pool, written on this connection's
            // I/O thread, so no I/O thread ever waits on a hash or a database.
            net::post(state_.work_pool, [self = this->shared_from_this(), req = std::move(req)]() mutable {
                auto res = self->answer(std::move(req));
                net::post(self->socket().get_executor(),
                          [self, res = std::move(res)]() mutable { self->send(std::move(res)); });
            });
            return;
        }
        send(answer(std::move(req)));
    }

    beast_oauth::http_response answer(beast_oauth::http_request&& req)
    {
        if(state_.metrics_only)
            return state_.metrics->answer(req, false);
        if(state_.metrics && intercom::metrics_page::handles(req))
            return state_.metrics->answer(req, true);
        if(auto res = beast_oauth::handle_request(state_.oauth, req, context_))
            return std::move(*res);
        return state_.router.route_local(req, context_); // handle_request left it untouched
    }

    void send(beast_oauth::http_response res)
    {
        if(state_.access_log)
        {
            auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - started_).count();
            log_line(method_ + " " + path_ + " " + std::to_string(res.result_int()) + " " +
                     std::to_string(elapsed) + "us");
        }
        response_ = std::move(res);
        http::async_write(stream_, response_,
                          beast::bind_front_handler(&session::on_write, this->shared_from_this()));
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
        if constexpr(std::is_same_v<Stream, socket_t>)
        {
            // Lingering close: send FIN, then read and discard for up to 2 s, so the peer reads the
            // whole response before the socket closes (closing with unread bytes sends RST).
            stream_.shutdown(tcp::socket::shutdown_send, ec);
            touch(std::chrono::seconds(2));
            watchdog(); // re-armed at the nearer deadline
            drain();
        }
        else
        {
            touch(std::chrono::seconds(5));
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->finish(); });
        }
    }

    void drain()
    {
        socket().async_read_some(net::buffer(discard_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if(ec)
                return self->finish(); // EOF, or the watchdog closed the socket
            self->drain();
        });
    }

    void finish()
    {
        closed_ = true;
        timer_.cancel();
    }

    Stream stream_;
    timer_t timer_;
    std::chrono::steady_clock::time_point deadline_{};
    bool closed_ = false;
    shared_state& state_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    beast_oauth::http_response response_;
    std::chrono::steady_clock::time_point started_{};
    std::string method_, path_;
    std::string peer_;                      // the TCP peer's address
    intercom::connection_slot slot_;        // released when the session ends
    std::array<char, 4096> discard_{};      // lingering close
    beast_oauth::request_context context_; // the client's address, for throttling and audit
};

class listener : public std::enable_shared_from_this<listener>
{
public:
    listener(std::vector<std::unique_ptr<net::io_context>>& io, tcp::acceptor acceptor, ssl::context* tls,
             shared_state& state)
        : io_(io)
        , acceptor_(std::move(acceptor))
        , tls_(tls)
        , state_(state)
        , retry_(acceptor_.get_executor())
    {
    }

    void run() { accept(); }

    void stop()
    {
        net::post(acceptor_.get_executor(), [self = shared_from_this()] {
            beast::error_code ec;
            self->acceptor_.close(ec);
            self->retry_.cancel();
        });
    }

private:
    void accept()
    {
        // Connections go to the I/O threads in turn.
        auto& ioc = *io_[next_++ % io_.size()];
        acceptor_.async_accept(ioc.get_executor(),
                               beast::bind_front_handler(&listener::on_accept, shared_from_this()));
    }

    void on_accept(beast::error_code ec, socket_t socket)
    {
        if(ec == net::error::operation_aborted || !acceptor_.is_open())
            return;
        if(ec)
            return back_off(ec);
        backoff_ = std::chrono::milliseconds(0);
        beast::error_code peer_ec;
        auto peer = socket.remote_endpoint(peer_ec);
        if(!peer_ec)
        {
            auto address = peer.address();
            if(address.is_v6() && address.to_v6().is_v4_mapped())
                address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
            // Counted per TCP peer (a forwarded address is the client's claim, not a socket it holds).
            auto text = address.to_string();
            if(auto slot = state_.connections.acquire(text))
            {
                if(tls_)
                    std::make_shared<session<ssl::stream<socket_t>>>(ssl::stream<socket_t>(std::move(socket), *tls_),
                                                                      state_, text, std::move(slot))->run();
                else
                    std::make_shared<session<socket_t>>(std::move(socket), state_, text, std::move(slot))->run();
            }
            else
                socket.close(peer_ec); // over max_connections_per_address: closed at once
        }
        accept();
    }

    // EMFILE, ENFILE, ENOBUFS, ENOMEM...: the connection stays queued, so accepting again at once
    // fails again at once (100 % CPU). Wait 10 ms, doubling to 1 s; a success resets it.
    void back_off(beast::error_code ec)
    {
        if(backoff_.count() == 0)
            log_line("accept failed: " + ec.message() + "; retrying with back-off (10 ms doubling to 1 s)");
        backoff_ = std::clamp(backoff_ * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
        retry_.expires_after(backoff_);
        retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
            if(!wait_ec && self->acceptor_.is_open())
                self->accept();
        });
    }

    std::vector<std::unique_ptr<net::io_context>>& io_;
    tcp::acceptor acceptor_;
    ssl::context* tls_;
    shared_state& state_;
    std::size_t next_ = 0;
    net::steady_timer retry_;
    std::chrono::milliseconds backoff_{0};
};

void usage()
{
    std::cout << "usage: intercom_server [--config FILE] [--listen HOST:PORT] [--threads N]\n"
                 "                       [--store memory|sqlite:PATH|postgres:CONNINFO]\n"
                 "                       [--tls-cert CERT.pem --tls-key KEY.pem] [--metrics-listen HOST:PORT]\n"
                 "       intercom_server --generate-client-secret\n"
                 "       intercom_server admin add-client|list-clients|rotate-secret --store sqlite:PATH|postgres:CONNINFO ...\n";
}

} // namespace

int main(int argc, char** argv)
{
    if(argc > 1 && std::string_view(argv[1]) == "admin")
        return intercom::run_admin(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr);
    std::string config_path;
#ifdef BEAST_OAUTH_EXAMPLE_CONFIG
    config_path = BEAST_OAUTH_EXAMPLE_CONFIG;
#endif
    std::string listen_override, store_override, tls_cert, tls_key, metrics_listen_override;
    unsigned threads_override = 0;
    for(int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if(i + 1 >= argc)
            {
                std::cerr << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if(a == "--config") config_path = value();
        else if(a == "--listen") listen_override = value();
        else if(a == "--metrics-listen") metrics_listen_override = value();
        else if(a == "--store") store_override = value();
        else if(a == "--tls-cert") tls_cert = value();
        else if(a == "--tls-key") tls_key = value();
        else if(a == "--threads") threads_override = static_cast<unsigned>(std::stoul(value()));
        else if(a == "--help" || a == "-h") { usage(); return 0; }
        else if(a == "--generate-client-secret") { intercom::print_new_client_secret(std::cout); return 0; }
        else { std::cerr << "unknown argument: " << a << "\n"; usage(); return 2; }
    }
    if(tls_cert.empty() != tls_key.empty())
    {
        std::cerr << "--tls-cert and --tls-key go together\n";
        return 2;
    }

    intercom::server_config cfg;
    try
    {
        cfg = intercom::load_config(config_path);
        if(!listen_override.empty())
            intercom::parse_listen(listen_override, cfg);
        if(!metrics_listen_override.empty())
            cfg.metrics_listen = metrics_listen_override;
        intercom::check_metrics_settings(cfg);
    }
    catch(std::exception const& e)
    {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    if(threads_override)
        cfg.threads = threads_override;
    if(!store_override.empty())
        cfg.store = store_override;

    try
    {
        std::vector<std::unique_ptr<net::io_context>> io;
        for(unsigned i = 0; i < cfg.threads; ++i)
            io.push_back(std::make_unique<net::io_context>(1));
        auto& ioc = *io.front();
        std::unique_ptr<ssl::context> tls;
        if(!tls_cert.empty())
        {
            tls = std::make_unique<ssl::context>(ssl::context::tls_server);
            tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
            tls->use_certificate_chain_file(tls_cert);
            tls->use_private_key_file(tls_key, ssl::context::pem);
        }

        // Clients from the config are written to the store at every start (a durable store keeps
        // them; the config stays the source of truth).
        auto stores = intercom::open_store(cfg.store, cfg.replay_window);
        if(cfg.postgres_async)
            intercom::open_async_store(stores, cfg.store, cfg.replay_window, ioc.get_executor());
        std::string key_note;
        if(stores.durable)
            cfg.oauth.secret_key = intercom::durable_secret_key(stores, cfg.oauth.secret_key, key_note);
        beast_oauth::memory_user_store users;
        for(auto& c : cfg.clients)
            stores.add_client(c);
        for(auto& u : cfg.users)
            users.add_user(u.email, u.password_hash, u.identity);
        std::unique_ptr<intercom::demo_client> demo;
        if(cfg.demo)
        {
            demo = std::make_unique<intercom::demo_client>();
            stores.add_client(demo->registration());
        }

        // Bind first: with port 0 the issuer comes from the port we got.
        auto address = net::ip::make_address(cfg.listen_host == "localhost" ? "127.0.0.1" : cfg.listen_host);
        tcp::acceptor acceptor(ioc);
        tcp::endpoint ep(address, cfg.listen_port);
        acceptor.open(ep.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen(net::socket_base::max_listen_connections);
        auto port = acceptor.local_endpoint().port();
        auto scheme = tls ? std::string("https") : std::string("http");
        if(cfg.oauth.issuer.empty())
            cfg.oauth.issuer = scheme + "://localhost:" + std::to_string(port);
        // One JSON object per line: no field can end a record or forge one.
        cfg.oauth.log = [](beast_oauth::log_event const& e) { log_line(intercom::log_record(e)); };
        if(cfg.audit_log)
            cfg.oauth.audit = [](beast_oauth::audit_event const& e) { log_line(intercom::audit_record(e)); };

        if(cfg.uses_jwt)
        {
            // JWT tokens: sign with the configured key, or a fresh one (tokens then die with the process).
            auto keys = std::make_shared<beast_oauth::key_set>();
            if(!cfg.signing_key_file.empty())
            {
                std::ifstream in(cfg.signing_key_file);
                if(!in)
                    throw std::runtime_error("cannot read signing_key_file " + cfg.signing_key_file);
                std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                keys->add(beast_oauth::signing_key::from_pem(pem, cfg.signing_alg, "key-1"));
            }
            else
            {
                std::cout << "WARNING: no signing_key_file: generated a signing key for this run; JWTs it signs\n"
                             "WARNING: stop verifying when the server restarts.\n";
                keys->add(beast_oauth::signing_key::generate(cfg.signing_alg, "generated-1"));
            }
            cfg.oauth.signing_keys = keys;
            // The example always checks revocation of JWT access tokens (the default).
            cfg.oauth.jwt_check_revocation = true;
        }

        // Request metrics (off by default): the library's counters, scraped at GET /metrics.
        beast_oauth::metrics_collector metrics;
        bool const metrics_on = !cfg.metrics_listen.empty() || cfg.metrics_on_public_listener;
        if(metrics_on)
            cfg.oauth.metrics = metrics.hook();
        intercom::metrics_page metrics_page(metrics, cfg.metrics_token);

        // Database stores block on I/O (and SQLite on fsync): more workers keep requests in flight.
        net::thread_pool work_pool(stores.durable ? 8 : 2);
        // postgres_async: the OAuth endpoints also get the asynchronous stores (users: the memory
        // user store, only reached by the sign-in POST, which stays on the pool).
        beast_oauth::sync_store_adapter async_users(nullptr, nullptr, nullptr, &users);
        if(stores.async.tokens)
            stores.async.users = &async_users;
        beast_oauth::authorization_server oauth(
            cfg.oauth, beast_oauth::store_set{stores.clients, stores.codes, stores.tokens, &users}, stores.async);
        intercom::intercom_api api(oauth, cfg.api_base_path, std::move(cfg.devices));
        intercom::router router{oauth, api, demo.get()};
        // The owner's Connected apps page and password change (issue 14).
        beast_oauth::grant_manager grants(oauth, *stores.grants, *stores.tokens, *stores.clients);
        intercom::account_pages_options account_options;
        if(auto en = cfg.oauth.sign_in.languages.find("en"); en != cfg.oauth.sign_in.languages.end())
            account_options.scope_words = en->second.scope_descriptions;
        for(auto const& u : cfg.users)
            account_options.email_of[u.identity.subject] = u.email;
        account_options.password_hash_iterations = cfg.password_hash_iterations;
        account_options.secure_cookies = oauth.options().secure_cookies.value_or(oauth.options().issuer.rfind("https://", 0) == 0);
        intercom::account_pages account(oauth, grants, users, std::move(account_options));
        router.account = &account;
        intercom::connection_limit connections(cfg.max_connections_per_address);
        shared_state state{oauth, router, work_pool, cfg.access_log, stores.durable, cfg.trusted_proxies, connections};
        state.store_async = stores.async.tokens != nullptr;
        if(cfg.metrics_on_public_listener)
            state.metrics = &metrics_page;
        shared_state metrics_state = state;
        metrics_state.metrics = &metrics_page;
        metrics_state.metrics_only = true;
        metrics_state.store_blocks = false; // a scrape reads counters only
        if(!cfg.access_log)
            std::cout << "access log off (\"access_log\": false)\n";
        if(!cfg.audit_log)
            std::cout << "audit log off (\"audit_log\": false): security events are not recorded\n";
        if(cfg.password_hash_iterations < 100000)
            std::cout << "NOTE: password_hash_iterations=" << cfg.password_hash_iterations
                      << ": passwords are hashed cheaply (load-test setting, not for production)\n";
        auto lst = std::make_shared<listener>(io, std::move(acceptor), tls.get(), state);
        lst->run();
        std::shared_ptr<listener> metrics_lst;
        std::string metrics_url;
        if(!cfg.metrics_listen.empty())
        {
            // Plain HTTP on its own address (keep it on loopback or a private network).
            std::string mhost;
            unsigned short mport = 0;
            intercom::parse_host_port(cfg.metrics_listen, mhost, mport);
            auto maddress = net::ip::make_address(mhost == "localhost" ? "127.0.0.1" : mhost);
            tcp::acceptor macceptor(ioc);
            tcp::endpoint mep(maddress, mport);
            macceptor.open(mep.protocol());
            macceptor.set_option(net::socket_base::reuse_address(true));
            macceptor.bind(mep);
            macceptor.listen(net::socket_base::max_listen_connections);
            auto bound = macceptor.local_endpoint();
            metrics_url = "http://" + (maddress.is_v6() ? "[" + maddress.to_string() + "]" : maddress.to_string()) + ":" +
                          std::to_string(bound.port()) + "/metrics";
            metrics_lst = std::make_shared<listener>(io, std::move(macceptor), nullptr, metrics_state);
            metrics_lst->run();
        }

        std::cout << "beast-oauth intercom server " << BEAST_OAUTH_VERSION_STRING << "\n";
        intercom::warn_weak_client_secrets(cfg, std::cout);
        if(cfg.demo)
            std::cout << "WARNING: DEMO CONFIGURATION. Client 'seam' uses the test secret 'seamsecret' and a demo\n"
                         "WARNING: owner account exists. Never expose this configuration to a network.\n";
        std::cout << "store: " << stores.description << "\n";
        if(!stores.durable)
            std::cout << "WARNING: IN-MEMORY STORE. Every code, token and grant is lost when the server stops, and\n"
                         "WARNING: owners must reconnect. Use \"store\": \"sqlite:PATH\" (or --store) to keep them.\n";
        if(!key_note.empty())
            std::cout << key_note << "\n";
        auto host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
        std::cout << "listening on " << scheme << "://" << host << ":" << port << "\n";
        if(!metrics_url.empty())
            std::cout << "metrics on " << metrics_url << "\n";
        if(cfg.metrics_on_public_listener)
            std::cout << "metrics also on the public listener at /metrics (Bearer metrics_token)\n";
        if(cfg.demo)
            std::cout << "Open " << scheme << "://localhost:" << port
                      << "/demo in a browser to run the whole flow (sign in with a user from the config;\n"
                         "the shipped demo config's owner is owner@example.com, password in README.md).\n";
        std::cout << std::flush;

        net::signal_set signals(ioc, SIGINT, SIGTERM);
        net::steady_timer grace(ioc);
        signals.async_wait([&](beast::error_code, int sig) {
            log_line(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
            lst->stop();
            if(metrics_lst)
                metrics_lst->stop();
            // Give in-flight requests a moment, then stop.
            grace.expires_after(std::chrono::milliseconds(500));
            grace.async_wait([&](beast::error_code) {
                for(auto& c : io)
                    c->stop();
            });
        });

        std::vector<std::thread> pool;
        std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
        for(auto& c : io)
            keep_running.push_back(net::make_work_guard(*c));
        for(unsigned i = 1; i < cfg.threads; ++i)
            pool.emplace_back([c = io[i].get()] { c->run(); });
        ioc.run();
        for(auto& c : io)
            c->stop();
        for(auto& t : pool)
            t.join();
        work_pool.join();
        log_line("stopped");
    }
    catch(std::exception const& e)
    {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
