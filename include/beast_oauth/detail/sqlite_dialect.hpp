#ifndef BEAST_OAUTH_DETAIL_SQLITE_DIALECT_HPP
#define BEAST_OAUTH_DETAIL_SQLITE_DIALECT_HPP

// sqlite_store's dialect for basic_sql_store: statements run on a pooled sqlite_connection,
// and every operation that must be atomic is one BEGIN IMMEDIATE transaction (SQLite's write
// lock serializes it against every other connection, in this process or another).

#include <beast_oauth/detail/basic_sql_store.hpp>
#include <beast_oauth/detail/sql_columns.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <beast_oauth/detail/sqlite_connection.hpp>
#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace beast_oauth {
namespace detail {

template<>
struct sql_dialect<sqlite_connection>
{
    /// Runs statement `id` with `params` (a tuple of columns) bound as ?1, ?2, ...
    template<class Params>
    static void run(sqlite_connection& c, int id, Params const& params)
    {
        sqlite_statement s(c, id);
        sqlite_params p(s);
        add_columns(p, params);
        s.run();
    }

    /// Runs statement `id` with `params`, calling `f(row)` for each row.
    template<class Params, class F>
    static void each_row(sqlite_connection& c, int id, Params const& params, F&& f)
    {
        sqlite_statement s(c, id);
        sqlite_params p(s);
        add_columns(p, params);
        while(s.step())
            f(static_cast<sqlite_statement const&>(s));
    }

    /// `f(tx)` in one BEGIN IMMEDIATE transaction, rolled back unless `f` commits `tx`.
    template<class F>
    static auto transact(sqlite_connection& c, sqlite_store_options const&, F&& f)
    {
        sqlite_transaction tx(c);
        return f(tx);
    }

    static std::unique_ptr<connection_pool<sqlite_connection>> open_pool(std::string const& path,
                                                                          sqlite_store_options const& o)
    {
        return std::make_unique<connection_pool<sqlite_connection>>(
            o.max_connections, o.busy_timeout, std::chrono::seconds(1), "sqlite_store",
            [&path, &o] { return std::make_unique<sqlite_connection>(path, o); });
    }

    /// Creates or migrates the schema (table oauth_schema_version) in one transaction.
    static void migrate(sqlite_connection& c, std::string const& path)
    {
        constexpr int schema_version = sqlite_store::schema_version;
        sqlite_transaction tx(c);
        sqlite_exec(c.db, "CREATE TABLE IF NOT EXISTS oauth_schema_version (version INTEGER NOT NULL)");
        int version = 0;
        {
            sqlite3_stmt* s = nullptr;
            int rc = sqlite3_prepare_v2(c.db, "SELECT max(version) FROM oauth_schema_version", -1, &s, nullptr);
            if(rc != SQLITE_OK)
                sqlite_fail(c.db, rc, "schema version");
            if(sqlite3_step(s) == SQLITE_ROW)
                version = sqlite3_column_int(s, 0);
            sqlite3_finalize(s);
        }
        if(version > schema_version)
            throw std::runtime_error("sqlite_store: " + path + " has schema version " + std::to_string(version) +
                                     ", newer than this library's " + std::to_string(schema_version));
        if(version < schema_version)
        {
            for(int v = version; v < schema_version; ++v)
                sqlite_exec(c.db, sqlite_sql::migrations[v]);
            sqlite_exec(c.db, "DELETE FROM oauth_schema_version");
            sqlite_exec(c.db, ("INSERT INTO oauth_schema_version (version) VALUES (" +
                               std::to_string(schema_version) + ")").c_str());
        }
        tx.commit();
    }

