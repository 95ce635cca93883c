#ifndef BEAST_OAUTH_DETAIL_SQLITE_CONNECTION_HPP
#define BEAST_OAUTH_DETAIL_SQLITE_CONNECTION_HPP

// A pooled SQLite connection with its prepared statements, the statement and transaction
// wrappers, and the token and grant row helpers the store's .ipp files share.

#include <beast_oauth/sqlite_store.hpp>
#include <beast_oauth/detail/sql_columns.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <beast_oauth/detail/sqlite_schema.hpp>
#include <sqlite3.h>
#include <array>
#include <stdexcept>

namespace beast_oauth {
namespace detail {


// Busy, locked, unopenable, I/O error or disk full: the request may succeed later (503).
[[noreturn]] inline void sqlite_fail(sqlite3* db, int rc, char const* what)
{
    std::string msg = std::string("sqlite_store: ") + what + ": " +
                      (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    switch(rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PROTOCOL:
        throw store_unavailable(msg, std::chrono::seconds(1));
    default:
        throw std::runtime_error(msg);
    }
}

inline void sqlite_exec(sqlite3* db, char const* sql)
{
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    sqlite3_free(err);
    if(rc != SQLITE_OK)
        sqlite_fail(db, rc, "exec");
}

class sqlite_connection
{
public:
    explicit sqlite_connection(std::string const& path, sqlite_store_options const& o)
    {
        // NOMUTEX: a connection is only ever used by one thread at a time (the pool's lease).
        int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
        if(rc != SQLITE_OK)
        {
            std::string msg = "sqlite_store: cannot open " + path + ": " +
                              (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
            sqlite3_close_v2(db);
            db = nullptr;
            throw store_unavailable(msg);
        }
        sqlite3_busy_timeout(db, static_cast<int>(o.busy_timeout.count()));
        sqlite3_extended_result_codes(db, 1);
        try
        {
            sqlite_exec(db, "PRAGMA journal_mode=WAL");
            sqlite_exec(db, o.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
        }
        catch(...)
        {
            sqlite3_close_v2(db);
            throw;
        }
    }

    ~sqlite_connection()
    {
        for(auto* s : stmts)
            sqlite3_finalize(s);
        sqlite3_close_v2(db);
    }

    sqlite_connection(sqlite_connection const&) = delete;
    sqlite_connection& operator=(sqlite_connection const&) = delete;

    // connection_pool's requirements
    bool alive() noexcept { return db != nullptr; }
    bool reusable() noexcept
    {
        if(!sqlite3_get_autocommit(db)) // an exception left a transaction open
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        return true;
    }

    sqlite3_stmt* statement(int id)
    {
        auto& s = stmts[static_cast<std::size_t>(id)];
        if(!s)
        {
            int rc = sqlite3_prepare_v3(db, sqlite_sql::text[id], -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
            if(rc != SQLITE_OK)
                sqlite_fail(db, rc, "prepare");
        }
        return s;
    }

    sqlite3* db = nullptr;
    std::array<sqlite3_stmt*, sqlite_sql::statement_count> stmts{};
};

// One use of a prepared statement: bind, step, read; reset when it goes out of scope.
class sqlite_statement
{
public:
    sqlite_statement(sqlite_connection& c, int id)
        : db_(c.db)
        , s_(c.statement(id))
    {
    }
    ~sqlite_statement()
    {
        sqlite3_reset(s_);
        sqlite3_clear_bindings(s_);
    }
    sqlite_statement(sqlite_statement const&) = delete;
    sqlite_statement& operator=(sqlite_statement const&) = delete;

    sqlite_statement& bind(int i, std::string_view v)
    {
        check(sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
        return *this;
    }
    sqlite_statement& bind(int i, std::int64_t v)
    {
        check(sqlite3_bind_int64(s_, i, v));
        return *this;
    }
    sqlite_statement& bind(int i, bool v) { return bind(i, std::int64_t(v ? 1 : 0)); }
    sqlite_statement& bind(int i, time_point t) { return bind(i, to_db_time(t)); }
    sqlite_statement& bind_null(int i)
    {
        check(sqlite3_bind_null(s_, i));
        return *this;
    }

    /// True while a row is available.
    bool step()
    {
        int rc = sqlite3_step(s_);
        if(rc == SQLITE_ROW)
            return true;
        if(rc == SQLITE_DONE)
            return false;
        sqlite_fail(db_, rc, "step");
    }
    void run()
    {
        while(step())
        {
        }
    }

    std::string text(int col) const
    {
        auto p = sqlite3_column_text(s_, col);
        return p ? std::string(reinterpret_cast<char const*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, col)))
                 : std::string();
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(s_, col); }
    bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
    bool boolean(int col) const { return integer(col) != 0; }
    time_point time(int col) const { return is_null(col) ? time_point{} : from_db_time(integer(col)); }

private:
    void check(int rc)
    {
        if(rc != SQLITE_OK)
            sqlite_fail(db_, rc, "bind");
    }
    sqlite3* db_;
    sqlite3_stmt* s_;
};

// BEGIN IMMEDIATE: takes the write lock up front, so the transaction never fails half-way
// on a lock upgrade. Rolled back unless committed.
class sqlite_transaction
{
public:
    explicit sqlite_transaction(sqlite_connection& c) : c_(c)
    {
        sqlite_statement(c_, sqlite_sql::begin_immediate).run();
    }
    ~sqlite_transaction()
    {
        if(!done_ && !sqlite3_get_autocommit(c_.db))
            sqlite3_exec(c_.db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    sqlite_transaction(sqlite_transaction const&) = delete;
    sqlite_transaction& operator=(sqlite_transaction const&) = delete;

    void commit()
    {
        sqlite_statement(c_, sqlite_sql::commit).run();
        done_ = true;
    }

private:
    sqlite_connection& c_;
    bool done_ = false;
};

/// Binds parameters 1, 2, ... in turn (the interface of add_columns, like pg_params).
class sqlite_params
{
public:
    explicit sqlite_params(sqlite_statement& s) noexcept : s_(s) {}
    template<class T>
    sqlite_params& add(T v)
    {
        s_.bind(next_++, v);
        return *this;
    }
    sqlite_params& add_null()
    {
        s_.bind_null(next_++);
        return *this;
    }

private:
    sqlite_statement& s_;
    int next_ = 1;
};

// Stores a token of a grant known to be active, inside the caller's transaction.
// False when the grant is revoked.
inline bool sqlite_insert_token(sqlite_connection& c, token_record const& t)
{
    {
        sqlite_statement g(c, sqlite_sql::grant_touch);
        g.bind(1, std::string_view(t.grant_id))
            .bind(2, t.expires_at)
            .bind(3, std::string_view(t.subject))
            .bind(4, std::string_view(t.client_id))
            .bind(5, std::string_view(t.scope))
            .bind(6, t.issued_at)
            .bind(7, to_db_seconds(grant_last_used_resolution));
        if(!g.step()) // no row: the grant is revoked
            return false;
        g.run();
    }
    sqlite_statement s(c, sqlite_sql::token_insert);
    add_columns(sqlite_params(s).add(std::string_view(t.signature)), token_columns(t));
    s.run();
    return true;
}

// code_grant_of after a failed consume or claim: already_used (with the grant), or not_found.
inline consume_result sqlite_code_used(sqlite_connection& c, std::string_view signature)
{
    sqlite_statement s(c, sqlite_sql::code_grant_of);
    s.bind(1, signature);
    return s.step() ? already_used(s.text(0)) : consume_result{};
}

inline std::shared_ptr<token_record> sqlite_find_token(sqlite_connection& c, std::string_view signature)
{
    sqlite_statement s(c, sqlite_sql::token_find);
    s.bind(1, signature);
    if(!s.step())
        return nullptr;
    return read_token(s, signature);
}

} // namespace detail
} // namespace beast_oauth

#endif
