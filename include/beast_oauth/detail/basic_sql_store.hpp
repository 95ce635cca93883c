#ifndef BEAST_OAUTH_DETAIL_BASIC_SQL_STORE_HPP
#define BEAST_OAUTH_DETAIL_BASIC_SQL_STORE_HPP

// The one implementation of the SQL stores (sqlite_store, postgres_store): every store
// interface declared once, over a dialect, sql_dialect<Connection>, that runs statements and
// transactions and does the few operations whose SQL differs (detail/sqlite_dialect.hpp,
// detail/pg_dialect.hpp). Member definitions: detail/impl/basic_sql_store.ipp, compiled with
// the dialect's store (header-only) or instantiated once in src/<store>.cpp. No driver header
// is included here.

#include <beast_oauth/grants.hpp>
#include <beast_oauth/storage.hpp>
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beast_oauth {
namespace detail {

class client_cache;
template<class Connection>
class connection_pool;
/// A dialect: static functions over `Connection`, specialized per driver.
template<class Connection>
struct sql_dialect;

/** A client, code, token and grant store in a SQL database reached through `Connection`'s
    pool, configured by `Options` (sqlite_store_options, postgres_store_options). */
template<class Connection, class Options>
class basic_sql_store : public client_store, public code_store, public token_store, public grant_store
{
public:
    basic_sql_store(basic_sql_store const&) = delete;
    basic_sql_store& operator=(basic_sql_store const&) = delete;

    /// Registers or replaces a client, durably. Redirect URI patterns are stored as their text.
    void add_client(client const& c);

    /// Every registered client_id, sorted (administration: list, then `find_client` each).
    std::vector<std::string> client_ids() const;

    std::shared_ptr<client const> find_client(std::string_view client_id) const override;
    void save_code(code_record const& record) override;
    consume_result consume_code(std::string_view signature) override;
    consume_result claim_code(std::string_view jti, std::string_view grant_id, time_point expires_at) override;
    bool save_token(token_record const& record) override;
    std::shared_ptr<token_record const> find_token(std::string_view signature) const override;
    void revoke_grant(std::string_view grant_id) override;
    void revoke_token(std::string_view signature) override;
    rotate_status rotate_refresh_token(refresh_rotation_request const& request,
                                       std::shared_ptr<token_record const>& old_out) override;
    void revoke_access_tokens(std::string_view grant_id, std::string_view keep_signature) override;
    void trim_access_tokens(std::string_view grant_id, std::size_t keep) override;
    /// The DPoP replay cache (RFC 9449 11.1), shared by every instance on this database.
    dpop_jti_status claim_dpop_jti(std::string_view key, time_point expires_at, std::size_t capacity) override;
    std::vector<grant_record> list_grants(std::string_view subject) const override;
    std::optional<grant_record> find_grant(std::string_view grant_id) const override;
    std::vector<grant_record> revoke_subject_grants(std::string_view subject) override;
    std::vector<grant_record> revoke_client_grants(std::string_view client_id) override;
    /// True: tokens survive a restart, so the server needs a stable `secret_key`.
    bool is_durable() const noexcept override { return true; }

    /** Deletes every row that expired by `now`: tokens past `expires_at`, codes and grants
        past `expires_at + replay_window`. Call it from a timer if writes are rare (with
        several instances, from one of them).

        @return the number of rows deleted
    */
    std::size_t sweep(time_point now);

    /// Live rows (unswept), for tests and metrics.
    std::size_t code_count() const;
    std::size_t token_count() const;

protected:
    /** Opens the pool on `where` (a file path, a conninfo) and creates or migrates the schema.
        @throws store_unavailable when the database cannot be reached
        @throws std::runtime_error when its schema is newer than this library's */
    basic_sql_store(std::string where, Options options);
    ~basic_sql_store() override;

    std::string const& where() const noexcept { return where_; }

private:
    time_point now() const;
    void after_write();
    std::size_t sweep_limited(time_point now, std::size_t limit);
    std::size_t count(int statement) const;
    /// The first row of `statement` run with `params`, as `read(row)` makes it; nullopt: none.
    template<class T, class Read, class... Params>
    std::optional<T> find_one(int statement, Read read, Params const&... params) const;
    std::vector<grant_record> revoke_grants_by(int first_statement, std::string_view value);

    std::string where_;
    Options options_;
    std::unique_ptr<client_cache> clients_;
    std::unique_ptr<connection_pool<Connection>> pool_;
    std::atomic<unsigned> writes_{0};
};

} // namespace detail
} // namespace beast_oauth

#endif
