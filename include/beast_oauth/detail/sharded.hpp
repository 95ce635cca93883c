#ifndef BEAST_OAUTH_DETAIL_SHARDED_HPP
#define BEAST_OAUTH_DETAIL_SHARDED_HPP

// What the in-memory containers split into shards (memory_store, token_bucket_limiter) share.

#include <cstddef>
#include <mutex>

namespace beast_oauth {
namespace detail {

/// The sum of `part(s)` over `shards`, each shard read under its own `mutex`.
template<class Shards, class Part>
std::size_t sum_over_shards(Shards const& shards, Part part)
{
    std::size_t n = 0;
    for(auto const& s : shards)
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        n += part(s);
    }
    return n;
}

} // namespace detail
} // namespace beast_oauth

#endif
