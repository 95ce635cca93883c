#ifndef BEAST_OAUTH_DETAIL_PG_ROWS_HPP
#define BEAST_OAUTH_DETAIL_PG_ROWS_HPP

// What both PostgreSQL stores do with libpq's values: statement parameters, owned results,
// the records' row decoding and how a failed statement is classified (503, retry, error).

#include <beast_oauth/detail/sql_store_common.hpp>
#include <beast_oauth/grants.hpp>
#include <beast_oauth/model.hpp>
#include <beast_oauth/storage.hpp>
#include <libpq-fe.h>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace beast_oauth {
namespace detail {
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

/// What a failed statement means for the caller.
enum class pg_failure
{
    none,        ///< succeeded
    retry,       ///< serialization failure or deadlock: retry the whole transaction
    unavailable, ///< overloaded, cancelled or timed out: store_unavailable (503)
    broken,      ///< the connection is lost: store_unavailable, and drop the connection
    error        ///< anything else: a server_error
};

/** Classifies `r` (null: libpq could not even produce a result) and writes the message.
    Unreachable, shutting down, out of resources or timed out: 503, and a lost connection
    is dropped. Serialization failure or deadlock: retry the transaction. */
inline pg_failure pg_classify(PGresult const* r, PGconn* conn, char const* what, std::string& msg)
{
    auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        return pg_failure::none;
    char const* field = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string const state = field ? field : "";
    msg = std::string("postgres_store: ") + what + ": " + (r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
    while(!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
        msg.pop_back();
    if(PQstatus(conn) == CONNECTION_BAD || state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0)
        return pg_failure::broken;
    if(state == "40001" || state == "40P01")
        return pg_failure::retry;
    if(state.rfind("53", 0) == 0 || state == "57014" || state == "55P03")
        return pg_failure::unavailable;
    return pg_failure::error;
}

/// The exception a failure becomes (pg_retry for retry).
[[noreturn]] inline void pg_throw(pg_failure f, std::string const& msg, std::chrono::seconds retry_after)
{
    if(f == pg_failure::retry)
        throw pg_retry{};
    if(f == pg_failure::broken || f == pg_failure::unavailable)
        throw store_unavailable(msg, retry_after);
    throw std::runtime_error(msg);
}

inline pg_params pg_client_params(client_row const& row)
{
    pg_params p;
    p.add(std::string_view(row.client_id))
        .add(std::string_view(row.name))
        .add(std::string_view(row.secret_hash))
        .add(std::string_view(row.redirect_uris))
        .add(std::string_view(row.allowed_scopes))
        .add(std::string_view(row.default_scope))
        .add(std::string_view(row.grant_types))
        .add(row.require_pkce)
        .add(std::string_view(row.rotation))
        .add(row.may_introspect_any)
        .add(row.require_par)
        .add(row.dpop_bound);
    return p;
}

// A row of client_find.
inline client_row pg_read_client(pg_result const& r)
{
    client_row row;
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
    row.require_par = r.boolean(0, 10);
    row.dpop_bound = r.boolean(0, 11);
    return row;
}

inline pg_params pg_code_params(code_record const& r)
{
    pg_params p;
    p.add(std::string_view(r.signature))
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
        .add(r.expires_at);
    return p;
}

// The row code_consume returned (a code just consumed).
inline consume_result pg_read_consumed(pg_result const& r, std::string_view signature)
{
    consume_result out;
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

// code_grant_of's answer after a failed consume or claim: already_used (with the grant), or not_found.
inline consume_result pg_read_used(pg_result const& g)
{
    consume_result out;
    if(g.rows() == 1)
    {
        out.status = consume_status::already_used;
        out.record.grant_id = g.text(0, 0);
    }
    return out;
}

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


// token_find's answer: the token, or null.
inline std::shared_ptr<token_record> pg_read_token(pg_result const& r, std::string_view signature)
{
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

/// The parameters of sweep_tokens / sweep_codes / sweep_grants; limit 0: everything (LIMIT NULL).
inline pg_params pg_sweep_params(time_point before, std::size_t limit)
{
    pg_params p;
    p.add(before);
    if(limit == 0)
        p.add_null();
    else
        p.add(static_cast<std::int64_t>(limit));
    return p;
}

} // namespace detail
} // namespace beast_oauth

#endif
