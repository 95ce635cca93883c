// postgres_async_store against a real PostgreSQL (tests/e2e/with_postgres.py sets
// BEAST_OAUTH_TEST_POSTGRES): the store conformance suite through a blocking adapter, sharing the
// database with a postgres_store (clients, sweeps, grants: multi-instance interoperation).
#include "pg_async_harness.hpp"
#include "store_conformance.hpp"
#include "catch.hpp"

#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <functional>

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
                                      "oauth_grants, oauth_tokens, oauth_dpop_jti");
        return open_async(conninfo, std::move(clock));
    });
}

namespace {

// A connection of the test's own that holds a row lock (blocking libpq, on the test thread).
struct lock_holder
{
    explicit lock_holder(std::string const& conninfo) : c(PQconnectdb(conninfo.c_str())) { REQUIRE(PQstatus(c) == CONNECTION_OK); }
    ~lock_holder() { PQfinish(c); }
    void exec(std::string const& sql)
    {
        PGresult* r = PQexec(c, sql.c_str());
        auto st = PQresultStatus(r);
        PQclear(r);
        REQUIRE((st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK));
    }
    PGconn* c;
};

// A code or token of the test client, issued now.
template<class Record>
Record make_record(std::string const& sig, std::string const& grant, std::chrono::seconds ttl)
{
    Record r;
    r.signature = sig;
    r.grant_id = grant;
    r.client_id = "seam";
    r.subject = "usr_1";
    r.scope = "intercoms.read";
    r.issued_at = std::chrono::system_clock::now();
    r.expires_at = r.issued_at + ttl;
    return r;
}

beast_oauth::code_record make_code(std::string const& sig, std::string const& grant)
{
    return make_record<beast_oauth::code_record>(sig, grant, std::chrono::seconds(60));
}

beast_oauth::token_record make_token(std::string const& sig, std::string const& grant)
{
    auto t = make_record<beast_oauth::token_record>(sig, grant, std::chrono::seconds(3600));
    t.kind = beast_oauth::token_kind::access;
    return t;
}

// One code-to-token flow as its four store operations, each started from the previous one's handler.
struct store_flow : std::enable_shared_from_this<store_flow>
{
    beast_oauth::postgres_async_store& store;
    beast_oauth::code_record code;
    beast_oauth::token_record token;
    std::size_t& in_flight;
    std::size_t& max_in_flight;
    std::function<void(bool)> done;

    store_flow(beast_oauth::postgres_async_store& s, int i, std::size_t& f, std::size_t& m, std::function<void(bool)> d)
        : store(s)
        , code(make_code("ovl-code-" + std::to_string(i), "ovl-grant-" + std::to_string(i)))
        , token(make_token("ovl-at-" + std::to_string(i), "ovl-grant-" + std::to_string(i)))
        , in_flight(f)
        , max_in_flight(m)
        , done(std::move(d))
    {
    }
    void begin() { max_in_flight = std::max(max_in_flight, ++in_flight); }
    void start()
    {
        begin();
        store.async_save_code(code, [self = shared_from_this()](std::exception_ptr ep) {
            --self->in_flight;
            if(ep)
                return self->done(false);
            self->begin();
            self->store.async_consume_code(self->code.signature, [self](std::exception_ptr ep2, beast_oauth::consume_result r) {
                --self->in_flight;
                if(ep2 || r.status != beast_oauth::consume_status::consumed)
                    return self->done(false);
                self->begin();
                self->store.async_save_token(self->token, [self](std::exception_ptr ep3, bool saved) {
                    --self->in_flight;
                    if(ep3 || !saved)
                        return self->done(false);
                    self->begin();
                    self->store.async_find_token(self->token.signature,
                                                 [self](std::exception_ptr ep4, std::shared_ptr<beast_oauth::token_record const> t) {
                                                     --self->in_flight;
                                                     self->done(!ep4 && t && t->grant_id == self->token.grant_id);
                                                 });
                });
            });
        });
    }
};

} // namespace

