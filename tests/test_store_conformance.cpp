// Runs the store conformance suite against every store: memory, SQLite, PostgreSQL.
// The PostgreSQL run needs BEAST_OAUTH_TEST_POSTGRES=<conninfo> (tests/e2e/with_postgres.py
// starts a throwaway server and sets it); without it that test case fails, it never skips.
#include "store_conformance.hpp"
#include "catch.hpp"

#include <beast_oauth/memory_store.hpp>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <set>
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
    s.grants = store.get();
    s.add_client = [p = store.get()](beast_oauth::client const& c) { p->add_client(c); };
    s.owner = std::move(store);
    return s;
}

} // namespace

namespace {

// Schema version 1 exactly as beast-oauth 0.1 created it (the first entry of the migration
// arrays at the commit before issue 14), frozen here: the migration is tested from a
// database that release made, whatever later edits do.
constexpr long long mig_t0 = 1'800'000'000'000'000; // microseconds
constexpr char const* v1_rows =
    "INSERT INTO oauth_grants (grant_id, revoked_at, expires_at) VALUES"
    " ('mg-live', NULL, 9223372036854775807), ('mg-revoked', 1800000050000000, 1800000050000000);"
    "INSERT INTO oauth_tokens (signature, kind, grant_id, client_id, subject, scope, issued_at, expires_at, rotated_at)"
    " VALUES ('mg-rt', 1, 'mg-live', 'seam', 'usr_9', 'intercoms.read intercoms.write', 1800000000000000,"
    " 9223372036854775807, NULL),"
    " ('mg-at', 0, 'mg-live', 'seam', 'usr_9', 'intercoms.read', 1800000100000000, 1800003700000000, NULL);"
    "INSERT INTO oauth_codes (signature, grant_id, client_id, subject, scope, redirect_uri, issued_at, expires_at)"
    " VALUES ('mg-code', 'mg-cg', 'seam', 'usr_9', 'intercoms.read', 'https://connect.getseam.com/oauth/callback',"
    " 1800000150000000, 1800000210000000);"
    "INSERT INTO oauth_schema_version (version) VALUES (1);";

beast_oauth::time_point mig_at(long long seconds_after)
{
    return beast_oauth::time_point(std::chrono::microseconds(mig_t0) + std::chrono::seconds(seconds_after));
}

// What every store must show after migrating the v1 database above (opened at mig_t0 + 200 s).
template<class Store>
void check_migrated(Store& store)
{
    // The data survived.
    auto c = store.find_client("seam");
    REQUIRE(c);
    CHECK(c->name == "Seam");
    auto rt = store.find_token("mg-rt");
    REQUIRE(rt);
    CHECK(rt->expires_at == beast_oauth::time_point::max());
    REQUIRE(store.find_token("mg-at"));
    // The grant records were filled from their tokens.
    auto g = store.find_grant("mg-live");
    REQUIRE(g);
    CHECK(g->subject == "usr_9");
    CHECK(g->client_id == "seam");
    CHECK(g->scope == "intercoms.read intercoms.write"); // the refresh token's: the grant's
    CHECK(g->created_at == mig_at(0));
    CHECK(g->last_used_at == mig_at(100));
    CHECK_FALSE(g->revoked());
    auto listed = store.list_grants("usr_9");
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].grant_id == "mg-live");
    // A revoked grant stays revoked.
    auto r = store.find_grant("mg-revoked");
    REQUIRE(r);
    CHECK(r->revoked_at == mig_at(50));
    beast_oauth::token_record t = *rt;
    t.signature = "mg-late";
    t.grant_id = "mg-revoked";
    CHECK_FALSE(store.save_token(t));
    // The new code keeps working on the old rows: last_used_at moves, the code redeems, and
    // revoking the owner ends the grant and the code's.
    t.grant_id = "mg-live";
    t.signature = "mg-new";
    t.kind = beast_oauth::token_kind::access;
    t.issued_at = mig_at(200);
    t.expires_at = mig_at(3800);
    REQUIRE(store.save_token(t));
    CHECK(store.find_grant("mg-live")->last_used_at == mig_at(200));
    CHECK(store.consume_code("mg-code").status == beast_oauth::consume_status::consumed);
    std::set<std::string> ids;
    for(auto const& x : store.revoke_subject_grants("usr_9"))
        ids.insert(x.grant_id);
    CHECK(ids == std::set<std::string>{"mg-live", "mg-cg"});
    CHECK(store.find_token("mg-new") == nullptr);
    CHECK(store.find_token("mg-rt") == nullptr);
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

