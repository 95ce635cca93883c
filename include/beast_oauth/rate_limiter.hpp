#ifndef BEAST_OAUTH_RATE_LIMITER_HPP
#define BEAST_OAUTH_RATE_LIMITER_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/model.hpp>
#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace beast_oauth {

/** A failure budget: `burst` failures at once, then one more every `refill`. */
struct rate_limit
{
    unsigned burst = 10;
    std::chrono::seconds refill{30};
};

/** Counts recent failures per key and says when a key has spent its budget.

    Each key carries a failure count that decays by one every `limit.refill`
    (a token bucket, counted as debt). The server's @ref authentication_throttle
    decides which keys an attempt is charged to and with which limits; a
    limiter only keeps the counts. Implement it over a shared store (Redis, a
    database table) to share the counts between server instances.

    @par Thread Safety
    Implementations must be safe to call from many threads at once.
    @par Exception Safety
    An exception thrown by `check` or `record_failure` fails the request with
    `server_error` (`temporarily_unavailable` for @ref store_unavailable).
*/
class rate_limiter
{
public:
    virtual ~rate_limiter() = default;
    /// nullopt when `key` may make one more attempt under `limit`; otherwise how long to wait.
    virtual std::optional<std::chrono::seconds> check(std::string_view key, rate_limit const& limit,
                                                      time_point now) = 0;
    /// Counts one failure against `key` (its count decays at `limit.refill`).
    virtual void record_failure(std::string_view key, rate_limit const& limit, time_point now) = 0;
    /// Forgets `key` (after a success).
    virtual void reset(std::string_view key) = 0;
};

/** In-memory failure counts, split over shards with their own mutex.

    Memory is bounded: a key whose count has decayed to zero is dropped, and
    at most `max_keys` keys are kept in all (when a shard is full after
    dropping decayed keys, the key with the smallest count is evicted; the
    victim of an eviction is a key that failed least, never a key that
    succeeded, since successes leave no key). At the default, about 20 MiB.
*/
class token_bucket_limiter : public rate_limiter
{
public:
    /// @param max_keys the most keys kept at once (at least 16)
    BEAST_OAUTH_DECL explicit token_bucket_limiter(std::size_t max_keys = 1u << 17);

    BEAST_OAUTH_DECL std::optional<std::chrono::seconds> check(std::string_view key, rate_limit const& limit,
                                                               time_point now) override;
    BEAST_OAUTH_DECL void record_failure(std::string_view key, rate_limit const& limit, time_point now) override;
    BEAST_OAUTH_DECL void reset(std::string_view key) override;

    /// Keys currently kept (for tests and metrics).
    BEAST_OAUTH_DECL std::size_t size() const;

private:
    struct bucket
    {
        double debt; // failures not yet earned back
        time_point updated;
        std::chrono::seconds refill; // the decay rate of the last failure's limit
    };
    struct shard
    {
        mutable std::mutex mutex;
        std::unordered_map<std::string, bucket> buckets;
    };
    static double decay(bucket& b, time_point now);
    void make_room(shard& s, time_point now);
    shard& shard_of(std::string_view key);

    std::size_t max_per_shard_;
    std::array<shard, 16> shards_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/rate_limiter.ipp>
#endif

#endif
