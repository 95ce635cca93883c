#ifndef BEAST_OAUTH_IMPL_RATE_LIMITER_IPP
#define BEAST_OAUTH_IMPL_RATE_LIMITER_IPP

#include <beast_oauth/rate_limiter.hpp>
#include <beast_oauth/detail/sharded.hpp>
#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <stdexcept>

namespace beast_oauth {

BEAST_OAUTH_DECL token_bucket_limiter::token_bucket_limiter(std::size_t max_keys)
    : max_per_shard_(max_keys / 16)
{
    if(max_keys < 16)
        throw std::invalid_argument("beast_oauth: token_bucket_limiter needs max_keys >= 16");
}

BEAST_OAUTH_DECL token_bucket_limiter::shard& token_bucket_limiter::shard_of(std::string_view key)
{
    return shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

BEAST_OAUTH_DECL double token_bucket_limiter::decay(bucket& b, time_point now)
{
    if(now > b.updated)
    {
        auto elapsed = std::chrono::duration<double>(now - b.updated).count();
        b.debt = std::max(0.0, b.debt - elapsed / static_cast<double>(std::max<long long>(1, b.refill.count())));
        b.updated = now;
    }
    return b.debt;
}

BEAST_OAUTH_DECL std::optional<std::chrono::seconds> token_bucket_limiter::check(std::string_view key,
                                                                                  rate_limit const& limit,
                                                                                  time_point now)
{
    auto& s = shard_of(key);
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.buckets.find(std::string(key));
    if(it == s.buckets.end())
        return std::nullopt;
    auto debt = decay(it->second, now);
    if(debt <= 0)
    {
        s.buckets.erase(it); // everything earned back: forget the key
        return std::nullopt;
    }
    // One more attempt fits while the debt leaves room for it.
    auto room = static_cast<double>(limit.burst) - 1.0;
    if(debt <= room + 1e-9)
        return std::nullopt;
    auto wait = std::ceil((debt - room) * static_cast<double>(it->second.refill.count()) - 1e-6);
    return std::chrono::seconds(static_cast<long long>(wait < 1 ? 1 : wait));
}

BEAST_OAUTH_DECL void token_bucket_limiter::make_room(shard& s, time_point now)
{
    if(s.buckets.size() < max_per_shard_)
        return;
    for(auto it = s.buckets.begin(); it != s.buckets.end();)
        it = decay(it->second, now) <= 0 ? s.buckets.erase(it) : std::next(it);
    if(s.buckets.size() < max_per_shard_)
        return;
    // Still full (a flood of distinct keys): evict the key with the least debt.
    auto victim = std::min_element(s.buckets.begin(), s.buckets.end(),
                                   [](auto const& a, auto const& b) { return a.second.debt < b.second.debt; });
    s.buckets.erase(victim);
}

BEAST_OAUTH_DECL void token_bucket_limiter::record_failure(std::string_view key, rate_limit const& limit,
                                                           time_point now)
{
    auto& s = shard_of(key);
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.buckets.find(std::string(key));
    if(it == s.buckets.end())
    {
        make_room(s, now);
        it = s.buckets.emplace(std::string(key), bucket{0.0, now, limit.refill}).first;
    }
    decay(it->second, now);
    it->second.refill = limit.refill.count() > 0 ? limit.refill : std::chrono::seconds(1);
    it->second.debt += 1.0;
}

BEAST_OAUTH_DECL void token_bucket_limiter::reset(std::string_view key)
{
    auto& s = shard_of(key);
    std::lock_guard<std::mutex> lock(s.mutex);
    s.buckets.erase(std::string(key));
}

BEAST_OAUTH_DECL std::size_t token_bucket_limiter::size() const
{
    return detail::sum_over_shards(shards_, [](shard const& s) { return s.buckets.size(); });
}

} // namespace beast_oauth

#endif
