#ifndef BEAST_OAUTH_IMPL_SQLITE_STORE_IPP
#define BEAST_OAUTH_IMPL_SQLITE_STORE_IPP

#include <beast_oauth/sqlite_store.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <sqlite3.h>
#include <array>
#include <stdexcept>

namespace beast_oauth {

namespace detail {
namespace sqlite_sql {

// Migrations: entry i takes the schema from version i to i + 1. Append, never edit.
constexpr char const* migrations[] = {
    // version 1
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
    "CREATE INDEX oauth_tokens_expires ON oauth_tokens (expires_at);",
    // version 2: grants as records (owner, client, scope, created, last used), filled from
    // their tokens (created_at: the oldest token still stored; last_used_at: the newest).
    "ALTER TABLE oauth_grants ADD COLUMN subject TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE oauth_grants ADD COLUMN client_id TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE oauth_grants ADD COLUMN scope TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE oauth_grants ADD COLUMN created_at INTEGER;"
    "ALTER TABLE oauth_grants ADD COLUMN last_used_at INTEGER;"
    "UPDATE oauth_grants SET"
    " subject = coalesce((SELECT t.subject FROM oauth_tokens t WHERE t.grant_id = oauth_grants.grant_id"
    "  ORDER BY t.kind DESC, t.issued_at LIMIT 1), ''),"
    " client_id = coalesce((SELECT t.client_id FROM oauth_tokens t WHERE t.grant_id = oauth_grants.grant_id"
    "  ORDER BY t.kind DESC, t.issued_at LIMIT 1), ''),"
    " scope = coalesce((SELECT t.scope FROM oauth_tokens t WHERE t.grant_id = oauth_grants.grant_id"
    "  ORDER BY t.kind DESC, t.issued_at LIMIT 1), ''),"
    " created_at = (SELECT min(t.issued_at) FROM oauth_tokens t WHERE t.grant_id = oauth_grants.grant_id),"
    " last_used_at = (SELECT max(t.issued_at) FROM oauth_tokens t WHERE t.grant_id = oauth_grants.grant_id);"
    "CREATE INDEX oauth_grants_subject ON oauth_grants (subject);"
    "CREATE INDEX oauth_grants_client ON oauth_grants (client_id);",
    // version 3: DPoP (RFC 9449): the key a token is bound to, and the proofs' replay cache.
    "ALTER TABLE oauth_tokens ADD COLUMN jkt TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE oauth_dpop_jti (jti_key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);"
    "CREATE INDEX oauth_dpop_jti_expires ON oauth_dpop_jti (expires_at);",
};
static_assert(sizeof(migrations) / sizeof(migrations[0]) == sqlite_store::schema_version,
              "one migration per schema version");

enum id
{
    begin_immediate,
    commit,
    rollback,
    client_upsert,
    client_find,
    code_insert,
    code_consume,
    code_grant_of,
    code_claim,
    grant_touch,
    grant_is_active,
    grant_revoke,
    token_insert,
    token_find,
    token_delete,
    token_delete_grant,
    token_rotate,
    token_delete_access,
    token_trim_access,
    grant_list,
    grant_find,
    grant_codes_subject,
    grant_revoke_subject,
    code_forget_subject,
    token_delete_subject,
    grant_codes_client,
    grant_revoke_client,
    code_forget_client,
    token_delete_client,
    sweep_tokens,
    sweep_codes,
    sweep_grants,
    count_codes,
    count_tokens,
    dpop_purge,
    dpop_seen,
    dpop_count,
    dpop_insert,
    statement_count
};
// revoke_grants_by runs a bulk revocation's four statements as first, first + 1, + 2, + 3.
static_assert(grant_revoke_subject == grant_codes_subject + 1 && code_forget_subject == grant_codes_subject + 2 &&
                  token_delete_subject == grant_codes_subject + 3,
              "the owner's revocation statements stay in order");
static_assert(grant_revoke_client == grant_codes_client + 1 && code_forget_client == grant_codes_client + 2 &&
                  token_delete_client == grant_codes_client + 3,
              "the client's revocation statements stay in order");

constexpr char const* text[statement_count] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "INSERT OR REPLACE INTO oauth_clients (client_id, name, secret_hash, redirect_uris, allowed_scopes,"
    " default_scope, grant_types, require_pkce, rotation, may_introspect_any)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    "SELECT client_id, name, secret_hash, redirect_uris, allowed_scopes, default_scope, grant_types,"
    " require_pkce, rotation, may_introspect_any FROM oauth_clients WHERE client_id = ?1",
    "INSERT OR REPLACE INTO oauth_codes (signature, grant_id, client_id, subject, scope, scope_changed,"
    " redirect_uri, redirect_uri_sent, code_challenge, code_challenge_method, issued_at, expires_at, used_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL)",
    "UPDATE oauth_codes SET used_at = ?2 WHERE signature = ?1 AND used_at IS NULL"
    " RETURNING grant_id, client_id, subject, scope, scope_changed, redirect_uri, redirect_uri_sent,"
    " code_challenge, code_challenge_method, issued_at, expires_at",
    "SELECT grant_id FROM oauth_codes WHERE signature = ?1",
    "INSERT INTO oauth_codes (signature, grant_id, expires_at, used_at) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (signature) DO NOTHING",
    // Returns a row unless the grant is revoked. The first token creates the grant record;
    // later ones move last_used_at when it is ?7 microseconds old (grant_last_used_resolution).
    "INSERT INTO oauth_grants (grant_id, revoked_at, expires_at, subject, client_id, scope, created_at, last_used_at)"
    " VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6, ?6)"
    " ON CONFLICT (grant_id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at),"
    " last_used_at = CASE WHEN last_used_at IS NULL OR excluded.last_used_at >= last_used_at + ?7"
    " THEN excluded.last_used_at ELSE last_used_at END"
    " WHERE revoked_at IS NULL RETURNING 1",
    "SELECT 1 FROM oauth_grants WHERE grant_id = ?1 AND revoked_at IS NULL",
    "INSERT INTO oauth_grants (grant_id, revoked_at, expires_at) VALUES (?1, ?2, ?2)"
    " ON CONFLICT (grant_id) DO UPDATE SET revoked_at = coalesce(revoked_at, excluded.revoked_at),"
    " expires_at = excluded.expires_at",
    "INSERT OR REPLACE INTO oauth_tokens (signature, kind, grant_id, client_id, subject, scope, issued_at,"
    " expires_at, rotated_at, jkt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    "SELECT kind, grant_id, client_id, subject, scope, issued_at, expires_at, rotated_at, jkt"
    " FROM oauth_tokens WHERE signature = ?1",
    "DELETE FROM oauth_tokens WHERE signature = ?1",
    "DELETE FROM oauth_tokens WHERE grant_id = ?1",
    "UPDATE oauth_tokens SET rotated_at = ?2, expires_at = min(expires_at, ?3) WHERE signature = ?1",
    "DELETE FROM oauth_tokens WHERE grant_id = ?1 AND kind = 0 AND signature <> ?2",
    // Keeps the newest N access tokens of a grant (max_access_tokens_per_grant).
    "DELETE FROM oauth_tokens WHERE grant_id = ?1 AND kind = 0 AND signature NOT IN"
    " (SELECT signature FROM oauth_tokens WHERE grant_id = ?1 AND kind = 0 ORDER BY issued_at DESC, rowid DESC LIMIT ?2)",
    "SELECT grant_id, subject, client_id, scope, created_at, last_used_at, revoked_at, expires_at FROM oauth_grants"
    " WHERE subject = ?1 AND revoked_at IS NULL AND expires_at > ?2 ORDER BY created_at, grant_id",
    "SELECT grant_id, subject, client_id, scope, created_at, last_used_at, revoked_at, expires_at FROM oauth_grants WHERE grant_id = ?1",
    // Revoking by subject: the grants of its codes in flight first (unused codes are then forgotten),
    // then every active grant, then their tokens; one BEGIN IMMEDIATE transaction.
    "INSERT INTO oauth_grants (grant_id, revoked_at, expires_at, subject, client_id, scope)"
    " SELECT grant_id, NULL, ?2, subject, client_id, scope FROM oauth_codes WHERE subject = ?1 AND true"
    " ON CONFLICT (grant_id) DO NOTHING",
    "UPDATE oauth_grants SET revoked_at = ?2, expires_at = ?2 WHERE subject = ?1 AND revoked_at IS NULL"
    " RETURNING grant_id, subject, client_id, scope, created_at, last_used_at, revoked_at, expires_at",
    "DELETE FROM oauth_codes WHERE subject = ?1 AND used_at IS NULL",
    "DELETE FROM oauth_tokens WHERE grant_id IN"
    " (SELECT grant_id FROM oauth_grants WHERE subject = ?1 AND revoked_at IS NOT NULL)",
    // Revoking by client_id: the grants of its codes in flight first (unused codes are then forgotten),
    // then every active grant, then their tokens; one BEGIN IMMEDIATE transaction.
    "INSERT INTO oauth_grants (grant_id, revoked_at, expires_at, subject, client_id, scope)"
    " SELECT grant_id, NULL, ?2, subject, client_id, scope FROM oauth_codes WHERE client_id = ?1 AND true"
    " ON CONFLICT (grant_id) DO NOTHING",
    "UPDATE oauth_grants SET revoked_at = ?2, expires_at = ?2 WHERE client_id = ?1 AND revoked_at IS NULL"
    " RETURNING grant_id, subject, client_id, scope, created_at, last_used_at, revoked_at, expires_at",
    "DELETE FROM oauth_codes WHERE client_id = ?1 AND used_at IS NULL",
    "DELETE FROM oauth_tokens WHERE grant_id IN"
    " (SELECT grant_id FROM oauth_grants WHERE client_id = ?1 AND revoked_at IS NOT NULL)",
    "DELETE FROM oauth_tokens WHERE rowid IN"
    " (SELECT rowid FROM oauth_tokens WHERE expires_at <= ?1 LIMIT ?2)",
    "DELETE FROM oauth_codes WHERE rowid IN"
    " (SELECT rowid FROM oauth_codes WHERE expires_at <= ?1 LIMIT ?2)",
    "DELETE FROM oauth_grants WHERE rowid IN"
    " (SELECT rowid FROM oauth_grants WHERE expires_at <= ?1 LIMIT ?2)",
    "SELECT count(*) FROM oauth_codes",
    "SELECT count(*) FROM oauth_tokens",
    // The DPoP replay cache (sqlite_store_dpop.ipp).
    "DELETE FROM oauth_dpop_jti WHERE expires_at <= ?1",
    "SELECT 1 FROM oauth_dpop_jti WHERE jti_key = ?1",
    "SELECT count(*) FROM oauth_dpop_jti",
    "INSERT INTO oauth_dpop_jti (jti_key, expires_at) VALUES (?1, ?2)",
};

} // namespace sqlite_sql

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

BEAST_OAUTH_DECL sqlite_store::sqlite_store(std::string path, sqlite_store_options options)
    : path_(std::move(path))
    , options_(std::move(options))
    , clients_(std::make_unique<detail::client_cache>(options_.client_cache_ttl))
    , pool_(std::make_unique<detail::connection_pool<detail::sqlite_connection>>(
          options_.max_connections, options_.busy_timeout, std::chrono::seconds(1), "sqlite_store",
          [this] { return std::make_unique<detail::sqlite_connection>(path_, options_); }))
{
    auto l = pool_->acquire();
    auto& c = *l;
    detail::sqlite_transaction tx(c);
    detail::sqlite_exec(c.db, "CREATE TABLE IF NOT EXISTS oauth_schema_version (version INTEGER NOT NULL)");
    int version = 0;
    {
        sqlite3_stmt* s = nullptr;
        int rc = sqlite3_prepare_v2(c.db, "SELECT max(version) FROM oauth_schema_version", -1, &s, nullptr);
        if(rc != SQLITE_OK)
            detail::sqlite_fail(c.db, rc, "schema version");
        if(sqlite3_step(s) == SQLITE_ROW)
            version = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    if(version > schema_version)
        throw std::runtime_error("sqlite_store: " + path_ + " has schema version " + std::to_string(version) +
                                 ", newer than this library's " + std::to_string(schema_version));
    if(version < schema_version)
    {
        for(int v = version; v < schema_version; ++v)
            detail::sqlite_exec(c.db, detail::sqlite_sql::migrations[v]);
        detail::sqlite_exec(c.db, "DELETE FROM oauth_schema_version");
        detail::sqlite_exec(c.db, ("INSERT INTO oauth_schema_version (version) VALUES (" +
                                   std::to_string(schema_version) + ")").c_str());
    }
    tx.commit();
}

BEAST_OAUTH_DECL sqlite_store::~sqlite_store() = default;

BEAST_OAUTH_DECL time_point sqlite_store::now() const
{
    return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

BEAST_OAUTH_DECL void sqlite_store::after_write()
{
    if(options_.sweep_every == 0 || ++writes_ % options_.sweep_every != 0)
        return;
    try
    {
        sweep_limited(now(), options_.sweep_batch);
    }
    catch(std::exception const&)
    {
        // Best effort: the write succeeded; the next sweep will catch up.
    }
}

BEAST_OAUTH_DECL void sqlite_store::add_client(client const& c)
{
    auto row = detail::to_client_row(c);
    {
        auto l = pool_->acquire();
        detail::sqlite_statement s(*l, detail::sqlite_sql::client_upsert);
        s.bind(1, std::string_view(row.client_id))
            .bind(2, std::string_view(row.name))
            .bind(3, std::string_view(row.secret_hash))
            .bind(4, std::string_view(row.redirect_uris))
            .bind(5, std::string_view(row.allowed_scopes))
            .bind(6, std::string_view(row.default_scope))
            .bind(7, std::string_view(row.grant_types))
            .bind(8, row.require_pkce)
            .bind(9, std::string_view(row.rotation))
            .bind(10, row.may_introspect_any);
        s.run();
    }
    clients_->put(std::make_shared<client const>(c));
}

BEAST_OAUTH_DECL std::vector<std::string> sqlite_store::client_ids() const
{
    // An administrative query, rare: prepared per call rather than kept on every connection.
    std::vector<std::string> ids;
    auto l = pool_->acquire();
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(l->db, "SELECT client_id FROM oauth_clients ORDER BY client_id", -1, &raw, nullptr);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> s(raw, sqlite3_finalize);
    if(rc != SQLITE_OK)
        detail::sqlite_fail(l->db, rc, "prepare");
    while((rc = sqlite3_step(s.get())) == SQLITE_ROW)
        ids.emplace_back(reinterpret_cast<char const*>(sqlite3_column_text(s.get(), 0)),
                         static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 0)));
    if(rc != SQLITE_DONE)
        detail::sqlite_fail(l->db, rc, "step");
    return ids;
}

BEAST_OAUTH_DECL std::shared_ptr<client const> sqlite_store::find_client(std::string_view client_id) const
{
    if(auto cached = clients_->get(client_id))
        return cached;
    detail::client_row row;
    {
        auto l = pool_->acquire();
        detail::sqlite_statement s(*l, detail::sqlite_sql::client_find);
        s.bind(1, client_id);
        if(!s.step())
            return nullptr;
        row.client_id = s.text(0);
        row.name = s.text(1);
        row.secret_hash = s.text(2);
        row.redirect_uris = s.text(3);
        row.allowed_scopes = s.text(4);
        row.default_scope = s.text(5);
        row.grant_types = s.text(6);
        row.require_pkce = s.integer(7) != 0;
        row.rotation = s.text(8);
        row.may_introspect_any = s.integer(9) != 0;
    }
    auto c = detail::from_client_row(row);
    clients_->put(c);
    return c;
}

BEAST_OAUTH_DECL void sqlite_store::save_code(code_record const& r)
{
    {
        auto l = pool_->acquire();
        detail::sqlite_statement s(*l, detail::sqlite_sql::code_insert);
        s.bind(1, std::string_view(r.signature))
            .bind(2, std::string_view(r.grant_id))
            .bind(3, std::string_view(r.client_id))
            .bind(4, std::string_view(r.subject))
            .bind(5, std::string_view(r.scope))
            .bind(6, r.scope_changed)
            .bind(7, std::string_view(r.redirect_uri))
            .bind(8, r.redirect_uri_sent)
            .bind(9, std::string_view(r.code_challenge))
            .bind(10, std::string_view(r.code_challenge_method))
            .bind(11, r.issued_at)
            .bind(12, r.expires_at);
        s.run();
    }
    after_write();
}

BEAST_OAUTH_DECL consume_result sqlite_store::consume_code(std::string_view signature)
{
    consume_result r;
    auto l = pool_->acquire();
    detail::sqlite_transaction tx(*l);
    {
        // One statement marks the code used and returns it: only one caller can match used_at IS NULL.
        detail::sqlite_statement s(*l, detail::sqlite_sql::code_consume);
        s.bind(1, signature).bind(2, now());
        if(s.step())
        {
            r.status = consume_status::consumed;
            auto& rec = r.record;
            rec.signature = std::string(signature);
            rec.grant_id = s.text(0);
            rec.client_id = s.text(1);
            rec.subject = s.text(2);
            rec.scope = s.text(3);
            rec.scope_changed = s.integer(4) != 0;
            rec.redirect_uri = s.text(5);
            rec.redirect_uri_sent = s.integer(6) != 0;
            rec.code_challenge = s.text(7);
            rec.code_challenge_method = s.text(8);
            rec.issued_at = s.time(9);
            rec.expires_at = s.time(10);
            s.run();
        }
    }
    if(r.status != consume_status::consumed)
    {
        detail::sqlite_statement s(*l, detail::sqlite_sql::code_grant_of);
        s.bind(1, signature);
        if(s.step())
        {
            r.status = consume_status::already_used;
            r.record.grant_id = s.text(0);
        }
    }
    tx.commit();
    return r;
}

BEAST_OAUTH_DECL consume_result sqlite_store::claim_code(std::string_view jti, std::string_view grant_id,
                                                        time_point expires_at)
{
    consume_result r;
    {
        auto l = pool_->acquire();
        detail::sqlite_transaction tx(*l);
        {
            detail::sqlite_statement s(*l, detail::sqlite_sql::code_claim);
            s.bind(1, jti).bind(2, grant_id).bind(3, expires_at).bind(4, now());
            s.run();
        }
        if(sqlite3_changes(l->db) == 1)
        {
            r.status = consume_status::consumed;
            r.record.grant_id = std::string(grant_id);
        }
        else
        {
            detail::sqlite_statement s(*l, detail::sqlite_sql::code_grant_of);
            s.bind(1, jti);
            if(s.step())
            {
                r.status = consume_status::already_used;
                r.record.grant_id = s.text(0);
            }
        }
        tx.commit();
    }
    after_write();
    return r;
}

BEAST_OAUTH_DECL bool sqlite_store::save_token(token_record const& record)
{
    {
        auto l = pool_->acquire();
        // The grant row and the token are written in one transaction, and revoke_grant
        // writes the same grant row: a revocation either sees this token or refuses it.
        detail::sqlite_transaction tx(*l);
        if(!detail::sqlite_insert_token(*l, record))
            return false;
        tx.commit();
    }
    after_write();
    return true;
}

BEAST_OAUTH_DECL std::shared_ptr<token_record const> sqlite_store::find_token(std::string_view signature) const
{
    auto l = pool_->acquire();
    return detail::sqlite_find_token(*l, signature);
}

BEAST_OAUTH_DECL void sqlite_store::revoke_grant(std::string_view grant_id)
{
    auto l = pool_->acquire();
    detail::sqlite_transaction tx(*l);
    {
        detail::sqlite_statement s(*l, detail::sqlite_sql::grant_revoke);
        s.bind(1, grant_id).bind(2, now());
        s.run();
    }
    {
        detail::sqlite_statement s(*l, detail::sqlite_sql::token_delete_grant);
        s.bind(1, grant_id);
        s.run();
    }
    tx.commit();
}

BEAST_OAUTH_DECL void sqlite_store::revoke_token(std::string_view signature)
{
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, detail::sqlite_sql::token_delete);
    s.bind(1, signature);
    s.run();
}

