#ifndef BEAST_OAUTH_DETAIL_PG_CONNECTION_HPP
#define BEAST_OAUTH_DETAIL_PG_CONNECTION_HPP

// A blocking libpq connection (postgres_store's pool, and both stores' schema migration).

#include <beast_oauth/detail/pg_rows.hpp>
#include <beast_oauth/detail/pg_sql.hpp>
#include <beast_oauth/postgres_store.hpp>
#include <libpq-fe.h>
#include <array>
#include <string>

namespace beast_oauth {
namespace detail {

/** libpq's connection keywords: our defaults first, then the conninfo (expand_dbname), whose
    values win. tcp_user_timeout: a query sent into a dead network fails after 10 s instead
    of hanging. */
struct pg_connect_params
{
    explicit pg_connect_params(std::string const& conninfo, postgres_store_options const& o)
        : timeout(std::to_string(o.connect_timeout.count()))
        , values{timeout.c_str(), "10000", "beast_oauth", conninfo.c_str(), nullptr}
    {
    }
    std::string timeout;
    char const* keys[5] = {"connect_timeout", "tcp_user_timeout", "application_name", "dbname", nullptr};
    char const* values[5];
};

/// The session setting every connection gets (empty: none).
inline std::string pg_session_setup(postgres_store_options const& o)
{
    if(o.statement_timeout.count() <= 0)
        return {};
    return "SET statement_timeout = " + std::to_string(o.statement_timeout.count());
}

class pg_connection
{
public:
    pg_connection(std::string const& conninfo, postgres_store_options const& o)
        : retry_after(o.retry_after)
    {
        pg_connect_params params(conninfo, o);
        conn = PQconnectdbParams(params.keys, params.values, 1);
        if(!conn || PQstatus(conn) != CONNECTION_OK)
        {
            std::string msg = "postgres_store: cannot connect: " +
                              std::string(conn ? PQerrorMessage(conn) : "out of memory");
            PQfinish(conn);
            conn = nullptr;
            throw store_unavailable(msg, o.retry_after);
        }
        PQsetNoticeProcessor(conn, [](void*, char const*) {}, nullptr); // NOTICEs are not errors
        auto const setup = pg_session_setup(o);
        if(!setup.empty())
        {
            try
            {
                simple(setup);
            }
            catch(...)
            {
                PQfinish(conn);
                throw;
            }
        }
    }
    ~pg_connection() { PQfinish(conn); }
    pg_connection(pg_connection const&) = delete;
    pg_connection& operator=(pg_connection const&) = delete;

    /// Runs a prepared statement (preparing it on first use on this connection).
    pg_result run(int id, pg_params const& params)
    {
        auto const name = "boa_" + std::to_string(id);
        auto& is_prepared = prepared[static_cast<std::size_t>(id)];
        if(!is_prepared)
        {
            check(pg_result(PQprepare(conn, name.c_str(), pg_sql::text[id], 0, nullptr)), "prepare");
            is_prepared = true;
        }
        auto p = params.pointers();
        return check(pg_result(PQexecPrepared(conn, name.c_str(), params.size(), p.data(), nullptr, nullptr, 0)),
                     "statement");
    }

    /// Runs SQL without parameters (transaction control, migrations).
    pg_result simple(std::string const& sql) { return check(pg_result(PQexec(conn, sql.c_str())), "query"); }

    bool in_transaction() const noexcept { return PQtransactionStatus(conn) != PQTRANS_IDLE; }

    // connection_pool's requirements. A server restart or failover closes idle connections:
    // alive() reads what is pending (never blocks), so none is lent out dead.
    // Twice: a FATAL message (session ended by the server) first, then the end of the stream.
    bool alive() noexcept
    {
        return PQconsumeInput(conn) == 1 && PQconsumeInput(conn) == 1 && PQstatus(conn) == CONNECTION_OK;
    }
    bool reusable() noexcept
    {
        if(!broken && in_transaction()) // an exception left a transaction open
            PQclear(PQexec(conn, "ROLLBACK"));
        if(PQstatus(conn) != CONNECTION_OK)
            broken = true;
        return !broken;
    }

    PGconn* conn = nullptr;
    bool broken = false;
    std::chrono::seconds retry_after;
    std::array<bool, pg_sql::statement_count> prepared{};

private:
    pg_result check(pg_result r, char const* what)
    {
        std::string msg;
        auto const f = pg_classify(r.get(), conn, what, msg);
        if(f == pg_failure::none)
            return r;
        if(f == pg_failure::broken)
            broken = true;
        pg_throw(f, msg, retry_after);
    }
};

// BEGIN ... COMMIT, rolled back unless committed (a lost connection rolls back by itself).
class pg_transaction
{
public:
    explicit pg_transaction(pg_connection& c) : c_(c) { c_.simple("BEGIN"); }
    ~pg_transaction()
    {
        if(!done_ && !c_.broken && c_.in_transaction())
            PQclear(PQexec(c_.conn, "ROLLBACK"));
    }
    pg_transaction(pg_transaction const&) = delete;
    pg_transaction& operator=(pg_transaction const&) = delete;
    void commit()
    {
        c_.simple("COMMIT");
        done_ = true;
    }

private:
    pg_connection& c_;
    bool done_ = false;
};

inline std::shared_ptr<token_record> pg_find_token(pg_connection& c, std::string_view signature)
{
    return pg_read_token(c.run(pg_sql::token_find, pg_params().add(signature)), signature);
}

/** Creates or migrates the schema on `c`, under an advisory lock so that instances starting
    together do not race (the first migrates, the others wait and find it done).
    @throws std::runtime_error when the database's schema is newer than this library's */
inline void pg_migrate(pg_connection& c)
{
    pg_transaction tx(c);
    c.simple("SELECT pg_advisory_xact_lock(7243018916)");
    c.simple("CREATE TABLE IF NOT EXISTS oauth_schema_version (version INTEGER NOT NULL)");
    auto r = c.simple("SELECT coalesce(max(version), 0) FROM oauth_schema_version");
    auto const version = static_cast<int>(r.integer(0, 0));
    if(version > pg_sql::schema_version)
        throw std::runtime_error("postgres_store: the database has schema version " + std::to_string(version) +
                                 ", newer than this library's " + std::to_string(pg_sql::schema_version));
    if(version < pg_sql::schema_version)
    {
        for(int v = version; v < pg_sql::schema_version; ++v)
            c.simple(pg_sql::migrations[v]);
        c.simple("DELETE FROM oauth_schema_version");
        c.simple("INSERT INTO oauth_schema_version (version) VALUES (" + std::to_string(pg_sql::schema_version) + ")");
    }
    tx.commit();
}

} // namespace detail
} // namespace beast_oauth

#endif
