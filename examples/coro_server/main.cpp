// beast-oauth in a C++20 coroutine server (asio::awaitable / co_await).
// The OAuth endpoints run on a work pool through beast_oauth::async_handle_request
// with asio::use_awaitable; the lines marked [oauth] are all beast-oauth adds.
//
//   coro_server [port]        port 0 picks a free one; the bound port is printed
//
// Sign in as owner@example.com / "change me"; the client is `seam` with secret `seamsecret`.
#include <beast_oauth/beast_oauth.hpp>                                        // [oauth]
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#if !defined(__cpp_impl_coroutine) || !defined(BOOST_ASIO_HAS_CO_AWAIT)
#error this example needs C++20 coroutines
#endif

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;

namespace {

// The vendor's own API, protected by bearer tokens; the check runs on the pool.
awaitable<http::response<http::string_body>> handle_api(beast_oauth::authorization_server const& oauth,
                                                        http::request<http::string_body> const& req,
                                                        net::thread_pool& work)
{
    if(req.target() == "/devices")
    {
        auto access = co_await beast_oauth::async_validate_bearer(          // [oauth]
            oauth, req, "", work.get_executor(), use_awaitable);             // [oauth]
        if(!access.ok())                                                     // [oauth]
            co_return oauth.make_bearer_error(access, req);                  // [oauth]
        http::response<http::string_body> res{http::status::ok, req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"owner":")" + access.token->subject + R"(","devices":["front door"]})";
        co_return res;
    }
    http::response<http::string_body> res{http::status::not_found, req.version()};
    res.set(http::field::content_type, "text/plain");
    res.body() = "not found\n";
    co_return res;
}

awaitable<void> serve(beast::tcp_stream stream, beast_oauth::authorization_server const& oauth,
                      net::thread_pool& work)
{
    beast::flat_buffer buffer;
    for(;;)
    {
        http::request_parser<http::string_body> parser;
        parser.body_limit(64 * 1024);
        stream.expires_after(std::chrono::seconds(30));
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, net::as_tuple(use_awaitable));
        (void)n;
        if(ec)
            break;
        auto req = parser.release();
        bool const keep_alive = req.keep_alive();

        http::response<http::string_body> res;
        beast::error_code pec;
        beast_oauth::request_context ctx;                                    // [oauth]
        if(auto peer = stream.socket().remote_endpoint(pec); !pec)
            ctx.remote_address = peer.address().to_string();                 // [oauth] throttling, audit
        if(beast_oauth::is_oauth_target(oauth, req.target()))                // [oauth]
            res = std::move(*co_await beast_oauth::async_handle_request(     // [oauth]
                oauth, std::move(req), ctx, work.get_executor(), use_awaitable)); // [oauth]
        else
            res = co_await handle_api(oauth, req, work);
        res.keep_alive(keep_alive);
        res.prepare_payload();

        auto [wec, wn] = co_await http::async_write(stream, res, net::as_tuple(use_awaitable));
        (void)wn;
        if(wec || !keep_alive)
            break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

awaitable<void> listen(tcp::acceptor& acceptor, beast_oauth::authorization_server const& oauth,
                       net::thread_pool& work)
{
    for(;;)
    {
        auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(use_awaitable));
        if(ec)
        {
            if(ec == net::error::operation_aborted)
                co_return;
            continue;
        }
        auto ex = socket.get_executor();
        net::co_spawn(ex, serve(beast::tcp_stream(std::move(socket)), oauth, work), net::detached);
    }
}

} // namespace

int main(int argc, char** argv)
{
    auto const port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 8083);

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

    net::io_context ioc;
    tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), port});
    std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
    net::co_spawn(ioc, listen(acceptor, oauth, work), net::detached);

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) { ioc.stop(); });
    ioc.run();
    work.join();
    return EXIT_SUCCESS;
}
