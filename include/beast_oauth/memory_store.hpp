#ifndef BEAST_OAUTH_MEMORY_STORE_HPP
#define BEAST_OAUTH_MEMORY_STORE_HPP

#include <beast_oauth/grants.hpp>
#include <beast_oauth/storage.hpp>
#include <array>
#include <functional>
#include <mutex>
#include <queue>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace beast_oauth {

/** The reference in-memory store: clients, codes and tokens.

    Nothing survives a restart. Maps are split into shards, each with its own
    mutex, so both cores work at once. Expired entries are swept a few at a
    time on every insert, earliest expiry first whatever the lifetimes (O(log n)
    per insert, no pause that grows with the store).
    A used code is remembered until it expires plus `replay_window`, so a
    replay inside that time is reported and revokes the grant. A rotated
    refresh token is remembered for `rotated_retention`, so its reuse revokes
    the grant. Operations on one grant are serialized by the grant's shard lock.

    @par Thread Safety
    Every member function is safe to call concurrently.
*/
class memory_store : public client_store, public code_store, public token_store, public grant_store
{
public:
    /// Clock used for sweeping; pass the server's so tests can move time.
    using clock_fn = std::function<time_point()>;

    BEAST_OAUTH_DECL explicit memory_store(clock_fn clock = {});

    /// Registers (or replaces) a client. Thread-safe.
    BEAST_OAUTH_DECL void add_client(client c);

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
    /// The DPoP replay cache of this process (memory_store_dpop.ipp).
    BEAST_OAUTH_DECL dpop_jti_status claim_dpop_jti(std::string_view key, time_point expires_at,
                                                    std::size_t capacity) override;

    /// @name grant_store (O(grants) scans of every shard: fine for a demo or a test)
    /// @{
    BEAST_OAUTH_DECL std::vector<grant_record> list_grants(std::string_view subject) const override;
    BEAST_OAUTH_DECL std::optional<grant_record> find_grant(std::string_view grant_id) const override;
    BEAST_OAUTH_DECL std::vector<grant_record> revoke_subject_grants(std::string_view subject) override;
    BEAST_OAUTH_DECL std::vector<grant_record> revoke_client_grants(std::string_view client_id) override;
    /// @}

    /// Live (unswept) codes, tokens and grants, for tests and metrics.
    BEAST_OAUTH_DECL std::size_t code_count() const;
    BEAST_OAUTH_DECL std::size_t token_count() const;
    /// Items waiting in the expiry heaps (tests, metrics): at most about twice the live entries.
    BEAST_OAUTH_DECL std::size_t expiry_backlog() const;

    /// How long a used code is remembered after its expiry (replay detection).
    std::chrono::seconds replay_window{600};
    /// How long a rotated refresh token is remembered (reuse detection) before it is swept.
    std::chrono::seconds rotated_retention{86400};

private:
    static constexpr std::size_t shard_count = 16;

    /** A fixed-size map key: the 32 bytes a 43-character base64url signature encodes
        (every signature and jti the server makes), or SHA-256 of any other string.
        Keys live inside the map nodes and expiry queues: no heap string per entry,
        and a lookup from a `string_view` allocates nothing. */
    struct key
    {
        std::array<unsigned char, 32> bytes;
        bool operator==(key const& o) const noexcept { return bytes == o.bytes; }
    };
    struct key_hash
    {
        // The bytes are an HMAC or SHA-256 output: uniform, and not chosen by a client.
        std::size_t operator()(key const& k) const noexcept;
    };
    static key make_key(std::string_view s);

    struct code_entry
    {
        code_record record;
        bool used = false;
    };
    struct expiry_item
    {
        time_point at;
        key k;
    };
    struct expires_later
    {
        bool operator()(expiry_item const& a, expiry_item const& b) const noexcept { return a.at > b.at; }
    };
    // Earliest expiry on top. Lifetimes differ (access tokens, refresh tokens, rotated ones
    // kept for reuse detection), so a FIFO would strand short-lived entries behind long ones.
    using expiry_queue = std::priority_queue<expiry_item, std::vector<expiry_item>, expires_later>;
    template<class Value>
    struct shard
    {
        mutable std::mutex mutex;
        std::unordered_map<key, Value, key_hash> map;
        expiry_queue expiry;
    };
    struct grant_entry
    {
        std::vector<key> tokens;
        bool revoked = false;
        // The grant record (the key is a hash, so the id is kept too). expires_at: the latest
        // expiry of its tokens (revoked: the revocation time).
        grant_record record;
    };
    // Whose grant it is, from its first token or a code in flight.
    template<class Record>
    static void describe_grant(grant_record& g, Record const& from)
    {
        g.grant_id = from.grant_id;
        g.subject = from.subject;
        g.client_id = from.client_id;
        g.scope = from.scope;
    }