BEAST_OAUTH_DECL rotate_status sqlite_store::rotate_refresh_token(refresh_rotation_request const& request,
                                                                  std::shared_ptr<token_record const>& old_out)
{
    rotate_status status;
    {
        auto l = pool_->acquire();
        detail::sqlite_transaction tx(*l);
        auto old = detail::sqlite_find_token(*l, request.old_signature);
        if(!old || old->kind != token_kind::refresh)
            return rotate_status::not_found;
        {
            detail::sqlite_statement g(*l, detail::sqlite_sql::grant_is_active);
            g.bind(1, std::string_view(old->grant_id));
            if(!g.step())
                return rotate_status::not_found;
        }
        if(old->rotated_at != time_point{})
        {
            old_out = old;
            return request.now - old->rotated_at <= request.grace ? rotate_status::in_grace
                                                                  : rotate_status::reused;
        }
        // Keep the rotated token for reuse detection, then let the sweeper reclaim it.
        auto const keep_until = request.now + options_.rotated_retention;
        {
            detail::sqlite_statement s(*l, detail::sqlite_sql::token_rotate);
            s.bind(1, request.old_signature).bind(2, request.now).bind(3, keep_until);
            s.run();
        }
        old->rotated_at = request.now;
        if(old->expires_at > keep_until)
            old->expires_at = keep_until;
        for(auto const* successor : {request.new_access, request.new_refresh})
            if(successor)
                detail::sqlite_insert_token(*l, *successor);
        tx.commit();
        old_out = std::move(old);
        status = rotate_status::rotated;
    }
    after_write();
    return status;
}

