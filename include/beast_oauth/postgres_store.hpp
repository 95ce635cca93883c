#ifndef BEAST_OAUTH_POSTGRES_STORE_HPP
#define BEAST_OAUTH_POSTGRES_STORE_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/storage.hpp>
#include <beast_oauth/sql_store_options.hpp>
#include <beast_oauth/detail/basic_sql_store.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>

/** @file
    A shared store for many instances: clients, codes and tokens in PostgreSQL.

    Optional component: link `beast_oauth::postgres` (header-only) or
    `beast_oauth::postgres_compiled`, both of which bring in libpq (Debian's
    libpq-dev). The libpq headers are not included here.
*/

namespace beast_oauth {

/// Settings of a @ref postgres_store; retention, sweeping, the client cache and the clock are in @ref sql_store_options.
struct postgres_store_options : sql_store_options
{
    /// Most connections open at once; calls beyond wait for a free one.
    std::size_t max_connections = 8;
    /// How long a call waits for a free connection before it throws @ref store_unavailable.
    std::chrono::milliseconds acquire_timeout{5000};
    /// Connection timeout unless the conninfo sets `connect_timeout` itself.
    std::chrono::seconds connect_timeout{5};
    /// `statement_timeout` of every session (lock waits included); 0: the server's default.
    std::chrono::milliseconds statement_timeout{10000};
    /** postgres_async_store only: how much longer than `statement_timeout` it waits for a
        statement's answer (the network's allowance) before the operation completes with
        @ref store_unavailable and its connection is dropped. The server's `statement_timeout`
        fires first and rolls the statement back; this deadline covers a dead network or server,
        where (as for the blocking store's `tcp_user_timeout`) the statement's fate is unknown. */
    std::chrono::milliseconds query_timeout{5000};
    /// `Retry-After` sent with the 503 when the database cannot be reached.
    std::chrono::seconds retry_after{5};
};

namespace detail {
class pg_connection;
} // namespace detail

/** A shared @ref client_store, @ref code_store and @ref token_store in PostgreSQL (libpq).

    Any number of server instances may share one database. The constructor
    creates or migrates the schema (table `oauth_schema_version`, under an
    advisory lock so that instances starting together do not race). Only
    signatures of codes and tokens are stored. A code is consumed by one
    `UPDATE ... WHERE used_at IS NULL RETURNING` statement; `save_token`,
    `revoke_grant` and `rotate_refresh_token` lock the grant's row in
    `oauth_grants`, so they are serialized per grant across all instances.

    When the database cannot be reached (refused, lost, shutting down, no
    connection free in time, statement timeout) a call throws
    @ref store_unavailable after rolling back: the endpoints answer 503
    `temporarily_unavailable`. Broken connections are dropped and reopened on
    the next call.

    Its other members, as in @ref sqlite_store, are `add_client` and `client_ids`
    (administration), `sweep(now)` (deletes the rows expired by `now`; run it from a timer on
    one instance) and the live-row counts `code_count` and `token_count`.

    @par Thread Safety
    Every member function is safe to call concurrently. No lock of ours is
    held while waiting for the database.
*/
class postgres_store : public detail::basic_sql_store<detail::pg_connection, postgres_store_options>
{
public:
    /// The schema version this library writes.
    static constexpr int schema_version = 4;

    /** Connects with `conninfo` (libpq keyword/value or URI) and migrates the schema.

        @throws store_unavailable when the database cannot be reached
        @throws std::runtime_error when its schema is newer than this library's
    */
    explicit postgres_store(std::string conninfo, postgres_store_options options = {})
        : basic_sql_store(std::move(conninfo), std::move(options))
    {
    }
};

#ifndef BEAST_OAUTH_HEADER_ONLY
// Instantiated once, by impl/postgres_store.ipp (src/postgres_store.cpp).
extern template class detail::basic_sql_store<detail::pg_connection, postgres_store_options>;
#endif

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/postgres_store.ipp>
#endif

#endif
