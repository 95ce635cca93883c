#ifndef BEAST_OAUTH_DETAIL_PG_SQL_HPP
#define BEAST_OAUTH_DETAIL_PG_SQL_HPP

// The PostgreSQL stores' SQL: the schema migrations and every statement, one copy shared by
// postgres_store (blocking) and postgres_async_store (non-blocking libpq on Asio).

#include <beast_oauth/detail/sql_columns.hpp>

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
    // version 4: a client's own PAR (RFC 9126 6) and DPoP (RFC 9449 5.2) requirements.
    // (parenthesised: one element of two statements, as clang -Wstring-concatenation asks)
    ("ALTER TABLE oauth_clients ADD COLUMN require_par BOOLEAN NOT NULL DEFAULT FALSE;"
     "ALTER TABLE oauth_clients ADD COLUMN dpop_bound BOOLEAN NOT NULL DEFAULT FALSE;"),
};
/// The schema version the migrations above produce (postgres_store::schema_version).
constexpr int schema_version = static_cast<int>(sizeof(migrations) / sizeof(migrations[0]));

using namespace sql_common; // the statements both dialects run, first in `text`
// PostgreSQL's own statements.
enum id
{
    token_save = sql_common::common_count,
    grant_lock,
    token_grant_of_refresh,
    dpop_claim,
    statement_count
};

constexpr char const* text[statement_count] = {
    "INSERT INTO oauth_clients (client_id, name, secret_hash, redirect_uris, allowed_scopes, default_scope,"
    " grant_types, require_pkce, rotation, may_introspect_any, require_par, dpop_bound)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    " ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name, secret_hash = EXCLUDED.secret_hash,"
    " redirect_uris = EXCLUDED.redirect_uris, allowed_scopes = EXCLUDED.allowed_scopes,"
    " default_scope = EXCLUDED.default_scope, grant_types = EXCLUDED.grant_types,"
    " require_pkce = EXCLUDED.require_pkce, rotation = EXCLUDED.rotation,"
    " may_introspect_any = EXCLUDED.may_introspect_any, require_par = EXCLUDED.require_par,"
    " dpop_bound = EXCLUDED.dpop_bound",
    "SELECT client_id, name, secret_hash, redirect_uris, allowed_scopes, default_scope, grant_types,"
    " require_pkce, rotation, may_introspect_any, require_par, dpop_bound FROM oauth_clients WHERE client_id = $1",
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
    "INSERT INTO oauth_grants (grant_id, revoked_at, expires_at) VALUES ($1, $2, $2)"
    " ON CONFLICT (grant_id) DO UPDATE SET revoked_at = COALESCE(oauth_grants.revoked_at, EXCLUDED.revoked_at),"
    " expires_at = EXCLUDED.expires_at",
    "SELECT kind, grant_id, client_id, subject, scope, issued_at, expires_at, rotated_at, jkt"
    " FROM oauth_tokens WHERE signature = $1",
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
    // The DPoP replay cache (pg_dialect.hpp): a proof seen and not yet expired.
    "SELECT 1 FROM oauth_dpop_jti WHERE jti_key = $1 AND expires_at > $2::bigint",
    // The grant upsert locks the grant's row until commit (and re-reads revoked_at after any
    // concurrent revoke committed); no row comes back when the grant is revoked.
    // The first token creates the grant record; later ones move last_used_at when it is $11
    // microseconds old (grant_last_used_resolution), inside the same row update.
    "WITH g AS (INSERT INTO oauth_grants (grant_id, expires_at, subject, client_id, scope, created_at, last_used_at)"
    "  VALUES ($3::text, $8::bigint, $5::text, $4::text, $6::text, $7::bigint, $7::bigint)"
    "  ON CONFLICT (grant_id) DO UPDATE SET expires_at = GREATEST(oauth_grants.expires_at, EXCLUDED.expires_at),"
    "  last_used_at = CASE WHEN oauth_grants.last_used_at IS NULL"
    "   OR EXCLUDED.last_used_at >= oauth_grants.last_used_at + $11::bigint"
    "   THEN EXCLUDED.last_used_at ELSE oauth_grants.last_used_at END"
    "  WHERE oauth_grants.revoked_at IS NULL RETURNING 1)"
    " INSERT INTO oauth_tokens (signature, kind, grant_id, client_id, subject, scope, issued_at, expires_at,"
    " rotated_at, jkt) SELECT $1::text, $2::smallint, $3::text, $4::text, $5::text, $6::text, $7::bigint,"
    " $8::bigint, $9::bigint, $10::text FROM g"
    " ON CONFLICT (signature) DO UPDATE SET kind = EXCLUDED.kind, grant_id = EXCLUDED.grant_id,"
    " client_id = EXCLUDED.client_id, subject = EXCLUDED.subject, scope = EXCLUDED.scope,"
    " issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at, rotated_at = EXCLUDED.rotated_at,"
    " jkt = EXCLUDED.jkt"
    " RETURNING 1",
    "SELECT revoked_at IS NULL FROM oauth_grants WHERE grant_id = $1 FOR UPDATE",
    "SELECT grant_id FROM oauth_tokens WHERE signature = $1 AND kind = 1",
    // The DPoP replay cache (pg_dialect.hpp): purge, then insert while under capacity.
    "WITH purged AS (DELETE FROM oauth_dpop_jti WHERE expires_at <= $3::bigint RETURNING 1)"
    " INSERT INTO oauth_dpop_jti (jti_key, expires_at) SELECT $1::text, $2::bigint"
    " WHERE (SELECT count(*) FROM oauth_dpop_jti WHERE expires_at > $3::bigint) < $4::bigint"
    " ON CONFLICT (jti_key) DO NOTHING RETURNING 1",
};
static_assert(sql_common::all_set(text), "every statement id needs its SQL text");

} // namespace pg_sql
} // namespace detail
} // namespace beast_oauth

#endif