TEST_CASE("postgres_async_store: 64 flows overlap on one I/O thread while one operation waits in the database",
          "[postgres][postgres_async]")
{
    auto conninfo = pg_async_test::conninfo();
    boost::asio::io_context io; // run by this thread only: no pool
    beast_oauth::postgres_store_options o;
    o.max_connections = 8;
    beast_oauth::postgres_async_store store(io.get_executor(), conninfo, o);
    pg_async_test::psql(conninfo, "DELETE FROM oauth_grants WHERE grant_id = 'ovl-blocked';"
                                  "INSERT INTO oauth_grants (grant_id, expires_at) VALUES ('ovl-blocked', 9223372036854775807)");
    // Another session holds the grant's row lock: revoke_grant must wait for it inside PostgreSQL.
    lock_holder holder(conninfo);
    holder.exec("BEGIN");
    holder.exec("SELECT 1 FROM oauth_grants WHERE grant_id = 'ovl-blocked' FOR UPDATE");

    bool revoked = false;
    int flows_done = 0, flows_ok = 0, flows_done_before_revoke = -1;
    std::size_t in_flight = 0, max_in_flight = 0;
    store.async_revoke_grant("ovl-blocked", [&](std::exception_ptr ep) {
        CHECK_FALSE(ep);
        revoked = true;
    });
    for(int i = 0; i < 64; ++i)
        std::make_shared<store_flow>(store, i, in_flight, max_in_flight, [&](bool ok) {
            ++flows_done;
            flows_ok += ok ? 1 : 0;
            if(flows_done == 64)
            {
                // Every flow finished on this one thread while the revocation still waited: release it.
                flows_done_before_revoke = revoked ? -1 : flows_done;
                holder.exec("COMMIT");
            }
        })->start();
    io.run();
    CHECK(flows_ok == 64);
    CHECK(flows_done_before_revoke == 64);
    CHECK(revoked);
    CHECK(max_in_flight > 1);
    CHECK(pg_async_test::psql(conninfo, "SELECT revoked_at IS NOT NULL FROM oauth_grants WHERE grant_id = 'ovl-blocked'") ==
          "t\n");
}

