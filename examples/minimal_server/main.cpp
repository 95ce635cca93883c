// The smallest useful mount: beast-oauth inside a plain synchronous Beast server.
// The lines marked [oauth] are all a vendor adds to a server they already have.
#include <beast_oauth/beast_oauth.hpp>                                   // [oauth]
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <iostream>
#include <thread>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

int main(int argc, char** argv)
{
    beast_oauth::memory_store store;                                    // [oauth] or your own store
    beast_oauth::memory_user_store users;                               // [oauth] or your account system
    beast_oauth::client seam;                                           // [oauth]
    seam.client_id = "seam";                                            // [oauth]
    seam.name = "Seam";                                                 // [oauth]
    seam.secret_hash = beast_oauth::hash_client_secret("seamsecret");   // [oauth]
    seam.redirect_uris.emplace_back("https://*.integrations.getseam.com/*");          // [oauth]
    seam.redirect_uris.emplace_back("https://connect.getseam.com/oauth/callback");    // [oauth]
    store.add_client(std::move(seam));                                  // [oauth]
    users.add_user("owner@example.com", beast_oauth::hash_password("change me"),      // [oauth]
                   {"usr_1", "Owner"});                                 // [oauth]
    beast_oauth::server_options options;                                // [oauth]
    options.profile = beast_oauth::profile::seam;                       // [oauth]
    beast_oauth::authorization_server oauth(options, store, store, store, users);     // [oauth]

    boost::asio::io_context ioc;
    tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"),
                                 static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 8081)});
    std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
    for(;;)
    {
        auto socket = acceptor.accept();
        std::thread([&oauth, socket = std::move(socket)]() mutable {
            beast::flat_buffer buffer;
            beast::error_code ec;
            beast_oauth::request_context ctx{socket.remote_endpoint(ec).address().to_string()};  // [oauth]
            for(;;)
            {
                http::request_parser<http::string_body> parser;
                parser.body_limit(64 * 1024);
                http::read(socket, buffer, parser, ec);
                if(ec)
                    break;
                auto req = parser.release();
                http::response<http::string_body> res;
                if(auto oauth_res = beast_oauth::handle_request(oauth, req, ctx))       // [oauth]
                    res = std::move(*oauth_res);                                        // [oauth]
                else if(req.target() == "/devices")
                {
                    auto access = oauth.validate_bearer(req);                           // [oauth]
                    if(!access.ok())                                                    // [oauth]
                        res = oauth.make_bearer_error(access, req);                     // [oauth]
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
        }).detach();
    }
}