BEAST_OAUTH_DECL void sqlite_store::revoke_access_tokens(std::string_view grant_id, std::string_view keep_signature)
{
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, detail::sqlite_sql::token_delete_access);
    s.bind(1, grant_id).bind(2, keep_signature);
    s.run();
}

BEAST_OAUTH_DECL void sqlite_store::trim_access_tokens(std::string_view grant_id, std::size_t keep)
{
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, detail::sqlite_sql::token_trim_access);
    s.bind(1, grant_id).bind(2, static_cast<std::int64_t>(keep));
    s.run();
}

BEAST_OAUTH_DECL std::vector<grant_record> sqlite_store::list_grants(std::string_view subject) const
{
    std::vector<grant_record> out;
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, detail::sqlite_sql::grant_list);
    s.bind(1, subject).bind(2, now());
    while(s.step())
        out.push_back(detail::sqlite_read_grant(s));
    return out;
}

BEAST_OAUTH_DECL std::optional<grant_record> sqlite_store::find_grant(std::string_view grant_id) const
{
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, detail::sqlite_sql::grant_find);
    s.bind(1, grant_id);
    if(!s.step())
        return std::nullopt;
    return detail::sqlite_read_grant(s);
}

BEAST_OAUTH_DECL std::vector<grant_record> sqlite_store::revoke_grants_by(int first_statement, std::string_view value)
{
    // first_statement: grant_codes_*, then grant_revoke_*, code_forget_*, token_delete_* follow in order.
    std::vector<grant_record> out;
    auto const t = now();
    {
        auto l = pool_->acquire();
        detail::sqlite_transaction tx(*l);
        {
            detail::sqlite_statement s(*l, first_statement);
            s.bind(1, value).bind(2, t);
            s.run();
        }
        {
            detail::sqlite_statement s(*l, first_statement + 1);
            s.bind(1, value).bind(2, t);
            while(s.step())
                out.push_back(detail::sqlite_read_grant(s));
        }
        for(int id : {first_statement + 2, first_statement + 3})
        {
            detail::sqlite_statement s(*l, id);
            s.bind(1, value);
            s.run();
        }
        tx.commit();
    }
    after_write();
    return out;
}

