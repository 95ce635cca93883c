// postgres_async_store against a real PostgreSQL (tests/e2e/with_postgres.py sets
// BEAST_OAUTH_TEST_POSTGRES): the store conformance suite through a blocking adapter, sharing the
// database with a postgres_store (clients, sweeps, grants: multi-instance interoperation).
#include "pg_async_harness.hpp"
#include "store_conformance.hpp"
#include "catch.hpp"

using namespace conformance;
using pg_async_test::blocking_async_store;

namespace {

store_under_test open_async(std::string const& conninfo, std::function<beast_oauth::time_point()> clock)
{
    beast_oauth::postgres_store_options o;
    o.clock = clock;
    o.max_connections = 6;
    o.acquire_timeout = std::chrono::milliseconds(20000);
    // The admin side (add_client, sweep, grant records) is a blocking postgres_store on the same database.
    auto admin = std::make_shared<beast_oauth::postgres_store>(conninfo, o);
    o.client_cache_ttl = std::chrono::seconds(0); // a client replaced through `admin` shows at once
    auto store = std::make_shared<blocking_async_store>(conninfo, o);
    store_under_test s;
    s.clients = store.get();
    s.codes = store.get();
    s.tokens = store.get();
    s.grants = admin.get();
    s.add_client = [p = admin.get()](beast_oauth::client const& c) { p->add_client(c); };
    s.sweep = [p = admin.get()](beast_oauth::time_point now) { return p->sweep(now); };
    s.raw_contents = [conninfo] {
        std::string all;
        for(auto table : {"oauth_clients", "oauth_codes", "oauth_grants", "oauth_tokens"})
            all += pg_async_test::psql(conninfo, std::string("SELECT t::text FROM ") + table + " t");
        return all;
    };
    s.reopen = [conninfo, clock] { return open_async(conninfo, clock); };
    s.owner = std::make_shared<std::pair<std::shared_ptr<beast_oauth::postgres_store>,
                                         std::shared_ptr<blocking_async_store>>>(admin, store);
    return s;
}

} // namespace

TEST_CASE("postgres_async_store passes the store conformance suite", "[conformance][postgres][postgres_async]")
{
    auto conninfo = pg_async_test::conninfo();
    run_store_conformance([conninfo](std::function<beast_oauth::time_point()> clock) {
        pg_async_test::psql(conninfo, "DROP TABLE IF EXISTS oauth_schema_version, oauth_clients, oauth_codes, "
                                      "oauth_grants, oauth_tokens");
        return open_async(conninfo, std::move(clock));
    });
}

TEST_CASE("postgres_async_store completes with store_unavailable when the server cannot be reached",
          "[postgres][postgres_async]")
{
    auto conninfo = pg_async_test::conninfo();
    boost::asio::io_context io;
    beast_oauth::postgres_store_options o;
    o.connect_timeout = std::chrono::seconds(2);
    beast_oauth::postgres_async_store store(io.get_executor(), conninfo, o);
    // The same store, pointed at a port where nothing listens, after its migration succeeded.
    CHECK_THROWS_AS(beast_oauth::postgres_async_store(io.get_executor(), "host=127.0.0.1 port=1 dbname=x user=x", o),
                    beast_oauth::store_unavailable);
}