    static std::size_t shard_of(key const& k) noexcept;

    // The shard that holds a key, locked for the caller's scope:
    // `auto [s, lock] = lock_shard(codes_, k);`
    template<class Shard>
    struct locked_shard
    {
        Shard& s;
        std::lock_guard<std::mutex> lock{s.mutex};
    };
    template<class Shards>
    static auto lock_shard(Shards& shards, key const& k) -> locked_shard<std::remove_reference_t<decltype(shards[0])>>
    {
        return {shards[shard_of(k)]};
    }

    /** Entries removed early (revoked, trimmed) and expiries that moved leave stale items in
        the heap until their time: a refresh loop would grow it by one item per refresh. When
        the heap holds more than twice the live entries, it is rebuilt from them: amortized
        O(1) per insert, memory bounded by the live entries. */
    template<class Value, class ExpiryOf>
    static void compact_expiry(shard<Value>& s, ExpiryOf expiry_of)
    {
        if(s.expiry.size() <= 2 * s.map.size() + 64)
            return;
        std::vector<expiry_item> items;
        items.reserve(s.map.size());
        for(auto const& [k, v] : s.map)
            if(auto at = expiry_of(v); at != time_point::max())
                items.push_back({at, k});
        s.expiry = expiry_queue(expires_later{}, std::move(items));
    }
    time_point now() const;
    void sweep_codes(shard<code_entry>& s, time_point now);
    void sweep_tokens(shard<std::shared_ptr<token_record const>>& s, time_point now);
    void sweep_grants(shard<grant_entry>& s, time_point now);
    void insert_token_locked(shard<grant_entry>& g, grant_entry& grant, key const& grant_key,
                             token_record const& record, time_point now);
    std::shared_ptr<token_record const> find_locked(key const& k) const;
    void prune_grant_locked(grant_entry& grant, time_point now);
    // Drops from the grant's list, and erases, up to `limit` of its access tokens other than
    // `*keep` (null: none kept), oldest first.
    void drop_access_tokens_locked(grant_entry& grant, key const* keep, std::size_t limit);
    void erase_token(key const& k);
    std::vector<key> revoke_locked(shard<grant_entry>& g, grant_entry& grant, key const& grant_key, time_point now);
    std::vector<grant_record> revoke_where(bool by_subject, std::string_view value);

    clock_fn clock_;
    mutable std::mutex clients_mutex_;
    std::unordered_map<std::string, std::shared_ptr<client const>> clients_;
    std::array<shard<code_entry>, shard_count> codes_;
    std::array<shard<std::shared_ptr<token_record const>>, shard_count> tokens_;
    std::array<shard<grant_entry>, shard_count> grants_;
    shard<time_point> dpop_jti_; // one shard: the capacity is one global bound
};

/** In-memory accounts for the example server and tests.

    Usernames (emails) compare case-insensitively. Passwords are kept only
    as hashes (@ref hash_password). An unknown user costs the same hash as a
    known one, so timing does not reveal which accounts exist.

    @par Thread Safety
    `add_user` must complete before concurrent `authenticate` calls start;
    `set_password` may run beside them.
*/
class memory_user_store : public user_authenticator
{
public:
    /// Adds an account; `password_hash` from @ref hash_password.
    BEAST_OAUTH_DECL void add_user(std::string username, std::string password_hash,
                                   user_identity identity);

    BEAST_OAUTH_DECL std::optional<user_identity> authenticate(std::string_view username,
                                                               std::string_view password) const override;

    /** Replaces an account's password hash (@ref hash_password). Thread-safe.
        @return false when there is no such account */
    BEAST_OAUTH_DECL bool set_password(std::string_view username, std::string password_hash);

private:
    struct account
    {
        std::string password_hash;
        user_identity identity;
    };
    std::unordered_map<std::string, account> accounts_;
    std::string dummy_hash_;
    mutable std::mutex password_mutex_; // the hashes only: set_password beside authenticate
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/memory_store.ipp>
#include <beast_oauth/impl/memory_store_dpop.ipp>
#endif

#endif
