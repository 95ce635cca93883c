#ifndef BEAST_OAUTH_RATE_LIMITER_HPP
#define BEAST_OAUTH_RATE_LIMITER_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/model.hpp>
#include <array>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace beast_oauth {

/** Throttles failures per key ("user:<email>", "ip:<address>", "client:<id>").

    The server asks `check` before an attempt and reports failures with
    `record_failure`; a throttled attempt is answered with HTTP 429 and
    `Retry-After` without being evaluated, so guessing stops being useful.

    @par Thread Safety
    Implementations must be safe to call from many threads at once.
*/
class rate_limiter
{
public:
    virtual ~rate_limiter() = default;
    /// nullopt when `key` may try now; otherwise how long to wait.
    virtual std::optional<std::chrono::seconds> check(std::string_view key, time_point now) = 0;
    /// Counts one failure against `key`.
    virtual void record_failure(std::string_view key, time_point now) = 0;
    /// Forgets `key` (after a success).
    virtual void reset(std::string_view key) = 0;
};

/** In-memory token bucket per key: `burst` failures at once, then one more every `refill`.

    A key whose bucket has refilled completely is dropped, so memory is
    bounded by the keys that failed recently. Keys are split over shards with
    their own mutex.
*/
class token_bucket_limiter : public rate_limiter
{
public:
    /// @param burst failures allowed at once; @param refill time to earn one more back
    BEAST_OAUTH_DECL explicit token_bucket_limiter(unsigned burst = 10,
                                                   std::chrono::seconds refill = std::chrono::seconds(30));

    BEAST_OAUTH_DECL std::optional<std::chrono::seconds> check(std::string_view key, time_point now) override;
    BEAST_OAUTH_DECL void record_failure(std::string_view key, time_point now) override;
    BEAST_OAUTH_DECL void reset(std::string_view key) override;

private:
    struct bucket
    {
        double tokens;
        time_point updated;
    };
    struct shard
    {
        std::mutex mutex;
        std::unordered_map<std::string, bucket> buckets;
    };
    double refill(bucket& b, time_point now) const;
    shard& shard_of(std::string_view key);

    unsigned burst_;
    std::chrono::seconds refill_;
    std::array<shard, 16> shards_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/rate_limiter.ipp>
#endif

#endif