TEST_CASE("sqlite_store migrates a database made by schema version 1 (grant records)", "[sqlite][migration]")
{
    sqlite_files files{std::string("/tmp/beast-oauth-migrate-") + std::to_string(::getpid()) + ".db"};
    std::remove(files.path.c_str());
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(files.path.c_str(), &db) == SQLITE_OK);
    auto exec = [db](char const* sql) {
        char* err = nullptr;
        int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
        std::string msg = err ? err : "";
        sqlite3_free(err);
        INFO(msg);
        REQUIRE(rc == SQLITE_OK);
    };
    exec("CREATE TABLE oauth_schema_version (version INTEGER NOT NULL);"
         "CREATE TABLE oauth_clients ("
         " client_id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL,"
         " redirect_uris TEXT NOT NULL, allowed_scopes TEXT NOT NULL, default_scope TEXT NOT NULL,"
         " grant_types TEXT NOT NULL, require_pkce INTEGER NOT NULL, rotation TEXT NOT NULL,"
         " may_introspect_any INTEGER NOT NULL);"
         "CREATE TABLE oauth_codes ("
         " signature TEXT PRIMARY KEY, grant_id TEXT NOT NULL, client_id TEXT NOT NULL DEFAULT '',"
         " subject TEXT NOT NULL DEFAULT '', scope TEXT NOT NULL DEFAULT '',"
         " scope_changed INTEGER NOT NULL DEFAULT 0, redirect_uri TEXT NOT NULL DEFAULT '',"
         " redirect_uri_sent INTEGER NOT NULL DEFAULT 0, code_challenge TEXT NOT NULL DEFAULT '',"
         " code_challenge_method TEXT NOT NULL DEFAULT '', issued_at INTEGER NOT NULL DEFAULT 0,"
         " expires_at INTEGER NOT NULL, used_at INTEGER);"
         "CREATE INDEX oauth_codes_expires ON oauth_codes (expires_at);"
         "CREATE TABLE oauth_grants ("
         " grant_id TEXT PRIMARY KEY, revoked_at INTEGER, expires_at INTEGER NOT NULL);"
         "CREATE INDEX oauth_grants_expires ON oauth_grants (expires_at);"
         "CREATE TABLE oauth_tokens ("
         " signature TEXT PRIMARY KEY, kind INTEGER NOT NULL, grant_id TEXT NOT NULL,"
         " client_id TEXT NOT NULL, subject TEXT NOT NULL, scope TEXT NOT NULL,"
         " issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, rotated_at INTEGER);"
         "CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);"
         "CREATE INDEX oauth_tokens_expires ON oauth_tokens (expires_at);");
    exec("INSERT INTO oauth_clients VALUES ('seam', 'Seam', 'sha256$x', "
         "'[\"https://connect.getseam.com/oauth/callback\"]', '[]', '', "
         "'[\"authorization_code\",\"refresh_token\"]', 0, '', 0);");
    exec(v1_rows);
    sqlite3_close(db);

    beast_oauth::sqlite_store_options o;
    o.clock = [] { return mig_at(200); };
    beast_oauth::sqlite_store store(files.path, o);
    check_migrated(store);

    REQUIRE(sqlite3_open(files.path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT max(version) FROM oauth_schema_version", -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == beast_oauth::sqlite_store::schema_version);
    sqlite3_finalize(st);
    sqlite3_close(db);
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
                       "oauth_tokens, oauth_dpop_jti");
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
                   "oauth_tokens, oauth_dpop_jti");
    {
        beast_oauth::postgres_store store(conninfo);
    }
    psql(conninfo, "UPDATE oauth_schema_version SET version = 99");
    CHECK_THROWS_AS(beast_oauth::postgres_store(conninfo), std::runtime_error);
    psql(conninfo, "DROP TABLE oauth_schema_version");
}
TEST_CASE("postgres_store migrates a database made by schema version 1 (grant records)", "[postgres][migration]")
{
    auto conninfo = postgres_conninfo();
    psql(conninfo, "DROP TABLE IF EXISTS oauth_schema_version, oauth_clients, oauth_codes, oauth_grants, "
                   "oauth_tokens, oauth_dpop_jti");
    psql(conninfo,
         "CREATE TABLE oauth_schema_version (version INTEGER NOT NULL);"
         "CREATE TABLE oauth_clients ("
         " client_id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL,"
         " redirect_uris TEXT NOT NULL, allowed_scopes TEXT NOT NULL, default_scope TEXT NOT NULL,"
         " grant_types TEXT NOT NULL, require_pkce BOOLEAN NOT NULL, rotation TEXT NOT NULL,"
         " may_introspect_any BOOLEAN NOT NULL);"
         "CREATE TABLE oauth_codes ("
         " signature TEXT PRIMARY KEY, grant_id TEXT NOT NULL, client_id TEXT NOT NULL DEFAULT '',"
         " subject TEXT NOT NULL DEFAULT '', scope TEXT NOT NULL DEFAULT '',"
         " scope_changed BOOLEAN NOT NULL DEFAULT false, redirect_uri TEXT NOT NULL DEFAULT '',"
         " redirect_uri_sent BOOLEAN NOT NULL DEFAULT false, code_challenge TEXT NOT NULL DEFAULT '',"
         " code_challenge_method TEXT NOT NULL DEFAULT '', issued_at BIGINT NOT NULL DEFAULT 0,"
         " expires_at BIGINT NOT NULL, used_at BIGINT);"
         "CREATE INDEX oauth_codes_expires ON oauth_codes (expires_at);"
         "CREATE TABLE oauth_grants ("
         " grant_id TEXT PRIMARY KEY, revoked_at BIGINT, expires_at BIGINT NOT NULL);"
         "CREATE INDEX oauth_grants_expires ON oauth_grants (expires_at);"
         "CREATE TABLE oauth_tokens ("
         " signature TEXT PRIMARY KEY, kind SMALLINT NOT NULL, grant_id TEXT NOT NULL,"
         " client_id TEXT NOT NULL, subject TEXT NOT NULL, scope TEXT NOT NULL,"
         " issued_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, rotated_at BIGINT);"
         "CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);"
         "CREATE INDEX oauth_tokens_expires ON oauth_tokens (expires_at);");
    psql(conninfo, "INSERT INTO oauth_clients VALUES ('seam', 'Seam', 'sha256$x', "
                   "'[\"https://connect.getseam.com/oauth/callback\"]', '[]', '', "
                   "'[\"authorization_code\",\"refresh_token\"]', false, '', false);");
    psql(conninfo, v1_rows);

    beast_oauth::postgres_store_options o;
    o.clock = [] { return mig_at(200); };
    {
        beast_oauth::postgres_store store(conninfo, o);
        check_migrated(store);
    }
    CHECK(psql(conninfo, "SELECT max(version) FROM oauth_schema_version") ==
          std::to_string(beast_oauth::postgres_store::schema_version) + "\n");
}
#endif