BEAST_OAUTH_DECL std::vector<grant_record> sqlite_store::revoke_subject_grants(std::string_view subject)
{
    return revoke_grants_by(detail::sqlite_sql::grant_codes_subject, subject);
}

BEAST_OAUTH_DECL std::vector<grant_record> sqlite_store::revoke_client_grants(std::string_view client_id)
{
    return revoke_grants_by(detail::sqlite_sql::grant_codes_client, client_id);
}

BEAST_OAUTH_DECL std::size_t sqlite_store::sweep_limited(time_point t, std::size_t limit)
{
    auto const kept_until = t - options_.replay_window;
    auto const max_rows = limit == 0 ? std::int64_t(-1) : static_cast<std::int64_t>(limit); // -1: no LIMIT
    std::size_t removed = 0;
    auto l = pool_->acquire();
    detail::sqlite_transaction tx(*l);
    for(auto [id, before] : {std::pair<int, time_point>{detail::sqlite_sql::sweep_tokens, t},
                             {detail::sqlite_sql::sweep_codes, kept_until},
                             {detail::sqlite_sql::sweep_grants, kept_until}})
    {
        detail::sqlite_statement s(*l, id);
        s.bind(1, before).bind(2, max_rows);
        s.run();
        removed += static_cast<std::size_t>(sqlite3_changes(l->db));
    }
    tx.commit();
    return removed;
}

BEAST_OAUTH_DECL std::size_t sqlite_store::sweep(time_point t)
{
    return sweep_limited(t, 0);
}

BEAST_OAUTH_DECL std::size_t sqlite_store::count(int statement) const
{
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, statement);
    s.step();
    return static_cast<std::size_t>(s.integer(0));
}

BEAST_OAUTH_DECL std::size_t sqlite_store::code_count() const
{
    return count(detail::sqlite_sql::count_codes);
}

BEAST_OAUTH_DECL std::size_t sqlite_store::token_count() const
{
    return count(detail::sqlite_sql::count_tokens);
}

} // namespace beast_oauth

#endif