    static std::vector<std::string> client_ids(sqlite_connection& c)
    {
        // An administrative query, rare: prepared per call rather than kept on every connection.
        std::vector<std::string> ids;
        sqlite3_stmt* raw = nullptr;
        int rc = sqlite3_prepare_v2(c.db, "SELECT client_id FROM oauth_clients ORDER BY client_id", -1, &raw, nullptr);
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> s(raw, sqlite3_finalize);
        if(rc != SQLITE_OK)
            sqlite_fail(c.db, rc, "prepare");
        while((rc = sqlite3_step(s.get())) == SQLITE_ROW)
            ids.emplace_back(reinterpret_cast<char const*>(sqlite3_column_text(s.get(), 0)),
                             static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 0)));
        if(rc != SQLITE_DONE)
            sqlite_fail(c.db, rc, "step");
        return ids;
    }

    static consume_result consume_code(sqlite_connection& c, std::string_view signature,
                                       sqlite_store_options const& o)
    {
        consume_result r;
        sqlite_transaction tx(c);
        {
            // One statement marks the code used and returns it: only one caller can match used_at IS NULL.
            sqlite_statement s(c, sqlite_sql::code_consume);
            s.bind(1, signature).bind(2, store_now(o));
            if(s.step())
            {
                r = read_consumed(s, signature);
                s.run();
            }
        }
        if(r.status != consume_status::consumed)
            r = sqlite_code_used(c, signature);
        tx.commit();
        return r;
    }

    static consume_result claim_code(sqlite_connection& c, std::string_view jti, std::string_view grant_id,
                                     time_point expires_at, sqlite_store_options const& o)
    {
        sqlite_transaction tx(c);
        {
            sqlite_statement s(c, sqlite_sql::code_claim);
            s.bind(1, jti).bind(2, grant_id).bind(3, expires_at).bind(4, store_now(o));
            s.run();
        }
        auto r = sqlite3_changes(c.db) == 1 ? claimed(std::string(grant_id)) : sqlite_code_used(c, jti);
        tx.commit();
        return r;
    }

    static bool save_token(sqlite_connection& c, token_record const& record, sqlite_store_options const&)
    {
        // The grant row and the token are written in one transaction, and revoke_grant
        // writes the same grant row: a revocation either sees this token or refuses it.
        sqlite_transaction tx(c);
        if(!sqlite_insert_token(c, record))
            return false;
        tx.commit();
        return true;
    }

    static std::shared_ptr<token_record const> find_token(connection_pool<sqlite_connection> const& p,
                                                          std::string_view signature)
    {
        auto l = p.acquire();
        return sqlite_find_token(*l, signature);
    }

    /// In rotate's transaction: the refresh token `signature` if its grant is active, else null.
    static std::shared_ptr<token_record> refresh_to_rotate(sqlite_connection& c, std::string_view signature)
    {
        auto old = sqlite_find_token(c, signature);
        if(!old || old->kind != token_kind::refresh)
            return nullptr;
        sqlite_statement g(c, sqlite_sql::grant_is_active);
        g.bind(1, std::string_view(old->grant_id));
        return g.step() ? old : nullptr;
    }

    /// A rotation's successor, in rotate's transaction (its grant is known to be active).
    static void insert_token(sqlite_connection& c, token_record const& t) { sqlite_insert_token(c, t); }

    /// Deletes what `plan` names (up to `limit` rows per table, 0: all) in one transaction.
    static std::size_t sweep(sqlite_connection& c, std::array<std::pair<int, time_point>, 3> const& plan,
                             std::size_t limit)
    {
        auto const max_rows = limit == 0 ? std::int64_t(-1) : static_cast<std::int64_t>(limit); // -1: no LIMIT
        std::size_t removed = 0;
        sqlite_transaction tx(c);
        for(auto [id, before] : plan)
        {
            sqlite_statement s(c, id);
            s.bind(1, before).bind(2, max_rows);
            s.run();
            removed += static_cast<std::size_t>(sqlite3_changes(c.db));
        }
        tx.commit();
        return removed;
    }

    /** The DPoP replay cache (RFC 9449 11.1), table oauth_dpop_jti (schema version 3). One
        BEGIN IMMEDIATE transaction: purge, look up, count, insert; so instances on one file
        never both claim a jti, and the table never grows past the capacity. */
    static dpop_jti_status claim_dpop_jti(sqlite_connection& c, std::string_view key, time_point expires_at,
                                          std::size_t capacity, sqlite_store_options const& o)
    {
        auto status = dpop_jti_status::claimed;
        sqlite_transaction tx(c);
        sqlite_statement(c, sqlite_sql::dpop_purge).bind(1, store_now(o)).run();
        bool seen = false;
        {
            sqlite_statement s(c, sqlite_sql::dpop_seen);
            seen = s.bind(1, key).step();
        }
        std::int64_t count = 0;
        if(!seen)
        {
            sqlite_statement s(c, sqlite_sql::dpop_count);
            if(s.step())
                count = s.integer(0);
        }
        if(seen)
            status = dpop_jti_status::replayed;
        else if(static_cast<std::size_t>(count) >= capacity)
            status = dpop_jti_status::full; // never evict a live entry: that would re-enable its replay
        else
            sqlite_statement(c, sqlite_sql::dpop_insert).bind(1, key).bind(2, expires_at).run();
        tx.commit();
        return status;
    }
};

} // namespace detail
} // namespace beast_oauth

#endif
