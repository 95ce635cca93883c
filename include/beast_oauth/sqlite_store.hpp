#ifndef BEAST_OAUTH_SQLITE_STORE_HPP
#define BEAST_OAUTH_SQLITE_STORE_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/grants.hpp>
#include <beast_oauth/storage.hpp>
#include <beast_oauth/detail/sql_store_base.hpp>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

/** @file
    A durable store for one machine: clients, codes and tokens in one SQLite file.

    Optional component: link `beast_oauth::sqlite` (header-only) or
    `beast_oauth::sqlite_compiled`, both of which bring in SQLite 3 (Debian's
    libsqlite3-dev). The SQLite headers are not included here.
*/

namespace beast_oauth {

/// Settings of a @ref sqlite_store.
struct sqlite_store_options
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
    /// How long a used code is kept after it expires, so a late replay is still recognised.
    std::chrono::seconds replay_window{600};
    /// How long a rotated refresh token is kept (reuse detection) before it is swept.
    std::chrono::seconds rotated_retention{86400};
    /// Incremental sweeping: every this many writes, delete up to `sweep_batch` expired rows per table. 0: never.
    unsigned sweep_every = 64;
    std::size_t sweep_batch = 64;
    /// How long a parsed client is cached (a change by another process shows after at most this). 0: no cache.
    std::chrono::seconds client_cache_ttl{60};
    /// Clock for `used_at` and incremental sweeps; default system_clock::now. Tests inject their own.
    std::function<time_point()> clock;
};

namespace detail {
class client_cache;
class sqlite_connection;
template<class Connection>
class connection_pool;
} // namespace detail

/** A durable @ref client_store, @ref code_store and @ref token_store in one SQLite database.

    The file is opened in WAL mode and its schema created or migrated on
    construction (table `oauth_schema_version`). Only signatures of codes and
    tokens are stored, never the codes or tokens. Every operation that must
    be atomic (consume, claim, save vs revoke, rotation) is one
    `BEGIN IMMEDIATE` transaction. Expired rows are swept a few at a time as
    writes arrive, and all at once by @ref sweep.

    Several processes may open the same file (SQLite's locking serializes
    their writes); for several machines use @ref postgres_store.

    @par Thread Safety
    Every member function is safe to call concurrently. Calls use a pool of at
    most `max_connections` connections; no lock of ours is held during SQLite I/O.
*/
class sqlite_store : public client_store,
                     public code_store,
                     public token_store,
                     public grant_store,
                     public detail::sql_store_base<sqlite_store, sqlite_store_options>
{
public:
    /// The schema version this library writes.
    static constexpr int schema_version = 4;

    /** Opens (creating it if needed) the database at `path` and migrates its schema.

        @throws store_unavailable when the file cannot be opened or stays locked
        @throws std::runtime_error when its schema is newer than this library's
    */
    BEAST_OAUTH_DECL explicit sqlite_store(std::string path, sqlite_store_options options = {});
    BEAST_OAUTH_DECL ~sqlite_store() override;
    sqlite_store(sqlite_store const&) = delete;
    sqlite_store& operator=(sqlite_store const&) = delete;

    /// Registers or replaces a client, durably. Redirect URI patterns are stored as their text.
    BEAST_OAUTH_DECL void add_client(client const& c);

    /// Every registered client_id, sorted (administration: list, then `find_client` each).
    BEAST_OAUTH_DECL std::vector<std::string> client_ids() const;

    BEAST_OAUTH_DECL std::shared_ptr<client const> find_client(std::string_view client_id) const override;
    BEAST_OAUTH_DECL void save_code(code_record const& record) override;
    BEAST_OAUTH_DECL consume_result consume_code(std::string_view signature) override;
    BEAST_OAUTH_DECL consume_result claim_code(std::string_view jti, std::string_view grant_id,
                                               time_point expires_at) override;
    BEAST_OAUTH_DECL bool save_token(token_record const& record) override;
    BEAST_OAUTH_DECL std::shared_ptr<token_record const> find_token(std::string_view signature) const override;
    BEAST_OAUTH_DECL void revoke_grant(std::string_view grant_id) override;
    BEAST_OAUTH_DECL void revoke_token(std::string_view signature) override;
    BEAST_OAUTH_DECL rotate_status rotate_refresh_token(refresh_rotation_request const& request,
                                                        std::shared_ptr<token_record const>& old_out) override;
    BEAST_OAUTH_DECL void revoke_access_tokens(std::string_view grant_id,
                                               std::string_view keep_signature) override;
    BEAST_OAUTH_DECL void trim_access_tokens(std::string_view grant_id, std::size_t keep) override;
    /// The DPoP replay cache, shared by every instance on this file (sqlite_store_dpop.ipp).
    BEAST_OAUTH_DECL dpop_jti_status claim_dpop_jti(std::string_view key, time_point expires_at,
                                                    std::size_t capacity) override;
    BEAST_OAUTH_DECL std::vector<grant_record> list_grants(std::string_view subject) const override;
    BEAST_OAUTH_DECL std::optional<grant_record> find_grant(std::string_view grant_id) const override;
    BEAST_OAUTH_DECL std::vector<grant_record> revoke_subject_grants(std::string_view subject) override;
    BEAST_OAUTH_DECL std::vector<grant_record> revoke_client_grants(std::string_view client_id) override;
    /// True: tokens survive a restart, so the server needs a stable `secret_key`.
    bool is_durable() const noexcept override { return true; }

    /** Deletes every row that expired by `now`: tokens past `expires_at`, codes and
        grants past `expires_at + replay_window`. Call it from a timer if writes are rare.

        @return the number of rows deleted
    */
    BEAST_OAUTH_DECL std::size_t sweep(time_point now);

    /// The database file.
    std::string const& path() const noexcept { return path_; }

    /// Live rows (unswept), for tests and metrics.
    BEAST_OAUTH_DECL std::size_t code_count() const;
    BEAST_OAUTH_DECL std::size_t token_count() const;

private:
    friend class detail::sql_store_base<sqlite_store, sqlite_store_options>; // after_write calls sweep_limited
    std::size_t sweep_limited(time_point now, std::size_t limit);
    std::size_t count(int statement) const;
    std::vector<grant_record> revoke_grants_by(int first_statement, std::string_view value);

    std::string path_;
    std::unique_ptr<detail::connection_pool<detail::sqlite_connection>> pool_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/sqlite_store.ipp>
#include <beast_oauth/impl/sqlite_store_dpop.ipp>
#endif

#endif
