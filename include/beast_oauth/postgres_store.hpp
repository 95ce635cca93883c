#ifndef BEAST_OAUTH_POSTGRES_STORE_HPP
#define BEAST_OAUTH_POSTGRES_STORE_HPP

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
    A shared store for many instances: clients, codes and tokens in PostgreSQL.

    Optional component: link `beast_oauth::postgres` (header-only) or
    `beast_oauth::postgres_compiled`, both of which bring in libpq (Debian's
    libpq-dev). The libpq headers are not included here.
*/

namespace beast_oauth {

/// Settings of a @ref postgres_store.
struct postgres_store_options
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
    /// How long a used code is kept after it expires, so a late replay is still recognised.
    std::chrono::seconds replay_window{600};
    /// How long a rotated refresh token is kept (reuse detection) before it is swept.
    std::chrono::seconds rotated_retention{86400};
    /// Incremental sweeping: every this many writes, delete up to `sweep_batch` expired rows per table. 0: never.
    unsigned sweep_every = 64;
    std::size_t sweep_batch = 64;
    /// How long a parsed client is cached (a change by another instance shows after at most this). 0: no cache.
    std::chrono::seconds client_cache_ttl{60};
    /// Clock for `used_at`, revocation times and incremental sweeps; default system_clock::now.
    std::function<time_point()> clock;
};

namespace detail {
class client_cache;
class pg_connection;
template<class Connection>
class connection_pool;
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

    @par Thread Safety
    Every member function is safe to call concurrently. No lock of ours is
    held while waiting for the database.
*/
class postgres_store : public client_store,
                     public code_store,
                     public token_store,
                     public grant_store,
                     public detail::sql_store_base<postgres_store, postgres_store_options>
{
public:
    /// The schema version this library writes.
    static constexpr int schema_version = 4;

    /** Connects with `conninfo` (libpq keyword/value or URI) and migrates the schema.

        @throws store_unavailable when the database cannot be reached
        @throws std::runtime_error when its schema is newer than this library's
    */
    BEAST_OAUTH_DECL explicit postgres_store(std::string conninfo, postgres_store_options options = {});
    BEAST_OAUTH_DECL ~postgres_store() override;
    postgres_store(postgres_store const&) = delete;
    postgres_store& operator=(postgres_store const&) = delete;

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
    /// The DPoP replay cache, shared by every instance on this database (postgres_store_dpop.ipp).
    BEAST_OAUTH_DECL dpop_jti_status claim_dpop_jti(std::string_view key, time_point expires_at,
                                                    std::size_t capacity) override;
    BEAST_OAUTH_DECL std::vector<grant_record> list_grants(std::string_view subject) const override;
    BEAST_OAUTH_DECL std::optional<grant_record> find_grant(std::string_view grant_id) const override;
    BEAST_OAUTH_DECL std::vector<grant_record> revoke_subject_grants(std::string_view subject) override;
    BEAST_OAUTH_DECL std::vector<grant_record> revoke_client_grants(std::string_view client_id) override;
    /// True: tokens survive a restart, so the server needs a stable `secret_key`.
    bool is_durable() const noexcept override { return true; }

    /** Deletes every row that expired by `now`: tokens past `expires_at`, codes and
        grants past `expires_at + replay_window`. Run it from a timer on one instance.

        @return the number of rows deleted
    */
    BEAST_OAUTH_DECL std::size_t sweep(time_point now);

    /// Live rows (unswept), for tests and metrics.
    BEAST_OAUTH_DECL std::size_t code_count() const;
    BEAST_OAUTH_DECL std::size_t token_count() const;

private:
    friend class detail::sql_store_base<postgres_store, postgres_store_options>; // after_write calls sweep_limited
    std::size_t sweep_limited(time_point now, std::size_t limit);
    std::size_t count(int statement) const;
    std::vector<grant_record> revoke_grants_by(int first_statement, std::string_view value);
    template<class F>
    auto with_retry(F&& f) const;

    std::string conninfo_;
    std::unique_ptr<detail::connection_pool<detail::pg_connection>> pool_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/postgres_store.ipp>
#include <beast_oauth/impl/postgres_store_dpop.ipp>
#endif

#endif
