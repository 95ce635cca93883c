// A store that cannot reach its database throws store_unavailable: every endpoint answers
// temporarily_unavailable / 503 with Retry-After, and writes nothing. Other exceptions stay 500.
#include "store_flows.hpp"
#include "catch.hpp"

#include <beast_oauth/memory_store.hpp>
#include <atomic>

namespace {

using namespace beast_oauth;

// memory_store whose code and token calls fail on demand, before touching anything.
struct flaky_store : memory_store
{
    enum mode_t { up, unavailable, broken };
    std::atomic<mode_t> mode{up};

    void maybe_fail() const
    {
        if(mode == unavailable)
            throw store_unavailable("connection refused", std::chrono::seconds(7));
        if(mode == broken)
            throw std::runtime_error("a bug");
    }
    void save_code(code_record const& r) override { maybe_fail(); memory_store::save_code(r); }
    consume_result consume_code(std::string_view s) override { maybe_fail(); return memory_store::consume_code(s); }
    bool save_token(token_record const& r) override { maybe_fail(); return memory_store::save_token(r); }
    std::shared_ptr<token_record const> find_token(std::string_view s) const override
    {
        maybe_fail();
        return memory_store::find_token(s);
    }
};

struct plain_users : user_authenticator
{
    std::optional<user_identity> authenticate(std::string_view, std::string_view) const override
    {
        return user_identity{test::owner_subject, "Owner"};
    }
};

} // namespace

TEST_CASE("an unreachable store answers temporarily_unavailable with Retry-After, and writes nothing", "[memory]")
{
    namespace http = boost::beast::http;
    flaky_store store;
    plain_users users;
    store.add_client(conformance::flow_driver::seam_client());
    conformance::flow_driver f(store, store, store, users, {}, refresh_rotation::none);
    auto code = f.obtain_code();
    auto first = f.exchange(f.obtain_code());
    REQUIRE(first.result_int() == 200);
    auto access = conformance::flow_driver::field(first, "access_token");

    store.mode = flaky_store::unavailable;
    auto res = f.exchange(code);
    CHECK(res.result_int() == 503);
    CHECK(conformance::flow_driver::field(res, "error") == "temporarily_unavailable");
    CHECK(res[http::field::retry_after] == "7");

    auto signed_in = f.sign_in(); // the page needs only the client; issuing the code fails
    CHECK(signed_in.result_int() == 503);
    CHECK(signed_in[http::field::retry_after] == "7");
    CHECK(signed_in[http::field::location].empty());
    CHECK(std::string(signed_in[http::field::content_type]).rfind("text/html", 0) == 0);

    auto revoked = f.post("/oauth/revoke", test::form({{"token", access}, {"client_id", "seam"},
                                                       {"client_secret", "seamsecret"}}));
    CHECK(revoked.result_int() == 503);
    CHECK(revoked[http::field::retry_after] == "7");

    http_request api{http::verb::get, "/intercoms", 11};
    api.set(http::field::authorization, "Bearer " + access);
    auto bearer = f.server->validate_bearer(api);
    CHECK(bearer.err == error::temporarily_unavailable);
    CHECK(f.server->make_bearer_error(bearer, api).result_int() == 503);
    CHECK(f.server->make_bearer_error(bearer, api)[http::field::retry_after] == "7");

    // Back up: the code was never consumed, so it still works, once.
    store.mode = flaky_store::up;
    auto later = f.exchange(code);
    CHECK(later.result_int() == 200);
    CHECK(f.api_accepts(access));
}

TEST_CASE("any other store exception stays a server_error without Retry-After", "[memory]")
{
    namespace http = boost::beast::http;
    flaky_store store;
    plain_users users;
    store.add_client(conformance::flow_driver::seam_client());
    conformance::flow_driver f(store, store, store, users, {}, refresh_rotation::none);
    auto code = f.obtain_code();
    store.mode = flaky_store::broken;
    auto res = f.exchange(code);
    CHECK(res.result_int() == 500);
    CHECK(conformance::flow_driver::field(res, "error") == "server_error");
    CHECK(res.find(http::field::retry_after) == res.end());
}
