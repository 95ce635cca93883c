#ifndef BEAST_OAUTH_SQLITE_STORE_HPP
#define BEAST_OAUTH_SQLITE_STORE_HPP

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
    A durable store for one machine: clients, codes and tokens in one SQLite file.

    Optional component: link `beast_oauth::sqlite` (header-only) or
    `beast_oauth::sqlite_compiled`, both of which bring in SQLite 3 (Debian's
    libsqlite3-dev). The SQLite headers are not included here.
*/

namespace beast_oauth {

/// Settings of a @ref sqlite_store; retention, sweeping, the client cache and the clock are in @ref sql_store_options.
struct sqlite_store_options : sql_store_options
{
    /// Most connections open at once (each used by one thread at a time).
    std::size_t max_connections = 4;
    /** How long a call waits for SQLite's write lock, or for a free connection,
        before it throws @ref store_unavailable. */
    std::chrono::milliseconds busy_timeout{5000};
    /** `PRAGMA synchronous=FULL`: a committed write survives a power loss (one fsync per
        commit). False: `NORMAL`, which in WAL mode survives a process crash but may lose
        the last commits on power loss; faster. */
    bool synchronous_full = true;
};

namespace detail {
class sqlite_connection;
} // namespace detail

/** A durable @ref client_store, @ref code_store and @ref token_store in one SQLite database.

    The file is opened in WAL mode and its schema created or migrated on
    construction (table `oauth_schema_version`). Only signatures of codes and
    tokens are stored, never the codes or tokens. Every operation that must
    be atomic (consume, claim, save vs revoke, rotation) is one
    `BEGIN IMMEDIATE` transaction. Expired rows are swept a few at a time as
    writes arrive, and all at once by `sweep(now)`.

    Besides the store interfaces it offers `add_client` (register or replace a
    client, durably), `client_ids` (sorted), `sweep(now)` (delete every row
    expired by `now`, return how many) and `code_count` / `token_count` (live
    rows), all shared with @ref postgres_store.

    Several processes may open the same file (SQLite's locking serializes
    their writes); for several machines use @ref postgres_store.

    @par Thread Safety
    Every member function is safe to call concurrently. Calls use a pool of at
    most `max_connections` connections; no lock of ours is held during SQLite I/O.
*/
class sqlite_store : public detail::basic_sql_store<detail::sqlite_connection, sqlite_store_options>
{
public:
    /// The schema version this library writes.
    static constexpr int schema_version = 4;

    /** Opens (creating it if needed) the database at `path` and migrates its schema.

        @throws store_unavailable when the file cannot be opened or stays locked
        @throws std::runtime_error when its schema is newer than this library's
    */
    explicit sqlite_store(std::string path, sqlite_store_options options = {})
        : basic_sql_store(std::move(path), std::move(options))
    {
    }

    /// The database file.
    std::string const& path() const noexcept { return where(); }
};

#ifndef BEAST_OAUTH_HEADER_ONLY
// Instantiated once, by impl/sqlite_store.ipp (src/sqlite_store.cpp).
extern template class detail::basic_sql_store<detail::sqlite_connection, sqlite_store_options>;
#endif

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/sqlite_store.ipp>
#endif

#endif
