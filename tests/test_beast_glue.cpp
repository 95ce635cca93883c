// handle_request / async_handle_request: dispatch, offloading, and store failures.
#include "fixture.hpp"
#include "catch.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http/parser.hpp>
#include <thread>

using namespace test;

TEST_CASE("targets that are not ours come back empty, untouched")
{
    fixture f;
    http_request req{http::verb::get, "/intercoms", 11};
    req.body() = "keep";
    CHECK_FALSE(beast_oauth::handle_request(f.server, std::move(req)));
    CHECK(req.body() == "keep");
    CHECK(beast_oauth::is_oauth_target(f.server, "/oauth/token"));
    CHECK(beast_oauth::is_oauth_target(f.server, "/authorize?x=1"));
    CHECK_FALSE(beast_oauth::is_oauth_target(f.server, "/authorizex"));
    CHECK_FALSE(beast_oauth::is_oauth_target(f.server, "/oauth/token/x"));
}

TEST_CASE("an empty path disables its endpoint: the vendor's own route there stays the vendor's")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.revocation_path.clear();
        o.introspection_path.clear();
    });
    http_request req{http::verb::post, "/oauth/revoke", 11};
    req.set(http::field::host, "intercom.example.test");
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = "token=vendor-thing";
    req.prepare_payload();
    CHECK_FALSE(beast_oauth::is_oauth_target(f.server, "/oauth/revoke"));
    CHECK_FALSE(beast_oauth::is_oauth_target(f.server, "/oauth/introspect"));
    CHECK_FALSE(beast_oauth::is_oauth_target(f.server, ""));
    CHECK_FALSE(beast_oauth::handle_request(f.server, std::move(req)));
    CHECK(req.body() == "token=vendor-thing"); // untouched, for the vendor's router
    // The other endpoints still answer, and the metadata no longer advertises the disabled ones.
    CHECK(beast_oauth::is_oauth_target(f.server, "/oauth/token"));
    http_request meta{http::verb::get, "/.well-known/oauth-authorization-server", 11};
    meta.set(http::field::host, "intercom.example.test");
    auto res = beast_oauth::handle_request(f.server, std::move(meta));
    REQUIRE(res);
    CHECK(res->body().find("revocation_endpoint") == std::string::npos);
    CHECK(res->body().find("introspection_endpoint") == std::string::npos);

    fixture defaults;
    CHECK(beast_oauth::is_oauth_target(defaults.server, "/oauth/revoke")); // answered by default
}

TEST_CASE("async_handle_request runs the endpoint on the work executor and completes on the caller's", "[concurrency]")
{
    fixture f;
    boost::asio::io_context io;
    boost::asio::thread_pool pool(1);
    std::thread::id work_thread, io_thread = std::this_thread::get_id();
    std::optional<std::optional<http_response>> result;
    http_request req{http::verb::get, fixture::authorize_query(), 11};
    beast_oauth::async_handle_request(f.server, std::move(req), pool.get_executor(),
                                      [&](std::optional<http_response> res) {
                                          work_thread = std::this_thread::get_id();
                                          result = std::move(res);
                                      });
    io.run(); // nothing bound to io: the handler runs on the pool's executor by default
    pool.join();
    REQUIRE(result);
    REQUIRE(*result);
    CHECK((*result)->result_int() == 200);
    CHECK(work_thread != io_thread);
}

TEST_CASE("async_handle_request with a handler bound to an io_context", "[concurrency]")
{
    fixture f;
    boost::asio::io_context io;
    boost::asio::thread_pool pool(1);
    std::thread::id handler_thread;
    unsigned status = 0;
    http_request req{http::verb::get, fixture::authorize_query(), 11};
    beast_oauth::async_handle_request(f.server, std::move(req), pool.get_executor(),
                                      boost::asio::bind_executor(io, [&](std::optional<http_response> res) {
                                          handler_thread = std::this_thread::get_id();
                                          status = res ? res->result_int() : 0;
                                      }));
    io.run();
    pool.join();
    CHECK(status == 200);
    CHECK(handler_thread == std::this_thread::get_id());
}

namespace {
struct throwing_store : beast_oauth::code_store
{
    void save_code(beast_oauth::code_record const&) override { throw std::runtime_error("db password=hunter2 unreachable"); }
    beast_oauth::consume_result consume_code(std::string_view) override { throw std::runtime_error("db password=hunter2 unreachable"); }
};
} // namespace

