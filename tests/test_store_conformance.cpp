// Runs the store conformance suite against every store: memory, SQLite, PostgreSQL.
// The PostgreSQL run needs BEAST_OAUTH_TEST_POSTGRES=<conninfo> (tests/e2e/with_postgres.py
// starts a throwaway server and sets it); without it that test case fails, it never skips.
#include "store_conformance.hpp"
#include "catch.hpp"

#include <beast_oauth/memory_store.hpp>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

#ifdef BEAST_OAUTH_TEST_SQLITE
#include <beast_oauth/sqlite_store.hpp>
#include <sqlite3.h>
#endif
#ifdef BEAST_OAUTH_TEST_POSTGRES
#include <beast_oauth/postgres_store.hpp>
#include <libpq-fe.h>
#endif

using namespace conformance;

namespace {

template<class Store>
store_under_test view_of(std::shared_ptr<Store> store)
{
    store_under_test s;
    s.clients = store.get();
    s.codes = store.get();
    s.tokens = store.get();
    s.add_client = [p = store.get()](beast_oauth::client const& c) { p->add_client(c); };
    s.owner = std::move(store);
    return s;
}

} // namespace

TEST_CASE("memory_store passes the store conformance suite", "[conformance][memory]")
{
    run_store_conformance([](std::function<beast_oauth::time_point()> clock) {
        return view_of(std::make_shared<beast_oauth::memory_store>(std::move(clock)));
    });
}

#ifdef BEAST_OAUTH_TEST_SQLITE
namespace {

std::string read_file(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A fresh database file per test run; removed with the last store that uses it.
struct sqlite_files
{
    std::string path;
    ~sqlite_files()
    {
        for(auto suffix : {"", "-wal", "-shm"})
            std::remove((path + suffix).c_str());
    }
};

store_under_test open_sqlite(std::shared_ptr<sqlite_files> files, std::function<beast_oauth::time_point()> clock)
{
    beast_oauth::sqlite_store_options o;
    o.clock = clock;
    o.busy_timeout = std::chrono::milliseconds(20000);
    auto store = std::make_shared<beast_oauth::sqlite_store>(files->path, o);
    auto s = view_of(store);
    s.sweep = [p = store.get()](beast_oauth::time_point now) { return p->sweep(now); };
    // The bytes on disk: database, write-ahead log and shared memory file.
    s.raw_contents = [files] {
        return read_file(files->path) + read_file(files->path + "-wal") + read_file(files->path + "-shm");
    };
    s.reopen = [files, clock] { return open_sqlite(files, clock); };
    // Keep the files until the store on them is closed (members go in reverse order).
    struct owner
    {
        std::shared_ptr<sqlite_files> files;
        std::shared_ptr<void> store;
    };
    s.owner = std::make_shared<owner>(owner{files, std::move(s.owner)});
    return s;
}

} // namespace

TEST_CASE("sqlite_store passes the store conformance suite", "[conformance][sqlite]")
{
    static std::atomic<int> counter{0};
    run_store_conformance([](std::function<beast_oauth::time_point()> clock) {
        auto files = std::make_shared<sqlite_files>();
        char const* tmp = std::getenv("TMPDIR");
        files->path = std::string(tmp && *tmp ? tmp : "/tmp") + "/beast-oauth-conformance-" +
                      std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".db";
        std::remove(files->path.c_str());
        return open_sqlite(files, std::move(clock));
    });
}

TEST_CASE("sqlite_store refuses a database from a newer library", "[sqlite]")
{
    sqlite_files files{std::string("/tmp/beast-oauth-newer-") + std::to_string(::getpid()) + ".db"};
    {
        beast_oauth::sqlite_store store(files.path);
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(files.path.c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE oauth_schema_version SET version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    CHECK_THROWS_AS(beast_oauth::sqlite_store(files.path), std::runtime_error);
}
#endif

#ifdef BEAST_OAUTH_TEST_POSTGRES
namespace {

std::string postgres_conninfo()
{
    char const* c = std::getenv("BEAST_OAUTH_TEST_POSTGRES");
    if(!c || !*c)
        FAIL("set BEAST_OAUTH_TEST_POSTGRES to a conninfo (tests/e2e/with_postgres.py does)");
    return c;
}

// Runs SQL on a connection of its own; returns the rows' first column, one per line.
std::string psql(std::string const& conninfo, std::string const& sql)
{
    PGconn* c = PQconnectdb(conninfo.c_str());
    PQsetNoticeProcessor(c, [](void*, char const*) {}, nullptr);
    std::string out, error;
    if(PQstatus(c) != CONNECTION_OK)
        error = PQerrorMessage(c);
    else
    {
        PGresult* r = PQexec(c, sql.c_str());
        auto st = PQresultStatus(r);
        if(st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            error = PQresultErrorMessage(r);
        else
            for(int i = 0; i < PQntuples(r); ++i)
                out += std::string(PQgetvalue(r, i, 0)) + "\n";
        PQclear(r);
    }
    PQfinish(c);
    if(!error.empty())
        FAIL(error);
    return out;
}

store_under_test open_postgres(std::string const& conninfo, std::function<beast_oauth::time_point()> clock)
{
    beast_oauth::postgres_store_options o;
    o.clock = clock;
    o.max_connections = 6;
    o.acquire_timeout = std::chrono::milliseconds(20000);
    auto store = std::make_shared<beast_oauth::postgres_store>(conninfo, o);
    auto s = view_of(store);
    s.sweep = [p = store.get()](beast_oauth::time_point now) { return p->sweep(now); };
    // Every row of every table, as PostgreSQL prints it.
    s.raw_contents = [conninfo] {
        std::string all;
        for(auto table : {"oauth_clients", "oauth_codes", "oauth_grants", "oauth_tokens"})
            all += psql(conninfo, std::string("SELECT t::text FROM ") + table + " t");
        return all;
    };
    s.reopen = [conninfo, clock] { return open_postgres(conninfo, clock); };
    return s;
}

} // namespace

TEST_CASE("postgres_store passes the store conformance suite", "[conformance][postgres]")
{
    auto conninfo = postgres_conninfo();
    run_store_conformance([conninfo](std::function<beast_oauth::time_point()> clock) {
        // A fresh schema every run: also exercises the migration from nothing.
        psql(conninfo, "DROP TABLE IF EXISTS oauth_schema_version, oauth_clients, oauth_codes, oauth_grants, "
                       "oauth_tokens");
        return open_postgres(conninfo, std::move(clock));
    });
}

TEST_CASE("postgres_store reports an unreachable database as store_unavailable", "[postgres]")
{
    beast_oauth::postgres_store_options o;
    o.connect_timeout = std::chrono::seconds(2);
    // Port 1 on loopback: nothing listens there.
    CHECK_THROWS_AS(beast_oauth::postgres_store("host=127.0.0.1 port=1 dbname=x user=x", o),
                    beast_oauth::store_unavailable);
}

TEST_CASE("postgres_store refuses a database from a newer library", "[postgres]")
{
    auto conninfo = postgres_conninfo();
    psql(conninfo, "DROP TABLE IF EXISTS oauth_schema_version, oauth_clients, oauth_codes, oauth_grants, "
                   "oauth_tokens");
    {
        beast_oauth::postgres_store store(conninfo);
    }
    psql(conninfo, "UPDATE oauth_schema_version SET version = 99");
    CHECK_THROWS_AS(beast_oauth::postgres_store(conninfo), std::runtime_error);
    psql(conninfo, "DROP TABLE oauth_schema_version");
}
#endif
