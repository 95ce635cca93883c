#ifndef BEAST_OAUTH_DETAIL_SQLITE_SCHEMA_HPP
#define BEAST_OAUTH_DETAIL_SQLITE_SCHEMA_HPP

// The SQLite store's schema migrations and prepared statements (one copy, run by
// detail/sqlite_dialect.hpp and, through it, basic_sql_store).

#include <beast_oauth/sqlite_store.hpp>
#include <beast_oauth/detail/sql_columns.hpp>

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
    // version 4: a client's own PAR (RFC 9126 6) and DPoP (RFC 9449 5.2) requirements.
    // (parenthesised: one element of two statements, as clang -Wstring-concatenation asks)
    ("ALTER TABLE oauth_clients ADD COLUMN require_par INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE oauth_clients ADD COLUMN dpop_bound INTEGER NOT NULL DEFAULT 0;"),
};
static_assert(sizeof(migrations) / sizeof(migrations[0]) == sqlite_store::schema_version,
              "one migration per schema version");

using namespace sql_common; // the statements both dialects run, first in `text`
// SQLite's own statements.
enum id
{
    begin_immediate = sql_common::common_count,
    commit,
    rollback,
    grant_touch,
    grant_is_active,
    token_insert,
    dpop_purge,
    dpop_count,
    dpop_insert,
    statement_count
};

constexpr char const* text[statement_count] = {
    "INSERT OR REPLACE INTO oauth_clients (client_id, name, secret_hash, redirect_uris, allowed_scopes,"
    " default_scope, grant_types, require_pkce, rotation, may_introspect_any, require_par, dpop_bound)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "SELECT client_id, name, secret_hash, redirect_uris, allowed_scopes, default_scope, grant_types,"
    " require_pkce, rotation, may_introspect_any, require_par, dpop_bound FROM oauth_clients WHERE client_id = ?1",
    "INSERT OR REPLACE INTO oauth_codes (signature, grant_id, client_id, subject, scope, scope_changed,"
    " redirect_uri, redirect_uri_sent, code_challenge, code_challenge_method, issued_at, expires_at, used_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL)",
    "UPDATE oauth_codes SET used_at = ?2 WHERE signature = ?1 AND used_at IS NULL"
    " RETURNING grant_id, client_id, subject, scope, scope_changed, redirect_uri, redirect_uri_sent,"
    " code_challenge, code_challenge_method, issued_at, expires_at",
    "SELECT grant_id FROM oauth_codes WHERE signature = ?1",
    "INSERT INTO oauth_codes (signature, grant_id, expires_at, used_at) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (signature) DO NOTHING",
    "INSERT INTO oauth_grants (grant_id, revoked_at, expires_at) VALUES (?1, ?2, ?2)"
    " ON CONFLICT (grant_id) DO UPDATE SET revoked_at = coalesce(revoked_at, excluded.revoked_at),"
    " expires_at = excluded.expires_at",
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
    // The DPoP replay cache (sqlite_dialect.hpp), and below its purge, count and insert.
    "SELECT 1 FROM oauth_dpop_jti WHERE jti_key = ?1",
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    // Returns a row unless the grant is revoked. The first token creates the grant record;
    // later ones move last_used_at when it is ?7 microseconds old (grant_last_used_resolution).
    "INSERT INTO oauth_grants (grant_id, revoked_at, expires_at, subject, client_id, scope, created_at, last_used_at)"
    " VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6, ?6)"
    " ON CONFLICT (grant_id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at),"
    " last_used_at = CASE WHEN last_used_at IS NULL OR excluded.last_used_at >= last_used_at + ?7"
    " THEN excluded.last_used_at ELSE last_used_at END"
    " WHERE revoked_at IS NULL RETURNING 1",
    "SELECT 1 FROM oauth_grants WHERE grant_id = ?1 AND revoked_at IS NULL",
    "INSERT OR REPLACE INTO oauth_tokens (signature, kind, grant_id, client_id, subject, scope, issued_at,"
    " expires_at, rotated_at, jkt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    "DELETE FROM oauth_dpop_jti WHERE expires_at <= ?1",
    "SELECT count(*) FROM oauth_dpop_jti",
    "INSERT INTO oauth_dpop_jti (jti_key, expires_at) VALUES (?1, ?2)",
};
static_assert(sql_common::all_set(text), "every statement id needs its SQL text");

} // namespace sqlite_sql

} // namespace detail
} // namespace beast_oauth

#endif
