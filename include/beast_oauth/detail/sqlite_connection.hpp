#ifndef BEAST_OAUTH_DETAIL_SQLITE_CONNECTION_HPP
#define BEAST_OAUTH_DETAIL_SQLITE_CONNECTION_HPP

// A pooled SQLite connection with its prepared statements, the statement and transaction
// wrappers, and the token and grant row helpers the store's .ipp files share.

#include <beast_oauth/sqlite_store.hpp>
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

inline void sqlite_bind_token(sqlite_statement& s, token_record const& t)
{
    s.bind(1, std::string_view(t.signature))
        .bind(2, std::int64_t(t.kind == token_kind::refresh ? 1 : 0))
        .bind(3, std::string_view(t.grant_id))
        .bind(4, std::string_view(t.client_id))
        .bind(5, std::string_view(t.subject))
        .bind(6, std::string_view(t.scope))
        .bind(7, t.issued_at)
        .bind(8, t.expires_at);
    if(t.rotated_at == time_point{})
        s.bind_null(9);
    else
        s.bind(9, t.rotated_at);
    s.bind(10, std::string_view(t.jkt));
}

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
    sqlite_bind_token(s, t);
    s.run();
    return true;
}

inline std::shared_ptr<token_record> sqlite_find_token(sqlite_connection& c, std::string_view signature)
{
    sqlite_statement s(c, sqlite_sql::token_find);
    s.bind(1, signature);
    if(!s.step())
        return nullptr;
    auto t = std::make_shared<token_record>();
    t->signature = std::string(signature);
    t->kind = s.integer(0) == 1 ? token_kind::refresh : token_kind::access;
    t->grant_id = s.text(1);
    t->client_id = s.text(2);
    t->subject = s.text(3);
    t->scope = s.text(4);
    t->issued_at = s.time(5);
    t->expires_at = s.time(6);
    t->rotated_at = s.time(7);
    t->jkt = s.text(8);
    return t;
}

// A row of grant_list, grant_find or the bulk revocations' RETURNING.
inline grant_record sqlite_read_grant(sqlite_statement const& s)
{
    grant_record g;
    g.grant_id = s.text(0);
    g.subject = s.text(1);
    g.client_id = s.text(2);
    g.scope = s.text(3);
    g.created_at = s.time(4);
    g.last_used_at = s.time(5);
    g.revoked_at = s.time(6);
    g.expires_at = s.time(7);
    return g;
}

} // namespace detail
} // namespace beast_oauth

#endif
