#ifndef BEAST_OAUTH_DETAIL_PG_DIALECT_HPP
#define BEAST_OAUTH_DETAIL_PG_DIALECT_HPP

// postgres_store's dialect for basic_sql_store: prepared statements on a pooled pg_connection;
// a transaction that meets a serialization failure or deadlock is retried whole; codes are
// consumed and claimed by one statement each; grant rows are locked before their tokens.

#include <beast_oauth/detail/basic_sql_store.hpp>
#include <beast_oauth/detail/pg_connection.hpp>
#include <beast_oauth/detail/pg_rows.hpp>
#include <beast_oauth/detail/pg_sql.hpp>
#include <beast_oauth/detail/sql_columns.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace beast_oauth {
namespace detail {

template<>
struct sql_dialect<pg_connection>
{
    /// `f()`, again while it fails with a serialization failure or deadlock (pg_retry), 5 tries.
    template<class F>
    static auto with_retry(postgres_store_options const& o, F&& f)
    {
        for(int attempt = 1;; ++attempt)
        {
            try
            {
                return f();
            }
            catch(pg_retry const&)
            {
                if(attempt == 5)
                    throw store_unavailable("postgres_store: transaction kept conflicting", o.retry_after);
            }
        }
    }

    /// Runs statement `id` with `params` (a tuple of columns) as $1, $2, ...
    template<class Params>
    static pg_result run(pg_connection& c, int id, Params const& params)
    {
        pg_params p;
        return c.run(id, add_columns(p, params));
    }

    /// Runs statement `id` with `params`, calling `f(row)` for each row.
    template<class Params, class F>
    static void each_row(pg_connection& c, int id, Params const& params, F&& f)
    {
        auto r = run(c, id, params);
        for(int i = 0; i < r.rows(); ++i)
            f(pg_row(r, i));
    }

    /// `f(tx)` in BEGIN ... COMMIT (rolled back unless `f` commits `tx`), with_retry.
    template<class F>
    static auto transact(pg_connection& c, postgres_store_options const& o, F&& f)
    {
        return with_retry(o, [&] {
            pg_transaction tx(c);
            return f(tx);
        });
    }

    static std::unique_ptr<connection_pool<pg_connection>> open_pool(std::string const& conninfo,
                                                                      postgres_store_options const& o)
    {
        return std::make_unique<connection_pool<pg_connection>>(
            o.max_connections, o.acquire_timeout, o.retry_after, "postgres_store",
            [&conninfo, &o] { return std::make_unique<pg_connection>(conninfo, o); });
    }

    static void migrate(pg_connection& c, std::string const&) { pg_migrate(c); }

    static std::vector<std::string> client_ids(pg_connection& c)
    {
        std::vector<std::string> ids;
        auto r = c.simple("SELECT client_id FROM oauth_clients ORDER BY client_id");
        for(int i = 0; i < r.rows(); ++i)
            ids.push_back(r.text(i, 0));
        return ids;
    }

    static consume_result consume_code(pg_connection& c, std::string_view signature, postgres_store_options const& o)
    {
        // One statement (autocommit): whichever caller's UPDATE finds used_at IS NULL wins;
        // the others wait on the row lock, then see it used and match nothing.
        auto r = c.run(pg_sql::code_consume, pg_params().add(signature).add(store_now(o)));
        if(r.rows() == 1)
            return pg_read_consumed(r, signature);
        return pg_read_used(c.run(pg_sql::code_grant_of, pg_params().add(signature)));
    }

    static consume_result claim_code(pg_connection& c, std::string_view jti, std::string_view grant_id,
                                     time_point expires_at, postgres_store_options const& o)
    {
        auto r = c.run(pg_sql::code_claim, pg_params().add(jti).add(grant_id).add(expires_at).add(store_now(o)));
        if(r.rows() == 1)
            return claimed(std::string(grant_id));
        return pg_read_used(c.run(pg_sql::code_grant_of, pg_params().add(jti)));
    }

    static bool save_token(pg_connection& c, token_record const& record, postgres_store_options const& o)
    {
        // One statement: lock the grant row (waiting for a concurrent revoke_grant to commit),
        // and insert the token only if the grant is not revoked.
        return with_retry(o, [&] { return c.run(pg_sql::token_save, pg_token_params(record)).rows() == 1; });
    }

    static std::shared_ptr<token_record const> find_token(connection_pool<pg_connection> const& p,
                                                          std::string_view signature)
    {
        for(int attempt = 0;; ++attempt)
        {
            auto l = p.acquire();
            try
            {
                return pg_find_token(*l, signature);
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

    /// In rotate's transaction: the refresh token `signature` if its grant is active, with the
    /// grant's row locked (lock order everywhere: the grant row, then its tokens); else null.
    static std::shared_ptr<token_record> refresh_to_rotate(pg_connection& c, std::string_view signature)
    {
        auto g = c.run(pg_sql::token_grant_of_refresh, pg_params().add(signature));
        if(g.rows() == 0)
            return nullptr;
        auto lock = c.run(pg_sql::grant_lock, pg_params().add(std::string_view(g.text(0, 0))));
        if(lock.rows() == 0 || !lock.boolean(0, 0))
            return nullptr;
        auto old = pg_find_token(c, signature); // re-read under the lock
        if(!old || old->kind != token_kind::refresh)
            return nullptr;
        return old;
    }

    /// A rotation's successor, in rotate's transaction.
    static void insert_token(pg_connection& c, token_record const& t) { c.run(pg_sql::token_save, pg_token_params(t)); }

    /// Deletes what `plan` names, up to `limit` rows per table (0: all), one statement each.
    static std::size_t sweep(pg_connection& c, std::array<std::pair<int, time_point>, 3> const& plan,
                             std::size_t limit)
    {
        std::size_t removed = 0;
        for(auto [id, before] : plan)
            removed += c.run(id, pg_sweep_params(before, limit)).affected();
        return removed;
    }

    /** The DPoP replay cache (RFC 9449 11.1), table oauth_dpop_jti (schema version 3). One
        statement purges, counts and inserts (ON CONFLICT: of concurrent claims of one key,
        exactly one inserts). Concurrent claims of different keys may each see the count under
        the capacity, so the table can pass it by at most the number of connections. */
    static dpop_jti_status claim_dpop_jti(pg_connection& c, std::string_view key, time_point expires_at,
                                          std::size_t capacity, postgres_store_options const& o)
    {
        auto const t = store_now(o);
        auto r = c.run(pg_sql::dpop_claim,
                       pg_params().add(key).add(expires_at).add(t).add(static_cast<std::int64_t>(capacity)));
        if(r.rows() == 1)
            return dpop_jti_status::claimed;
        return c.run(pg_sql::dpop_seen, pg_params().add(key).add(t)).rows() == 1 ? dpop_jti_status::replayed
                                                                                 : dpop_jti_status::full;
    }
};

} // namespace detail
} // namespace beast_oauth

#endif
