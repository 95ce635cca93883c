#ifndef BEAST_OAUTH_DETAIL_PG_ROWS_HPP
#define BEAST_OAUTH_DETAIL_PG_ROWS_HPP

// What both PostgreSQL stores do with libpq's values: statement parameters, owned results,
// the records' row decoding and how a failed statement is classified (503, retry, error).

#include <beast_oauth/detail/sql_columns.hpp>
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

/// One row of a result, as sql_columns.hpp reads it.
class pg_row
{
public:
    pg_row(pg_result const& r, int row) noexcept : r_(r), row_(row) {}
    std::string text(int col) const { return r_.text(row_, col); }
    std::int64_t integer(int col) const { return r_.integer(row_, col); }
    bool boolean(int col) const { return r_.boolean(row_, col); }
    time_point time(int col) const { return r_.time(row_, col); }

private:
    pg_result const& r_;
    int row_;
};

// A row of client_find.
inline client_row pg_read_client(pg_result const& r) { return read_client(pg_row(r, 0)); }

inline pg_params pg_code_params(code_record const& r)
{
    pg_params p;
    p.add(std::string_view(r.signature));
    return add_columns(p, code_columns(r));
}

// The row code_consume returned (a code just consumed).
inline consume_result pg_read_consumed(pg_result const& r, std::string_view signature)
{
    return read_consumed(pg_row(r, 0), signature);
}

// code_grant_of's answer after a failed consume or claim: already_used (with the grant), or not_found.
inline consume_result pg_read_used(pg_result const& g)
{
    return g.rows() == 1 ? already_used(g.text(0, 0)) : consume_result{};
}

// token_save's parameters: the token's ($1-$10), then grant_last_used_resolution ($11).
inline pg_params pg_token_params(token_record const& t)
{
    pg_params p;
    p.add(std::string_view(t.signature));
    add_columns(p, token_columns(t));
    p.add(to_db_seconds(grant_last_used_resolution));
    return p;
}

// A row of grant_list, grant_find or the bulk revocations' RETURNING.
inline grant_record pg_read_grant(pg_result const& r, int row) { return read_grant(pg_row(r, row)); }

// token_find's answer: the token, or null.
inline std::shared_ptr<token_record> pg_read_token(pg_result const& r, std::string_view signature)
{
    return r.rows() == 0 ? nullptr : read_token(pg_row(r, 0), signature);
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
