// The endpoints on asynchronous stores: the whole flow on ONE I/O thread, every store operation
// completing after 5 ms on an Asio timer, 64 flows in flight. They must overlap (no thread pool).
#include "fixture.hpp"
#include "catch.hpp"

#include <beast_oauth/beast_oauth.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <iostream>

using namespace test;
namespace net = boost::asio;

namespace {

// Every operation runs on the wrapped memory stores, then completes 5 ms later on a timer.
class timer_stores : public beast_oauth::async_client_store,
                     public beast_oauth::async_code_store,
                     public beast_oauth::async_token_store,
                     public beast_oauth::async_user_authenticator
{
public:
    timer_stores(net::io_context& io, beast_oauth::memory_store& store, beast_oauth::memory_user_store& users)
        : io_(io)
        , store_(store)
        , users_(users)
    {
    }

    beast_oauth::async_store_set stores() { return {this, this, this, this}; }
    std::size_t operations = 0, in_flight = 0, max_in_flight = 0;

    template<class Handler, class... Results>
    void later(Handler h, Results... r)
    {
        ++operations;
        max_in_flight = std::max(max_in_flight, ++in_flight);
        auto timer = std::make_shared<net::steady_timer>(io_, std::chrono::milliseconds(5));
        timer->async_wait([this, timer, h = std::move(h), r...](boost::system::error_code) mutable {
            --in_flight;
            std::move(h)(std::exception_ptr{}, std::move(r)...);
        });
    }

    void async_find_client(std::string_view id, beast_oauth::completion_handler<void(std::exception_ptr, std::shared_ptr<beast_oauth::client const>)> h) override
    {
        later(std::move(h), store_.find_client(id));
    }
    void async_save_code(beast_oauth::code_record const& r, beast_oauth::completion_handler<void(std::exception_ptr)> h) override
    {
        store_.save_code(r);
        later(std::move(h));
    }
    void async_consume_code(std::string_view sig, beast_oauth::completion_handler<void(std::exception_ptr, beast_oauth::consume_result)> h) override
    {
        later(std::move(h), store_.consume_code(sig));
    }
    void async_claim_code(std::string_view jti, std::string_view grant, beast_oauth::time_point exp,
                          beast_oauth::completion_handler<void(std::exception_ptr, beast_oauth::consume_result)> h) override
    {
        later(std::move(h), store_.claim_code(jti, grant, exp));
    }
    void async_save_token(beast_oauth::token_record const& r, beast_oauth::completion_handler<void(std::exception_ptr, bool)> h) override
    {
        later(std::move(h), store_.save_token(r));
    }
    void async_find_token(std::string_view sig, beast_oauth::completion_handler<void(std::exception_ptr, std::shared_ptr<beast_oauth::token_record const>)> h) override
    {
        later(std::move(h), store_.find_token(sig));
    }
    void async_revoke_grant(std::string_view g, beast_oauth::completion_handler<void(std::exception_ptr)> h) override
    {
        store_.revoke_grant(g);
        later(std::move(h));
    }
    void async_revoke_token(std::string_view s, beast_oauth::completion_handler<void(std::exception_ptr)> h) override
    {
        store_.revoke_token(s);
        later(std::move(h));
    }
    void async_rotate_refresh_token(beast_oauth::refresh_rotation_request const& rq,
                                    beast_oauth::completion_handler<void(std::exception_ptr, beast_oauth::rotate_status, std::shared_ptr<beast_oauth::token_record const>)> h) override
    {
        std::shared_ptr<beast_oauth::token_record const> old;
        auto st = store_.rotate_refresh_token(rq, old);
        later(std::move(h), st, std::move(old));
    }
    void async_revoke_access_tokens(std::string_view g, std::string_view keep, beast_oauth::completion_handler<void(std::exception_ptr)> h) override
    {
        store_.revoke_access_tokens(g, keep);
        later(std::move(h));
    }
    void async_trim_access_tokens(std::string_view g, std::size_t keep, beast_oauth::completion_handler<void(std::exception_ptr)> h) override
    {
        store_.trim_access_tokens(g, keep);
        later(std::move(h));
    }
    void async_authenticate(std::string_view u, std::string_view p,
                            beast_oauth::completion_handler<void(std::exception_ptr, std::optional<beast_oauth::user_identity>)> h) override
    {
        later(std::move(h), users_.authenticate(u, p));
    }

private:
    net::io_context& io_;
    beast_oauth::memory_store& store_;
    beast_oauth::memory_user_store& users_;
};

// One Seam flow: page, sign-in, code exchange, API call; each step awaits the previous one.
struct flow : std::enable_shared_from_this<flow>
{
    beast_oauth::authorization_server& server;
    net::io_context& io;
    int& completed;

