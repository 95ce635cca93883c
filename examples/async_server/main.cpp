// beast-oauth mounted into Boost.Beast's canonical asynchronous server
// (the shape of Beast's example/http/server/async: a listener and one session per
// connection). The lines marked [oauth] are all a vendor adds to such a server.
//
//   async_server [port]        port 0 picks a free one; the bound port is printed
//
// Sign in as owner@example.com / "change me"; the client is `seam` with secret `seamsecret`.
#include <beast_oauth/beast_oauth.hpp>                                        // [oauth]
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

void fail(beast::error_code ec, char const* what)
{
    std::cerr << what << ": " << ec.message() << "\n";
}

// The vendor's own API, protected by bearer tokens: `access` was checked off the I/O thread.
http::message_generator handle_api(beast_oauth::authorization_server const& oauth,
                                   http::request<http::string_body> const& req,
                                   beast_oauth::bearer_result const& access)
{
    if(req.target() == "/devices")
    {
        if(!access.ok())                                                     // [oauth]
            return oauth.make_bearer_error(access, req);                     // [oauth]
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/json");
        res.keep_alive(req.keep_alive());
        res.body() = R"({"owner":")" + access.token->subject + R"(","devices":["front door"]})";
        res.prepare_payload();
        return res;
    }
    http::response<http::string_body> res{http::status::not_found, req.version()};
    res.set(http::field::content_type, "text/plain");
    res.keep_alive(req.keep_alive());
    res.body() = "not found\n";
    res.prepare_payload();
    return res;
}

class session : public std::enable_shared_from_this<session>
{
public:
    session(tcp::socket&& socket, beast_oauth::authorization_server const& oauth,
            net::thread_pool& work)
        : stream_(std::move(socket))
        , oauth_(oauth)
        , work_(work)
    {
    }

    void run()
    {
        net::dispatch(stream_.get_executor(),
                      beast::bind_front_handler(&session::do_read, shared_from_this()));
    }

private:
    void do_read()
    {
        parser_.emplace();
        parser_->body_limit(64 * 1024);
        stream_.expires_after(std::chrono::seconds(30));
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t)
    {
        if(ec == http::error::end_of_stream)
            return do_close();
        if(ec)
            return fail(ec, "read");
        auto req = parser_->release();
        if(beast_oauth::is_oauth_target(oauth_, req.target()))               // [oauth]
        {
            // Sign-in hashes a password and stores may block: run the endpoint on the
            // work pool and come back to this connection's strand to write.
            beast_oauth::async_handle_request(                               // [oauth]
                oauth_, std::move(req), context(), work_.get_executor(),     // [oauth]
                net::bind_executor(stream_.get_executor(),                   // [oauth]
                    [self = shared_from_this()](std::optional<beast_oauth::http_response> res) {
                        self->send_response(std::move(*res));                // [oauth]
                    }));
            return;
        }
        // The bearer check reads the token store: also on the pool (async_validate_bearer).
        auto shared = std::make_shared<http::request<http::string_body>>(std::move(req));
        beast_oauth::async_validate_bearer(                                  // [oauth]
            oauth_, *shared, "", work_.get_executor(),                       // [oauth]
            net::bind_executor(stream_.get_executor(),                       // [oauth]
                [self = shared_from_this(), shared](beast_oauth::bearer_result access) {
                    self->send_response(handle_api(self->oauth_, *shared, access));
                }));
    }

    // The peer's address, for per-address throttling and the audit events.
    beast_oauth::request_context context()
    {
        beast::error_code ec;
        auto peer = stream_.socket().remote_endpoint(ec);
        return {ec ? std::string() : peer.address().to_string()};
    }

    void send_response(http::message_generator&& msg)
    {
        bool keep_alive = msg.keep_alive();
        beast::async_write(stream_, std::move(msg),
                           beast::bind_front_handler(&session::on_write, shared_from_this(), keep_alive));
    }

    void on_write(bool keep_alive, beast::error_code ec, std::size_t)
    {
        if(ec)
            return fail(ec, "write");
        if(!keep_alive)
            return do_close();
        do_read();
    }

    void do_close()
    {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    beast_oauth::authorization_server const& oauth_;
    net::thread_pool& work_;
};

class listener : public std::enable_shared_from_this<listener>
{
public:
    listener(net::io_context& ioc, tcp::endpoint endpoint,
             beast_oauth::authorization_server const& oauth, net::thread_pool& work)
        : ioc_(ioc)
        , acceptor_(net::make_strand(ioc))
        , oauth_(oauth)
        , work_(work)
    {
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(net::socket_base::max_listen_connections);
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    void run() { do_accept(); }

private:
    void do_accept()
    {
        acceptor_.async_accept(net::make_strand(ioc_),
                               beast::bind_front_handler(&listener::on_accept, shared_from_this()));
    }

    void on_accept(beast::error_code ec, tcp::socket socket)
    {
        if(ec)
            fail(ec, "accept");
        else
            std::make_shared<session>(std::move(socket), oauth_, work_)->run();
        do_accept();
    }

    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    beast_oauth::authorization_server const& oauth_;
    net::thread_pool& work_;
};

} // namespace

int main(int argc, char** argv)
{
    auto const port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 8082);

    beast_oauth::memory_store store;                                         // [oauth]
    beast_oauth::memory_user_store users;                                    // [oauth]
    beast_oauth::client seam;                                                // [oauth]
    seam.client_id = "seam";                                                 // [oauth]
    seam.name = "Seam";                                                      // [oauth]
    seam.secret_hash = beast_oauth::hash_client_secret("seamsecret");        // [oauth]
    seam.redirect_uris.emplace_back("https://connect.getseam.com/oauth/callback"); // [oauth]
    store.add_client(std::move(seam));                                       // [oauth]
    users.add_user("owner@example.com", beast_oauth::hash_password("change me"),   // [oauth]
                   {"usr_1", "Owner"});                                      // [oauth]
    beast_oauth::server_options options;                                     // [oauth]
    options.profile = beast_oauth::profile::seam;                            // [oauth]
    beast_oauth::authorization_server oauth(options, store, store, store, users); // [oauth]
    net::thread_pool work(2);                                                // [oauth] blocking work

    unsigned const threads = 2;
    net::io_context ioc{static_cast<int>(threads)};
    auto l = std::make_shared<listener>(ioc, tcp::endpoint{net::ip::make_address("127.0.0.1"), port},
                                        oauth, work);
    std::cout << "listening on http://127.0.0.1:" << l->port() << std::endl;
    l->run();

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) { ioc.stop(); });

    std::vector<std::thread> v;
    for(unsigned i = 1; i < threads; ++i)
        v.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for(auto& t : v)
        t.join();
    work.join();
    return EXIT_SUCCESS;
}
