#ifndef BEAST_OAUTH_IMPL_RATE_LIMITER_IPP
#define BEAST_OAUTH_IMPL_RATE_LIMITER_IPP

#include <beast_oauth/rate_limiter.hpp>
#include <cmath>
#include <functional>
#include <iterator>
#include <stdexcept>

namespace beast_oauth {

BEAST_OAUTH_DECL token_bucket_limiter::token_bucket_limiter(unsigned burst, std::chrono::seconds refill)
    : burst_(burst)
    , refill_(refill)
{
    if(burst == 0 || refill.count() <= 0)
        throw std::invalid_argument("beast_oauth: token_bucket_limiter needs burst > 0 and refill > 0");
}

BEAST_OAUTH_DECL token_bucket_limiter::shard& token_bucket_limiter::shard_of(std::string_view key)
{
    return shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

BEAST_OAUTH_DECL double token_bucket_limiter::refill(bucket& b, time_point now) const
{
    if(now > b.updated)
    {
        auto elapsed = std::chrono::duration<double>(now - b.updated).count();
        b.tokens = std::min<double>(burst_, b.tokens + elapsed / static_cast<double>(refill_.count()));
        b.updated = now;
    }
    return b.tokens;
}

BEAST_OAUTH_DECL std::optional<std::chrono::seconds> token_bucket_limiter::check(std::string_view key, time_point now)
{
    auto& s = shard_of(key);
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.buckets.find(std::string(key));
    if(it == s.buckets.end())
        return std::nullopt;
    auto tokens = refill(it->second, now);
    if(tokens >= burst_)
    {
        s.buckets.erase(it); // fully refilled: forget the key
        return std::nullopt;
    }
    if(tokens >= 1.0)
        return std::nullopt;
    auto wait = std::ceil((1.0 - tokens) * static_cast<double>(refill_.count()));
    return std::chrono::seconds(static_cast<long long>(wait < 1 ? 1 : wait));
}

BEAST_OAUTH_DECL void token_bucket_limiter::record_failure(std::string_view key, time_point now)
{
    auto& s = shard_of(key);
    std::lock_guard<std::mutex> lock(s.mutex);
    // Bounded memory: past a size, drop every key whose bucket has refilled.
    if(s.buckets.size() > 4096)
        for(auto it = s.buckets.begin(); it != s.buckets.end();)
            it = refill(it->second, now) >= burst_ ? s.buckets.erase(it) : std::next(it);
    auto [it, inserted] = s.buckets.try_emplace(std::string(key), bucket{static_cast<double>(burst_), now});
    refill(it->second, now);
    it->second.tokens = std::max(0.0, it->second.tokens - 1.0);
}

BEAST_OAUTH_DECL void token_bucket_limiter::reset(std::string_view key)
{
    auto& s = shard_of(key);
    std::lock_guard<std::mutex> lock(s.mutex);
    s.buckets.erase(std::string(key));
}

} // namespace beast_oauth

#endif
