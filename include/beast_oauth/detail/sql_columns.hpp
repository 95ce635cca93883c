#ifndef BEAST_OAUTH_DETAIL_SQL_COLUMNS_HPP
#define BEAST_OAUTH_DETAIL_SQL_COLUMNS_HPP

// What the two SQL dialects (SQLite, PostgreSQL) share about their statements: the ids of the
// statements both run, and each record's columns in the order the statements bind and return
// them, named once and written or read through either driver.

#include <beast_oauth/grants.hpp>
#include <beast_oauth/model.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace beast_oauth {
namespace detail {
namespace sql_common {

// The statements of both dialects, first in each text table; then each dialect's own,
// from common_count on (sqlite_sql::id, pg_sql::id).
enum common_id
{
    client_upsert,
    client_find,
    code_insert,
    code_consume,
    code_grant_of,
    code_claim,
    grant_revoke,
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
    dpop_seen,
    common_count
};
// revoke_grants_by runs a bulk revocation's four statements as first, first + 1, + 2, + 3.
static_assert(grant_revoke_subject == grant_codes_subject + 1 && code_forget_subject == grant_codes_subject + 2 &&
                  token_delete_subject == grant_codes_subject + 3,
              "the owner's revocation statements stay in order");
static_assert(grant_revoke_client == grant_codes_client + 1 && code_forget_client == grant_codes_client + 2 &&
                  token_delete_client == grant_codes_client + 3,
              "the client's revocation statements stay in order");

// True when every entry of a dialect's text table is set (a statement id without its SQL
// text would be a null there).
template<std::size_t N>
constexpr bool all_set(char const* const (&text)[N]) noexcept
{
    for(auto const* t : text)
        if(t == nullptr)
            return false;
    return true;
}

} // namespace sql_common

/// A time column written as NULL while it holds the epoch (token_record::rotated_at).
template<class Time>
struct null_if_epoch
{
    Time& value;
};

// Each record's columns, in statement order (`Row` may be const, to write).
// oauth_clients: client_upsert's parameters 1-12, client_find's columns 0-11.
template<class Row>
auto client_columns(Row& r)
{
    return std::tie(r.client_id, r.name, r.secret_hash, r.redirect_uris, r.allowed_scopes, r.default_scope,
                    r.grant_types, r.require_pkce, r.rotation, r.may_introspect_any, r.require_par, r.dpop_bound);
}

// oauth_codes after the signature: code_insert's parameters 2-12, code_consume's columns 0-10.
template<class Row>
auto code_columns(Row& r)
{
    return std::tie(r.grant_id, r.client_id, r.subject, r.scope, r.scope_changed, r.redirect_uri,
                    r.redirect_uri_sent, r.code_challenge, r.code_challenge_method, r.issued_at, r.expires_at);
}

// oauth_tokens after the signature: the token insert's parameters 2-10, token_find's columns 0-8.
template<class Row>
auto token_columns(Row& r)
{
    using time = std::remove_reference_t<decltype((r.rotated_at))>;
    return std::tuple_cat(std::tie(r.kind, r.grant_id, r.client_id, r.subject, r.scope, r.issued_at, r.expires_at),
                          std::make_tuple(null_if_epoch<time>{r.rotated_at}), std::tie(r.jkt));
}

// oauth_grants: the columns of grant_list, grant_find and the bulk revocations' RETURNING.
template<class Row>
auto grant_columns(Row& r)
{
    return std::tie(r.grant_id, r.subject, r.client_id, r.scope, r.created_at, r.last_used_at, r.revoked_at,
                    r.expires_at);
}

// One column (or statement parameter) as its database value: `p.add(v)` with text, bool, int64
// or time; or `p.add_null()`.
template<class Params>
void add_column(Params& p, std::string const& v) { p.add(std::string_view(v)); }
template<class Params>
void add_column(Params& p, std::string_view v) { p.add(v); }
template<class Params>
void add_column(Params& p, std::int64_t v) { p.add(v); }
template<class Params>
void add_column(Params& p, bool v) { p.add(v); }
template<class Params>
void add_column(Params& p, time_point v) { p.add(v); }
template<class Params>
void add_column(Params& p, token_kind v) { p.add(std::int64_t(v == token_kind::refresh ? 1 : 0)); }
template<class Params, class Time>
void add_column(Params& p, null_if_epoch<Time> v)
{
    if(v.value == time_point{})
        p.add_null();
    else
        p.add(v.value);
}

/// Adds `columns` (from a `*_columns` of a const record) to `p` in order.
template<class Params, class Tuple>
Params& add_columns(Params& p, Tuple const& columns)
{
    std::apply([&p](auto const&... v) { (add_column(p, v), ...); }, columns);
    return p;
}

// One column from a row: `row.text(i)`, `row.boolean(i)`, `row.integer(i)`, `row.time(i)` (NULL: epoch).
template<class Row>
void read_column(Row const& row, int i, std::string& v) { v = row.text(i); }
template<class Row>
void read_column(Row const& row, int i, bool& v) { v = row.boolean(i); }
template<class Row>
void read_column(Row const& row, int i, time_point& v) { v = row.time(i); }
template<class Row>
void read_column(Row const& row, int i, token_kind& v)
{
    v = row.integer(i) == 1 ? token_kind::refresh : token_kind::access;
}
template<class Row>
void read_column(Row const& row, int i, null_if_epoch<time_point> v) { v.value = row.time(i); }

/// Reads `columns` (from a `*_columns` of a record) from `row`, the first from column `first`.
template<class Row, class Tuple>
void read_columns(Row const& row, Tuple columns, int first = 0)
{
    std::apply([&](auto&... v) { (read_column(row, first++, v), ...); }, columns);
}

// The records as read back (the key, not a column, from the caller).
template<class Row>
client_row read_client(Row const& row)
{
    client_row c;
    read_columns(row, client_columns(c));
    return c;
}

template<class Row>
grant_record read_grant(Row const& row)
{
    grant_record g;
    read_columns(row, grant_columns(g));
    return g;
}

template<class Row>
consume_result read_consumed(Row const& row, std::string_view signature)
{
    consume_result out;
    out.status = consume_status::consumed;
    out.record.signature = std::string(signature);
    read_columns(row, code_columns(out.record));
    return out;
}

/// A request_uri's jti just claimed for the grant `grant_id` (code_store::claim_code).
inline consume_result claimed(std::string grant_id)
{
    consume_result out;
    out.status = consume_status::consumed;
    out.record.grant_id = std::move(grant_id);
    return out;
}

/// A code already used (or a jti already claimed) by the grant `grant_id`.
inline consume_result already_used(std::string grant_id)
{
    consume_result out;
    out.status = consume_status::already_used;
    out.record.grant_id = std::move(grant_id);
    return out;
}

template<class Row>
std::shared_ptr<token_record> read_token(Row const& row, std::string_view signature)
{
    auto t = std::make_shared<token_record>();
    t->signature = std::string(signature);
    read_columns(row, token_columns(*t));
    return t;
}

/// The sweep statements with the time each deletes rows up to: tokens at their expiry, codes
/// and grants `replay_window` later (so a late replay is still recognised).
inline std::array<std::pair<int, time_point>, 3> sweep_plan(time_point t, std::chrono::seconds replay_window)
{
    auto const kept_until = t - replay_window;
    return {{{sql_common::sweep_tokens, t}, {sql_common::sweep_codes, kept_until}, {sql_common::sweep_grants, kept_until}}};
}

/** A client from `cache`, else `fetch()` (an optional<client_row>: nullopt when unknown),
    parsed and cached. */
template<class Fetch>
std::shared_ptr<client const> find_client_cached(client_cache const& cache, std::string_view id, Fetch&& fetch)
{
    if(auto cached = cache.get(id))
        return cached;
    auto row = fetch();
    if(!row)
        return nullptr;
    auto c = from_client_row(*row);
    cache.put(c);
    return c;
}

} // namespace detail
} // namespace beast_oauth

#endif
