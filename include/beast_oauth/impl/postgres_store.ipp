#ifndef BEAST_OAUTH_IMPL_POSTGRES_STORE_IPP
#define BEAST_OAUTH_IMPL_POSTGRES_STORE_IPP

#include <beast_oauth/postgres_store.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <libpq-fe.h>
#include <array>
#include <cstdlib>
#include <optional>
#include <stdexcept>

namespace beast_oauth {

namespace detail {
namespace pg_sql {

// Migrations: entry i takes the schema from version i to i + 1. Append, never edit.
// Times are BIGINT microseconds since the Unix epoch (INT64_MAX: never expires).
constexpr char const* migrations[] = {
    // version 1
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
    "CREATE INDEX oauth_tokens_expires ON oauth_tokens (expires_at);",
    // version 2: grants as records (owner, client, scope, created, last used), filled from
    // their tokens (created_at: the oldest token still stored; last_used_at: the newest).
    "ALTER TABLE oauth_grants ADD COLUMN subject TEXT NOT NULL DEFAULT '',"
    " ADD COLUMN client_id TEXT NOT NULL DEFAULT '', ADD COLUMN scope TEXT NOT NULL DEFAULT '',"
    " ADD COLUMN created_at BIGINT, ADD COLUMN last_used_at BIGINT;"
    "UPDATE oauth_grants g SET subject = t.subject, client_id = t.client_id, scope = t.scope,"
    " created_at = t.created_at, last_used_at = t.last_used_at"
    " FROM (SELECT DISTINCT ON (grant_id) grant_id, subject, client_id, scope,"
    "  min(issued_at) OVER (PARTITION BY grant_id) AS created_at,"
    "  max(issued_at) OVER (PARTITION BY grant_id) AS last_used_at"
    "  FROM oauth_tokens ORDER BY grant_id, kind DESC, issued_at) t"
    " WHERE t.grant_id = g.grant_id;"
    "CREATE INDEX oauth_grants_subject ON oauth_grants (subject);"
    "CREATE INDEX oauth_grants_client ON oauth_grants (client_id);",
    // version 3: DPoP (RFC 9449): the key a token is bound to, and the proofs' replay cache.
    "ALTER TABLE oauth_tokens ADD COLUMN jkt TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE oauth_dpop_jti (jti_key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);"
    "CREATE INDEX oauth_dpop_jti_expires ON oauth_dpop_jti (expires_at);",
};
static_assert(sizeof(migrations) / sizeof(migrations[0]) == postgres_store::schema_version,
              "one migration per schema version");

enum id
{
    client_upsert,
    client_find,
    code_insert,
    code_consume,
    code_grant_of,
    code_claim,
    token_save,
    grant_lock,
    grant_revoke,
    token_find,
    token_grant_of_refresh,
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
    dpop_claim,
    dpop_seen,
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
    "INSERT INTO oauth_clients (client_id, name, secret_hash, redirect_uris, allowed_scopes, default_scope,"
    " grant_types, require_pkce, rotation, may_introspect_any) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    " ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name, secret_hash = EXCLUDED.secret_hash,"
    " redirect_uris = EXCLUDED.redirect_uris, allowed_scopes = EXCLUDED.allowed_scopes,"
    " default_scope = EXCLUDED.default_scope, grant_types = EXCLUDED.grant_types,"
    " require_pkce = EXCLUDED.require_pkce, rotation = EXCLUDED.rotation,"
    " may_introspect_any = EXCLUDED.may_introspect_any",
    "SELECT client_id, name, secret_hash, redirect_uris, allowed_scopes, default_scope, grant_types,"
    " require_pkce, rotation, may_introspect_any FROM oauth_clients WHERE client_id = $1",
    "INSERT INTO oauth_codes (signature, grant_id, client_id, subject, scope, scope_changed, redirect_uri,"
    " redirect_uri_sent, code_challenge, code_challenge_method, issued_at, expires_at, used_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)"
    " ON CONFLICT (signature) DO UPDATE SET grant_id = EXCLUDED.grant_id, client_id = EXCLUDED.client_id,"
    " subject = EXCLUDED.subject, scope = EXCLUDED.scope, scope_changed = EXCLUDED.scope_changed,"
    " redirect_uri = EXCLUDED.redirect_uri, redirect_uri_sent = EXCLUDED.redirect_uri_sent,"
    " code_challenge = EXCLUDED.code_challenge, code_challenge_method = EXCLUDED.code_challenge_method,"
    " issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at, used_at = NULL",
    // RFC 6749 4.1.2 single use: only one statement can see used_at IS NULL and return the row.
    "UPDATE oauth_codes SET used_at = $2 WHERE signature = $1 AND used_at IS NULL"
    " RETURNING grant_id, client_id, subject, scope, scope_changed, redirect_uri, redirect_uri_sent,"
    " code_challenge, code_challenge_method, issued_at, expires_at",
    "SELECT grant_id FROM oauth_codes WHERE signature = $1",
    "INSERT INTO oauth_codes (signature, grant_id, expires_at, used_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (signature) DO NOTHING RETURNING 1",
    // The grant upsert locks the grant's row until commit (and re-reads revoked_at after any
    // concurrent revoke committed); no row comes back when the grant is revoked.
    // The first token creates the grant record; later ones move last_used_at when it is $10
    // microseconds old (grant_last_used_resolution), inside the same row update.
    "WITH g AS (INSERT INTO oauth_grants (grant_id, expires_at, subject, client_id, scope, created_at, last_used_at)"
    "  VALUES ($3::text, $8::bigint, $5::text, $4::text, $6::text, $7::bigint, $7::bigint)"
    "  ON CONFLICT (grant_id) DO UPDATE SET expires_at = GREATEST(oauth_grants.expires_at, EXCLUDED.expires_at),"
    "  last_used_at = CASE WHEN oauth_grants.last_used_at IS NULL"
    "   OR EXCLUDED.last_used_at >= oauth_grants.last_used_at + $10::bigint"
    "   THEN EXCLUDED.last_used_at ELSE oauth_grants.last_used_at END"
    "  WHERE oauth_grants.revoked_at IS NULL RETURNING 1)"
    " INSERT INTO oauth_tokens (signature, kind, grant_id, client_id, subject, scope, issued_at, expires_at,"
    " rotated_at, jkt) SELECT $1::text, $2::smallint, $3::text, $4::text, $5::text, $6::text, $7::bigint,"
    " $8::bigint, $9::bigint, $11::text FROM g"
    " ON CONFLICT (signature) DO UPDATE SET kind = EXCLUDED.kind, grant_id = EXCLUDED.grant_id,"
    " client_id = EXCLUDED.client_id, subject = EXCLUDED.subject, scope = EXCLUDED.scope,"
    " issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at, rotated_at = EXCLUDED.rotated_at,"
    " jkt = EXCLUDED.jkt"
    " RETURNING 1",
    "SELECT revoked_at IS NULL FROM oauth_grants WHERE grant_id = $1 FOR UPDATE",
    "INSERT INTO oauth_grants (grant_id, revoked_at, expires_at) VALUES ($1, $2, $2)"
    " ON CONFLICT (grant_id) DO UPDATE SET revoked_at = COALESCE(oauth_grants.revoked_at, EXCLUDED.revoked_at),"
    " expires_at = EXCLUDED.expires_at",
    "SELECT kind, grant_id, client_id, subject, scope, issued_at, expires_at, rotated_at, jkt"
    " FROM oauth_tokens WHERE signature = $1",
    "SELECT grant_id FROM oauth_tokens WHERE signature = $1 AND kind = 1",
    "DELETE FROM oauth_tokens WHERE signature = $1",
    "DELETE FROM oauth_tokens WHERE grant_id = $1",
    "UPDATE oauth_tokens SET rotated_at = $2, expires_at = LEAST(expires_at, $3) WHERE signature = $1",
    "DELETE FROM oauth_tokens WHERE grant_id = $1 AND kind = 0 AND signature <> $2",
    // Keeps the newest N access tokens of a grant (max_access_tokens_per_grant).
    "DELETE FROM oauth_tokens WHERE grant_id = $1 AND kind = 0 AND signature NOT IN"
    " (SELECT signature FROM oauth_tokens WHERE grant_id = $1 AND kind = 0 ORDER BY issued_at DESC LIMIT $2)",
    "SELECT grant_id, subject, client_id, scope, created_at, last_used_at, revoked_at, expires_at FROM oauth_grants"
    " WHERE subject = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at, grant_id",
    "SELECT grant_id, subject, client_id, scope, created_at, last_used_at, revoked_at, expires_at FROM oauth_grants WHERE grant_id = $1",
    // Revoking by subject: the grants of its codes in flight first (unused codes are then forgotten),
    // then every active grant (row locks: a concurrent save_token waits, then is refused), then
    // their tokens, in a statement whose snapshot holds every token saved before the locks.
    "INSERT INTO oauth_grants (grant_id, expires_at, subject, client_id, scope)"
    " SELECT grant_id, $2, subject, client_id, scope FROM oauth_codes WHERE subject = $1"
    " ON CONFLICT (grant_id) DO NOTHING",
    "UPDATE oauth_grants SET revoked_at = $2, expires_at = $2 WHERE subject = $1 AND revoked_at IS NULL"
    " RETURNING grant_id, subject, client_id, scope, created_at, last_used_at, revoked_at, expires_at",
    "DELETE FROM oauth_codes WHERE subject = $1 AND used_at IS NULL",
    "DELETE FROM oauth_tokens WHERE grant_id IN"
    " (SELECT grant_id FROM oauth_grants WHERE subject = $1 AND revoked_at IS NOT NULL)",
    // Revoking by client_id: the grants of its codes in flight first (unused codes are then forgotten),
    // then every active grant (row locks: a concurrent save_token waits, then is refused), then
    // their tokens, in a statement whose snapshot holds every token saved before the locks.
    "INSERT INTO oauth_grants (grant_id, expires_at, subject, client_id, scope)"
    " SELECT grant_id, $2, subject, client_id, scope FROM oauth_codes WHERE client_id = $1"
    " ON CONFLICT (grant_id) DO NOTHING",
    "UPDATE oauth_grants SET revoked_at = $2, expires_at = $2 WHERE client_id = $1 AND revoked_at IS NULL"
    " RETURNING grant_id, subject, client_id, scope, created_at, last_used_at, revoked_at, expires_at",
    "DELETE FROM oauth_codes WHERE client_id = $1 AND used_at IS NULL",
    "DELETE FROM oauth_tokens WHERE grant_id IN"
    " (SELECT grant_id FROM oauth_grants WHERE client_id = $1 AND revoked_at IS NOT NULL)",
    // LIMIT NULL: no limit.
    "DELETE FROM oauth_tokens WHERE ctid = ANY(ARRAY("
    "SELECT ctid FROM oauth_tokens WHERE expires_at <= $1 LIMIT $2))",
    "DELETE FROM oauth_codes WHERE ctid = ANY(ARRAY("
    "SELECT ctid FROM oauth_codes WHERE expires_at <= $1 LIMIT $2))",
    "DELETE FROM oauth_grants WHERE ctid = ANY(ARRAY("
    "SELECT ctid FROM oauth_grants WHERE expires_at <= $1 LIMIT $2))",
    "SELECT count(*) FROM oauth_codes",
    "SELECT count(*) FROM oauth_tokens",
    // The DPoP replay cache (postgres_store_dpop.ipp): purge, then insert while under capacity.
    "WITH purged AS (DELETE FROM oauth_dpop_jti WHERE expires_at <= $3::bigint RETURNING 1)"
    " INSERT INTO oauth_dpop_jti (jti_key, expires_at) SELECT $1::text, $2::bigint"
    " WHERE (SELECT count(*) FROM oauth_dpop_jti WHERE expires_at > $3::bigint) < $4::bigint"
    " ON CONFLICT (jti_key) DO NOTHING RETURNING 1",
    "SELECT 1 FROM oauth_dpop_jti WHERE jti_key = $1 AND expires_at > $2::bigint",
};

} // namespace pg_sql

/// A serialization failure or deadlock: the whole transaction is retried.
struct pg_retry
{
};

/// Text parameters for one statement (libpq text format); nullopt is SQL NULL.
class pg_params
{
public:
    pg_params& add(std::string_view v)
    {
        values_.emplace_back(std::string(v));
        return *this;
    }
    pg_params& add(std::int64_t v) { return add(std::string_view(std::to_string(v))); }
    pg_params& add(bool v) { return add(std::string_view(v ? "true" : "false")); }
    pg_params& add(time_point t) { return add(to_db_time(t)); }
    pg_params& add_null()
    {
        values_.emplace_back(std::nullopt);
        return *this;
    }
    std::vector<char const*> pointers() const
    {
        std::vector<char const*> p;
        for(auto const& v : values_)
            p.push_back(v ? v->c_str() : nullptr);
        return p;
    }
    int size() const noexcept { return static_cast<int>(values_.size()); }

private:
    std::vector<std::optional<std::string>> values_;
};

/// An owned PGresult.
class pg_result
{
public:
    explicit pg_result(PGresult* r) noexcept : r_(r) {}
    pg_result(pg_result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
    pg_result& operator=(pg_result&&) = delete;
    ~pg_result() { PQclear(r_); }

    PGresult* get() const noexcept { return r_; }
    int rows() const noexcept { return PQntuples(r_); }
    bool is_null(int row, int col) const noexcept { return PQgetisnull(r_, row, col) != 0; }
    std::string text(int row, int col) const
    {
        return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
    }
    std::int64_t integer(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }
    bool boolean(int row, int col) const { return PQgetvalue(r_, row, col)[0] == 't'; }
    time_point time(int row, int col) const
    {
        return is_null(row, col) ? time_point{} : from_db_time(integer(row, col));
    }
    std::size_t affected() const { return static_cast<std::size_t>(std::strtoull(PQcmdTuples(r_), nullptr, 10)); }

private:
    PGresult* r_;
};

class pg_connection
{
public:
    pg_connection(std::string const& conninfo, postgres_store_options const& o)
        : retry_after(o.retry_after)
    {
        // Defaults first, then the conninfo (expand_dbname), whose values win.
        auto timeout = std::to_string(o.connect_timeout.count());
        // tcp_user_timeout: a query sent into a dead network fails after 10 s instead of hanging.
        char const* keys[] = {"connect_timeout", "tcp_user_timeout", "application_name", "dbname", nullptr};
        char const* values[] = {timeout.c_str(), "10000", "beast_oauth", conninfo.c_str(), nullptr};
        conn = PQconnectdbParams(keys, values, 1);
        if(!conn || PQstatus(conn) != CONNECTION_OK)
        {
            std::string msg = "postgres_store: cannot connect: " +
                              std::string(conn ? PQerrorMessage(conn) : "out of memory");
            PQfinish(conn);
            conn = nullptr;
            throw store_unavailable(msg, o.retry_after);
        }
        PQsetNoticeProcessor(conn, [](void*, char const*) {}, nullptr); // NOTICEs are not errors
        if(o.statement_timeout.count() > 0)
        {
            try
            {
                simple("SET statement_timeout = " + std::to_string(o.statement_timeout.count()));
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
    bool alive() noexcept { return PQconsumeInput(conn) == 1 && PQstatus(conn) == CONNECTION_OK; }
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
    // Unreachable, shutting down, out of resources or timed out: store_unavailable (503), and a
    // lost connection is dropped. Serialization failure or deadlock: retry the transaction.
    pg_result check(pg_result r, char const* what)
    {
        auto status = r.get() ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
        if(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
            return r;
        char const* field = r.get() ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
        std::string const state = field ? field : "";
        std::string msg = std::string("postgres_store: ") + what + ": " +
                          (r.get() ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn));
        while(!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
            msg.pop_back();
        if(PQstatus(conn) == CONNECTION_BAD || state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0)
        {
            broken = true;
            throw store_unavailable(msg, retry_after);
        }
        if(state == "40001" || state == "40P01")
            throw pg_retry{};
        if(state.rfind("53", 0) == 0 || state == "57014" || state == "55P03")
            throw store_unavailable(msg, retry_after);
        throw std::runtime_error(msg);
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

inline pg_params pg_token_params(token_record const& t)
{
    pg_params p;
    p.add(std::string_view(t.signature))
        .add(std::int64_t(t.kind == token_kind::refresh ? 1 : 0))
        .add(std::string_view(t.grant_id))
        .add(std::string_view(t.client_id))
        .add(std::string_view(t.subject))
        .add(std::string_view(t.scope))
        .add(t.issued_at)
        .add(t.expires_at);
    if(t.rotated_at == time_point{})
        p.add_null();
    else
        p.add(t.rotated_at);
    p.add(to_db_seconds(grant_last_used_resolution));
    p.add(std::string_view(t.jkt));
    return p;
}

// A row of grant_list, grant_find or the bulk revocations' RETURNING.
inline grant_record pg_read_grant(pg_result const& r, int row)
{
    grant_record g;
    g.grant_id = r.text(row, 0);
    g.subject = r.text(row, 1);
    g.client_id = r.text(row, 2);
    g.scope = r.text(row, 3);
    g.created_at = r.time(row, 4);
    g.last_used_at = r.time(row, 5);
    g.revoked_at = r.time(row, 6);
    g.expires_at = r.time(row, 7);
    return g;
}

inline std::shared_ptr<token_record> pg_find_token(pg_connection& c, std::string_view signature)
{
    auto r = c.run(pg_sql::token_find, pg_params().add(signature));
    if(r.rows() == 0)
        return nullptr;
    auto t = std::make_shared<token_record>();
    t->signature = std::string(signature);
    t->kind = r.integer(0, 0) == 1 ? token_kind::refresh : token_kind::access;
    t->grant_id = r.text(0, 1);
    t->client_id = r.text(0, 2);
    t->subject = r.text(0, 3);
    t->scope = r.text(0, 4);
    t->issued_at = r.time(0, 5);
    t->expires_at = r.time(0, 6);
    t->rotated_at = r.time(0, 7);
    t->jkt = r.text(0, 8);
    return t;
}

} // namespace detail

template<class F>
auto postgres_store::with_retry(F&& f) const
{
    for(int attempt = 1;; ++attempt)
    {
        try
        {
            return f();
        }
        catch(detail::pg_retry const&)
        {
            if(attempt == 5)
                throw store_unavailable("postgres_store: transaction kept conflicting", options_.retry_after);
        }
    }
}

BEAST_OAUTH_DECL postgres_store::postgres_store(std::string conninfo, postgres_store_options options)
    : conninfo_(std::move(conninfo))
    , options_(std::move(options))
    , clients_(std::make_unique<detail::client_cache>(options_.client_cache_ttl))
    , pool_(std::make_unique<detail::connection_pool<detail::pg_connection>>(
          options_.max_connections, options_.acquire_timeout, options_.retry_after, "postgres_store",
          [this] { return std::make_unique<detail::pg_connection>(conninfo_, options_); }))
{
    auto l = pool_->acquire();
    auto& c = *l;
    detail::pg_transaction tx(c);
    // Instances starting together: the first migrates, the others wait and find it done.
    c.simple("SELECT pg_advisory_xact_lock(7243018916)");
    c.simple("CREATE TABLE IF NOT EXISTS oauth_schema_version (version INTEGER NOT NULL)");
    auto r = c.simple("SELECT coalesce(max(version), 0) FROM oauth_schema_version");
    auto const version = static_cast<int>(r.integer(0, 0));
    if(version > schema_version)
        throw std::runtime_error("postgres_store: the database has schema version " + std::to_string(version) +
                                 ", newer than this library's " + std::to_string(schema_version));
    if(version < schema_version)
    {
        for(int v = version; v < schema_version; ++v)
            c.simple(detail::pg_sql::migrations[v]);
        c.simple("DELETE FROM oauth_schema_version");
        c.simple("INSERT INTO oauth_schema_version (version) VALUES (" + std::to_string(schema_version) + ")");
    }
    tx.commit();
}

BEAST_OAUTH_DECL postgres_store::~postgres_store() = default;

BEAST_OAUTH_DECL time_point postgres_store::now() const
{
    return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

BEAST_OAUTH_DECL void postgres_store::after_write()
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

BEAST_OAUTH_DECL void postgres_store::add_client(client const& c)
{
    auto row = detail::to_client_row(c);
    {
        auto l = pool_->acquire();
        l->run(detail::pg_sql::client_upsert, detail::pg_params()
                                                     .add(std::string_view(row.client_id))
                                                     .add(std::string_view(row.name))
                                                     .add(std::string_view(row.secret_hash))
                                                     .add(std::string_view(row.redirect_uris))
                                                     .add(std::string_view(row.allowed_scopes))
                                                     .add(std::string_view(row.default_scope))
                                                     .add(std::string_view(row.grant_types))
                                                     .add(row.require_pkce)
                                                     .add(std::string_view(row.rotation))
                                                     .add(row.may_introspect_any));
    }
    clients_->put(std::make_shared<client const>(c));
}

BEAST_OAUTH_DECL std::vector<std::string> postgres_store::client_ids() const
{
    std::vector<std::string> ids;
    auto l = pool_->acquire();
    auto r = l->simple("SELECT client_id FROM oauth_clients ORDER BY client_id");
    for(int i = 0; i < r.rows(); ++i)
        ids.push_back(r.text(i, 0));
    return ids;
}

BEAST_OAUTH_DECL std::shared_ptr<client const> postgres_store::find_client(std::string_view client_id) const
{
    if(auto cached = clients_->get(client_id))
        return cached;
    detail::client_row row;
    {
        auto l = pool_->acquire();
        auto r = l->run(detail::pg_sql::client_find, detail::pg_params().add(client_id));
        if(r.rows() == 0)
            return nullptr;
        row.client_id = r.text(0, 0);
        row.name = r.text(0, 1);
        row.secret_hash = r.text(0, 2);
        row.redirect_uris = r.text(0, 3);
        row.allowed_scopes = r.text(0, 4);
        row.default_scope = r.text(0, 5);
        row.grant_types = r.text(0, 6);
        row.require_pkce = r.boolean(0, 7);
        row.rotation = r.text(0, 8);
        row.may_introspect_any = r.boolean(0, 9);
    }
    auto c = detail::from_client_row(row);
    clients_->put(c);
    return c;
}

BEAST_OAUTH_DECL void postgres_store::save_code(code_record const& r)
{
    {
        auto l = pool_->acquire();
        l->run(detail::pg_sql::code_insert, detail::pg_params()
                                                   .add(std::string_view(r.signature))
                                                   .add(std::string_view(r.grant_id))
                                                   .add(std::string_view(r.client_id))
                                                   .add(std::string_view(r.subject))
                                                   .add(std::string_view(r.scope))
                                                   .add(r.scope_changed)
                                                   .add(std::string_view(r.redirect_uri))
                                                   .add(r.redirect_uri_sent)
                                                   .add(std::string_view(r.code_challenge))
                                                   .add(std::string_view(r.code_challenge_method))
                                                   .add(r.issued_at)
                                                   .add(r.expires_at));
    }
    after_write();
}

BEAST_OAUTH_DECL consume_result postgres_store::consume_code(std::string_view signature)
{
    consume_result out;
    auto l = pool_->acquire();
    auto& c = *l;
    // One statement (autocommit): whichever caller's UPDATE finds used_at IS NULL wins;
    // the others wait on the row lock, then see it used and match nothing.
    auto r = c.run(detail::pg_sql::code_consume, detail::pg_params().add(signature).add(now()));
    if(r.rows() == 1)
    {
        out.status = consume_status::consumed;
        auto& rec = out.record;
        rec.signature = std::string(signature);
        rec.grant_id = r.text(0, 0);
        rec.client_id = r.text(0, 1);
        rec.subject = r.text(0, 2);
        rec.scope = r.text(0, 3);
        rec.scope_changed = r.boolean(0, 4);
        rec.redirect_uri = r.text(0, 5);
        rec.redirect_uri_sent = r.boolean(0, 6);
        rec.code_challenge = r.text(0, 7);
        rec.code_challenge_method = r.text(0, 8);
        rec.issued_at = r.time(0, 9);
        rec.expires_at = r.time(0, 10);
        return out;
    }
    auto g = c.run(detail::pg_sql::code_grant_of, detail::pg_params().add(signature));
    if(g.rows() == 1)
    {
        out.status = consume_status::already_used;
        out.record.grant_id = g.text(0, 0);
    }
    return out;
}

BEAST_OAUTH_DECL consume_result postgres_store::claim_code(std::string_view jti, std::string_view grant_id,
                                                          time_point expires_at)
{
    consume_result out;
    {
        auto l = pool_->acquire();
        auto& c = *l;
        auto r = c.run(detail::pg_sql::code_claim,
                       detail::pg_params().add(jti).add(grant_id).add(expires_at).add(now()));
        if(r.rows() == 1)
        {
            out.status = consume_status::consumed;
            out.record.grant_id = std::string(grant_id);
        }
        else
        {
            auto g = c.run(detail::pg_sql::code_grant_of, detail::pg_params().add(jti));
            if(g.rows() == 1)
            {
                out.status = consume_status::already_used;
                out.record.grant_id = g.text(0, 0);
            }
        }
    }
    after_write();
    return out;
}

BEAST_OAUTH_DECL bool postgres_store::save_token(token_record const& record)
{
    bool saved = false;
    {
        auto l = pool_->acquire();
        // One statement: lock the grant row (waiting for a concurrent revoke_grant to commit),
        // and insert the token only if the grant is not revoked.
        saved = with_retry([&] { return l->run(detail::pg_sql::token_save, detail::pg_token_params(record)).rows() == 1; });
    }
    if(saved)
        after_write();
    return saved;
}

BEAST_OAUTH_DECL std::shared_ptr<token_record const> postgres_store::find_token(std::string_view signature) const
{
    for(int attempt = 0;; ++attempt)
    {
        auto l = pool_->acquire();
        try
        {
            return detail::pg_find_token(*l, signature);
        }
        catch(store_unavailable const&)
        {
            // A pooled connection the database closed (restart, failover) fails its first
            // query; a read is safe to repeat once, on a fresh connection (this one is dropped).
            if(attempt > 0 || !l->broken)
                throw;
        }
    }
}

BEAST_OAUTH_DECL void postgres_store::revoke_grant(std::string_view grant_id)
{
    auto l = pool_->acquire();
    auto& c = *l;
    with_retry([&] {
        // Two statements: the DELETE starts after the grant row is ours, so its snapshot
        // includes every token a concurrent save_token committed before we got the lock.
        detail::pg_transaction tx(c);
        c.run(detail::pg_sql::grant_revoke, detail::pg_params().add(grant_id).add(now()));
        c.run(detail::pg_sql::token_delete_grant, detail::pg_params().add(grant_id));
        tx.commit();
        return 0;
    });
}

BEAST_OAUTH_DECL void postgres_store::revoke_token(std::string_view signature)
{
    auto l = pool_->acquire();
    l->run(detail::pg_sql::token_delete, detail::pg_params().add(signature));
}

BEAST_OAUTH_DECL rotate_status postgres_store::rotate_refresh_token(refresh_rotation_request const& request,
                                                                    std::shared_ptr<token_record const>& old_out)
{
    rotate_status status;
    {
        auto l = pool_->acquire();
        auto& c = *l;
        status = with_retry([&] {
            detail::pg_transaction tx(c);
            auto g = c.run(detail::pg_sql::token_grant_of_refresh, detail::pg_params().add(request.old_signature));
            if(g.rows() == 0)
                return rotate_status::not_found;
            // Lock order everywhere: the grant row, then its tokens.
            auto lock = c.run(detail::pg_sql::grant_lock, detail::pg_params().add(std::string_view(g.text(0, 0))));
            if(lock.rows() == 0 || !lock.boolean(0, 0))
                return rotate_status::not_found;
            auto old = detail::pg_find_token(c, request.old_signature); // re-read under the lock
            if(!old || old->kind != token_kind::refresh)
                return rotate_status::not_found;
            if(old->rotated_at != time_point{})
            {
                old_out = old;
                return request.now - old->rotated_at <= request.grace ? rotate_status::in_grace
                                                                      : rotate_status::reused;
            }
            auto const keep_until = request.now + options_.rotated_retention;
            c.run(detail::pg_sql::token_rotate,
                  detail::pg_params().add(request.old_signature).add(request.now).add(keep_until));
            old->rotated_at = request.now;
            if(old->expires_at > keep_until)
                old->expires_at = keep_until;
            for(auto const* successor : {request.new_access, request.new_refresh})
                if(successor)
                    c.run(detail::pg_sql::token_save, detail::pg_token_params(*successor));
            tx.commit();
            old_out = std::move(old);
            return rotate_status::rotated;
        });
    }
    if(status == rotate_status::rotated)
        after_write();
    return status;
}

BEAST_OAUTH_DECL void postgres_store::revoke_access_tokens(std::string_view grant_id, std::string_view keep_signature)
{
    auto l = pool_->acquire();
    l->run(detail::pg_sql::token_delete_access, detail::pg_params().add(grant_id).add(keep_signature));
}

BEAST_OAUTH_DECL void postgres_store::trim_access_tokens(std::string_view grant_id, std::size_t keep)
{
    auto l = pool_->acquire();
    l->run(detail::pg_sql::token_trim_access,
           detail::pg_params().add(grant_id).add(static_cast<std::int64_t>(keep)));
}

BEAST_OAUTH_DECL std::vector<grant_record> postgres_store::list_grants(std::string_view subject) const
{
    auto l = pool_->acquire();
    auto r = l->run(detail::pg_sql::grant_list, detail::pg_params().add(subject).add(now()));
    std::vector<grant_record> out;
    for(int i = 0; i < r.rows(); ++i)
        out.push_back(detail::pg_read_grant(r, i));
    return out;
}

BEAST_OAUTH_DECL std::optional<grant_record> postgres_store::find_grant(std::string_view grant_id) const
{
    auto l = pool_->acquire();
    auto r = l->run(detail::pg_sql::grant_find, detail::pg_params().add(grant_id));
    if(r.rows() == 0)
        return std::nullopt;
    return detail::pg_read_grant(r, 0);
}

BEAST_OAUTH_DECL std::vector<grant_record> postgres_store::revoke_grants_by(int first_statement, std::string_view value)
{
    // first_statement: grant_codes_*, then grant_revoke_*, code_forget_*, token_delete_* follow in order.
    auto const t = now();
    std::vector<grant_record> out;
    {
        auto l = pool_->acquire();
        auto& c = *l;
        out = with_retry([&] {
            std::vector<grant_record> revoked;
            detail::pg_transaction tx(c);
            c.run(first_statement, detail::pg_params().add(value).add(t));
            auto r = c.run(first_statement + 1, detail::pg_params().add(value).add(t));
            for(int i = 0; i < r.rows(); ++i)
                revoked.push_back(detail::pg_read_grant(r, i));
            c.run(first_statement + 2, detail::pg_params().add(value));
            c.run(first_statement + 3, detail::pg_params().add(value));
            tx.commit();
            return revoked;
        });
    }
    after_write();
    return out;
}

BEAST_OAUTH_DECL std::vector<grant_record> postgres_store::revoke_subject_grants(std::string_view subject)
{
    return revoke_grants_by(detail::pg_sql::grant_codes_subject, subject);
}

BEAST_OAUTH_DECL std::vector<grant_record> postgres_store::revoke_client_grants(std::string_view client_id)
{
    return revoke_grants_by(detail::pg_sql::grant_codes_client, client_id);
}

BEAST_OAUTH_DECL std::size_t postgres_store::sweep_limited(time_point t, std::size_t limit)
{
    auto const kept_until = t - options_.replay_window;
    std::size_t removed = 0;
    auto l = pool_->acquire();
    for(auto [id, before] : {std::pair<int, time_point>{detail::pg_sql::sweep_tokens, t},
                             {detail::pg_sql::sweep_codes, kept_until},
                             {detail::pg_sql::sweep_grants, kept_until}})
    {
        detail::pg_params p;
        p.add(before);
        if(limit == 0)
            p.add_null(); // LIMIT NULL: everything
        else
            p.add(static_cast<std::int64_t>(limit));
        removed += l->run(id, p).affected();
    }
    return removed;
}

BEAST_OAUTH_DECL std::size_t postgres_store::sweep(time_point t)
{
    return sweep_limited(t, 0);
}

BEAST_OAUTH_DECL std::size_t postgres_store::count(int statement) const
{
    auto l = pool_->acquire();
    return static_cast<std::size_t>(l->run(statement, detail::pg_params()).integer(0, 0));
}

BEAST_OAUTH_DECL std::size_t postgres_store::code_count() const
{
    return count(detail::pg_sql::count_codes);
}

BEAST_OAUTH_DECL std::size_t postgres_store::token_count() const
{
    return count(detail::pg_sql::count_tokens);
}

} // namespace beast_oauth

#endif