TEST_CASE("postgres_async_store: a lost connection or a missed deadline is store_unavailable, then it recovers",
          "[postgres][postgres_async][outage]")
{
    auto conninfo = pg_async_test::conninfo();
    boost::asio::io_context io;
    beast_oauth::postgres_store_options o;
    o.max_connections = 2;
    o.statement_timeout = std::chrono::milliseconds(500);
    o.query_timeout = std::chrono::milliseconds(1500);
    o.retry_after = std::chrono::seconds(3);
    beast_oauth::postgres_async_store store(io.get_executor(), conninfo, o);
    pg_async_test::psql(conninfo, "DELETE FROM oauth_grants WHERE grant_id LIKE 'out-%';"
                                  "DELETE FROM oauth_tokens WHERE grant_id LIKE 'out-%';"
                                  "INSERT INTO oauth_grants (grant_id, expires_at) VALUES ('out-g', 9223372036854775807)");
    auto outcome = [&](auto start) {
        std::exception_ptr result;
        bool called = false;
        start([&](std::exception_ptr ep, auto&&...) {
            result = ep;
            called = true;
        });
        io.restart();
        io.run();
        REQUIRE(called);
        return result;
    };
    auto is_unavailable = [](std::exception_ptr ep) {
        try
        {
            if(ep)
                std::rethrow_exception(ep);
        }
        catch(beast_oauth::store_unavailable const& e)
        {
            return e.retry_after() == std::chrono::seconds(3);
        }
        catch(...)
        {
        }
        return false;
    };
    // Keep the records alive for the operations (they are read until the handler runs).
    auto t1 = make_token("out-1", "out-g");
    CHECK_FALSE(outcome([&](auto h) { store.async_save_token(t1, h); }));

    SECTION("the server ends the session while a statement runs")
    {
        lock_holder holder(conninfo);
        holder.exec("BEGIN");
        holder.exec("SELECT 1 FROM oauth_grants WHERE grant_id = 'out-g' FOR UPDATE");
        std::exception_ptr ep;
        bool called = false;
        store.async_revoke_grant("out-g", [&](std::exception_ptr e) {
            ep = e;
            called = true;
        });
        // Once the revocation waits on the lock, its backend is terminated (a crash, a failover).
        boost::asio::steady_timer poll(io);
        std::function<void()> kill = [&] {
            auto n = pg_async_test::psql(conninfo, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                                   " WHERE application_name = 'beast_oauth' AND wait_event_type = 'Lock'");
            if(n == "0\n" && !called)
            {
                poll.expires_after(std::chrono::milliseconds(20));
                poll.async_wait([&](boost::system::error_code) { kill(); });
            }
        };
        kill();
        io.restart();
        io.run();
        REQUIRE(called);
        CHECK(is_unavailable(ep));
        holder.exec("ROLLBACK");
    }
    SECTION("a statement outlives statement_timeout")
    {
        lock_holder holder(conninfo);
        holder.exec("BEGIN");
        holder.exec("SELECT 1 FROM oauth_grants WHERE grant_id = 'out-g' FOR UPDATE");
        auto t2 = make_token("out-2", "out-g");
        // The server cancels it (57014) and rolls it back: 503, and nothing written.
        CHECK(is_unavailable(outcome([&](auto h) { store.async_save_token(t2, h); })));
        holder.exec("ROLLBACK");
    }
    SECTION("every pooled connection is closed by the server while idle")
    {
        pg_async_test::psql(conninfo, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                      " WHERE application_name = 'beast_oauth'");
        while(pg_async_test::psql(conninfo, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'beast_oauth'") != "0\n")
            std::this_thread::sleep_for(std::chrono::milliseconds(10)); // until their sockets are closed
    }
    // Recovered: new connections, and the writes that failed left nothing behind.
    auto t3 = make_token("out-3", "out-g");
    CHECK_FALSE(outcome([&](auto h) { store.async_save_token(t3, h); }));
    CHECK(pg_async_test::psql(conninfo, "SELECT signature FROM oauth_tokens WHERE grant_id = 'out-g' ORDER BY 1") ==
          "out-1\nout-3\n");
}

TEST_CASE("postgres_async_store: a server that refuses new sessions is store_unavailable, then it recovers",
          "[postgres][postgres_async][outage]")
{
    auto conninfo = pg_async_test::conninfo();
    // A role of the store's own, so that its logins can be refused and allowed again.
    pg_async_test::psql(conninfo, "DROP ROLE IF EXISTS boa_outage; CREATE ROLE boa_outage LOGIN SUPERUSER");
    boost::asio::io_context io;
    beast_oauth::postgres_store_options o;
    o.connect_timeout = std::chrono::seconds(2);
    beast_oauth::postgres_async_store store(io.get_executor(), conninfo + " user=boa_outage", o);
    auto find = [&] {
        std::exception_ptr result;
        bool called = false;
        store.async_find_token("nothing", [&](std::exception_ptr ep, std::shared_ptr<beast_oauth::token_record const>) {
            result = ep;
            called = true;
        });
        io.restart();
        io.run();
        REQUIRE(called);
        return result;
    };
    CHECK_FALSE(find());
    pg_async_test::psql(conninfo, "ALTER ROLE boa_outage NOLOGIN; SELECT pg_terminate_backend(pid) FROM "
                                  "pg_stat_activity WHERE usename = 'boa_outage'");
    while(pg_async_test::psql(conninfo, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'boa_outage'") != "0\n")
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto ep = find();
    REQUIRE(ep);
    CHECK_THROWS_AS(std::rethrow_exception(ep), beast_oauth::store_unavailable);
    pg_async_test::psql(conninfo, "ALTER ROLE boa_outage LOGIN");
    CHECK_FALSE(find());
}