TEST_CASE("a store that throws becomes server_error without leaking its message")
{
    beast_oauth::memory_store store;
    beast_oauth::memory_user_store users;
    throwing_store codes;
    beast_oauth::client c;
    c.client_id = "seam";
    c.secret_hash = beast_oauth::hash_client_secret("seamsecret");
    c.redirect_uris.emplace_back(seam_callback);
    store.add_client(c);
    users.add_user(owner_email, beast_oauth::hash_password(owner_password, 1000), {owner_subject, "Owner"});
    std::vector<std::string> logged;
    beast_oauth::server_options o;
    o.log = [&](beast_oauth::log_event const& e) { logged.emplace_back(e.detail); };
    beast_oauth::authorization_server server(o, store, codes, store, users);

    // The token endpoint: consume_code throws.
    http_request req{http::verb::post, "/oauth/token", 11};
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = "grant_type=authorization_code&code=boa_ac_" + std::string(43, 'a') + "." + std::string(43, 'a') +
                 "&client_id=seam&client_secret=seamsecret&redirect_uri=" + seam_callback;
    auto res = beast_oauth::handle_request(server, std::move(req));
    REQUIRE(res);
    // The forged code fails its signature check before any store call.
    CHECK(res->result_int() == 400);

    // The authorize endpoint: save_code throws after a successful sign-in.
    fixture helper; // only for its page-scraping helpers
    http_request get{http::verb::get, fixture::authorize_query(), 11};
    auto page = server.handle_authorize(get);
    REQUIRE(page.result_int() == 200);
    auto fields = hidden_fields(page.body());
    boost::urls::url u;
    for(auto const& [k, v] : fields)
        u.params().append({k, v});
    u.params().append({"username", owner_email});
    u.params().append({"password", owner_password});
    http_request post{http::verb::post, "/authorize", 11};
    post.set(http::field::content_type, "application/x-www-form-urlencoded");
    post.set(http::field::cookie, cookie_from(page, "boa_csrf"));
    post.body() = std::string(u.encoded_query());
    auto failed = beast_oauth::handle_request(server, std::move(post));
    REQUIRE(failed);
    CHECK(failed->result_int() == 500);
    CHECK(failed->find(http::field::location) == failed->end());
    CHECK(failed->body().find("hunter2") == std::string::npos);
    REQUIRE_FALSE(logged.empty());
    CHECK(logged.back().find("unreachable") != std::string::npos);
}

TEST_CASE("HEAD answers carry no body but the GET's Content-Length (RFC 9110 9.3.2)")
{
    fixture f;
    for(auto target : {fixture::authorize_query(), std::string("/oauth/token"),
                       std::string("/.well-known/oauth-authorization-server"), std::string("/authorize?client_id=nope")})
    {
        INFO(target);
        http_request get{http::verb::get, target, 11};
        auto full = beast_oauth::handle_request(f.server, std::move(get));
        REQUIRE(full);
        http_request head{http::verb::head, target, 11};
        auto res = beast_oauth::handle_request(f.server, std::move(head));
        REQUIRE(res);
        CHECK(res->body().empty());
        CHECK(res->result_int() == full->result_int());
        CHECK((*res)[http::field::content_length] == std::to_string(full->body().size()));
    }
}

TEST_CASE("attack: request-smuggling shapes get 400 and Connection: close (RFC 9112 6.1, 6.3, 3.2)")
{
    fixture f;
    auto token_request = [] {
        http_request req{http::verb::post, "/oauth/token", 11};
        req.set(http::field::host, "intercom.example.test");
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = "grant_type=authorization_code&code=x&client_id=seam&client_secret=seamsecret";
        return req;
    };
    auto expect_refused = [&](http_request req, std::string const& why) {
        INFO(why);
        CHECK(beast_oauth::check_request_shape(req));
        auto res = beast_oauth::handle_request(f.server, std::move(req));
        REQUIRE(res);
        CHECK(res->result_int() == 400);
        CHECK_FALSE(res->keep_alive());
        CHECK((*res)[http::field::connection] == "close");
    };
    for(auto te : {"gzip", "chunked, identity", "xchunked", "chunked, gzip", "identity"})
    {
        auto req = token_request();
        req.set(http::field::transfer_encoding, te);
        expect_refused(std::move(req), te);
    }
    {
        auto req = token_request();
        req.set(http::field::transfer_encoding, "chunked");
        req.set(http::field::content_length, "10");
        expect_refused(std::move(req), "TE + CL");
    }
    {
        auto req = token_request();
        req.insert(http::field::content_length, "10");
        req.insert(http::field::content_length, "10");
        expect_refused(std::move(req), "two Content-Length");
    }
    {
        auto req = token_request();
        req.insert(http::field::authorization, "Basic " + base64("seam:seamsecret"));
        req.insert(http::field::authorization, "Basic " + base64("single:singlesecret"));
        expect_refused(std::move(req), "two Authorization");
    }
    {
        auto req = token_request();
        req.set(http::field::transfer_encoding, "gzip, chunked"); // chunked last: allowed framing
        CHECK_FALSE(beast_oauth::check_request_shape(req));
    }
    // Host rules (the transport's check): none on HTTP/1.1, or two.
    auto no_host = token_request();
    no_host.erase(http::field::host);
    CHECK(beast_oauth::check_request_shape(no_host));
    CHECK_FALSE(beast_oauth::check_request_shape(no_host, false));
    auto http10 = no_host;
    http10.version(10);
    CHECK_FALSE(beast_oauth::check_request_shape(http10));
    auto two_hosts = token_request();
    two_hosts.insert(http::field::host, "evil.example");
    CHECK(beast_oauth::check_request_shape(two_hosts));
    auto fine = token_request();
    CHECK_FALSE(beast_oauth::check_request_shape(fine));
}

TEST_CASE("Beast's parser alone lets a non-chunked Transfer-Encoding through: the shape check is needed")
{
    // What the transport sees for "Transfer-Encoding: gzip": Beast reads no body, so the body's
    // bytes would be parsed as the next request. check_request_shape refuses the first one.
    std::string raw = "POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"
                      "GET /intercoms HTTP/1.1\r\nHost: x\r\n\r\n";
    http::request_parser<http::string_body> parser;
    boost::beast::error_code ec;
    parser.eager(true);
    parser.put(boost::asio::buffer(raw), ec);
    if(!ec && parser.is_done())
    {
        auto req = parser.release();
        CHECK(beast_oauth::check_request_shape(req));
    }
    else
        SUCCEED("Beast refused it itself: " + ec.message());
}