    flow(beast_oauth::authorization_server& s, net::io_context& i, int& c) : server(s), io(i), completed(c) {}

    // Completions run on the one I/O thread.
    template<class F>
    auto on_io(F f)
    {
        return net::bind_executor(io, std::move(f));
    }

    void start()
    {
        http_request get{http::verb::get, fixture::authorize_query(), 11};
        beast_oauth::async_handle_request(server, std::move(get), beast_oauth::request_context{"192.0.2.1"},
                                          on_io([self = shared_from_this()](std::optional<http_response> res) { self->sign_in(std::move(*res)); }));
    }
    void sign_in(http_response page)
    {
        REQUIRE(page.result_int() == 200);
        std::string body = form({{"username", owner_email}, {"password", owner_password}, {"action", "sign_in"}});
        for(auto const& [k, v] : hidden_fields(page.body()))
            body += "&" + form({{k, v}});
        http_request post{http::verb::post, "/authorize", 11};
        post.set(http::field::content_type, "application/x-www-form-urlencoded");
        post.set(http::field::cookie, cookie_from(page, "__Host-boa_csrf"));
        post.body() = body;
        post.prepare_payload();
        beast_oauth::async_handle_request(server, std::move(post), beast_oauth::request_context{"192.0.2.1"},
                                          on_io([self = shared_from_this()](std::optional<http_response> res) { self->exchange(std::move(*res)); }));
    }
    void exchange(http_response redirect)
    {
        REQUIRE(redirect.result_int() == 303);
        auto code = query_of(redirect[http::field::location]).at("code");
        http_request req{http::verb::post, "/oauth/token", 11};
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = form({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", seam_callback},
                           {"client_id", "seam"}, {"client_secret", "seamsecret"}});
        req.prepare_payload();
        beast_oauth::async_handle_request(server, std::move(req), beast_oauth::request_context{"192.0.2.1"},
                                          on_io([self = shared_from_this()](std::optional<http_response> res) { self->call_api(std::move(*res)); }));
    }
    void call_api(http_response tokens)
    {
        REQUIRE(tokens.result_int() == 200);
        http_request api{http::verb::get, "/intercoms", 11};
        api.set(http::field::authorization,
                "Bearer " + std::string(boost::json::parse(tokens.body()).at("access_token").as_string()));
        beast_oauth::async_validate_bearer(server, api, "", on_io([self = shared_from_this()](beast_oauth::bearer_result r) {
            CHECK(r.ok());
            CHECK(r.subject() == owner_subject);
            ++self->completed;
        }));
    }
};

} // namespace

TEST_CASE("64 flows on one I/O thread against stores that answer after 5 ms: they overlap")
{
    net::io_context io(1);
    fixture f; // its memory stores and users hold the data; the server below reaches them only asynchronously
    timer_stores timed(io, f.store, f.users);
    auto options = fixture::make_options(beast_oauth::profile::strict, {}, &f);
    beast_oauth::authorization_server server(options, timed.stores());

    int completed = 0;
    for(int i = 0; i < 64; ++i)
        std::make_shared<flow>(server, io, completed)->start();
    auto t0 = std::chrono::steady_clock::now();
    io.run(); // the only thread
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    CHECK(completed == 64);
    // Page (1), sign-in (3), exchange (4), API (1): 9 store operations per flow, 5 ms each.
    CHECK(timed.operations == 64 * 9);
    // Overlap, measured without a clock: 64 flows had an operation pending at the same time.
    CHECK(timed.max_in_flight == 64);
    std::cout << "async stores: " << timed.operations << " operations of 5 ms in " << seconds << " s on one thread ("
              << static_cast<long>(static_cast<double>(timed.operations) / seconds) << " operations/s; sequential: 200/s)\n";
}

TEST_CASE("a server without asynchronous stores refuses the async entry points without an executor")
{
    fixture f;
    http_request req{http::verb::get, "/authorize", 11};
    CHECK_THROWS_AS(beast_oauth::async_handle_request(f.server, req, {}, [](std::optional<http_response>) {}),
                    std::logic_error);
}

TEST_CASE("sync_store_adapter runs the whole flow asynchronously over the memory store")
{
    net::io_context io(1);
    fixture f;
    beast_oauth::sync_store_adapter adapter(&f.store, &f.store, &f.store, &f.users);
    auto options = fixture::make_options(beast_oauth::profile::strict, {}, &f);
    beast_oauth::authorization_server server(options, adapter.stores());
    int completed = 0;
    for(int i = 0; i < 4; ++i)
        std::make_shared<flow>(server, io, completed)->start();
    io.run();
    CHECK(completed == 4);
}
