#ifndef BEAST_OAUTH_IMPL_MEMORY_STORE_DPOP_IPP
#define BEAST_OAUTH_IMPL_MEMORY_STORE_DPOP_IPP

// memory_store's DPoP replay cache (RFC 9449 11.1): remembered jtis with an expiry heap.

#include <beast_oauth/memory_store.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL dpop_jti_status memory_store::claim_dpop_jti(std::string_view k, time_point expires_at,
                                                              std::size_t capacity)
{
    auto const id = make_key(k);
    auto const t = now();
    std::lock_guard<std::mutex> lock(dpop_jti_.mutex);
    auto& s = dpop_jti_;
    // Purge every expired entry first: an expired proof is refused by its iat anyway.
    while(!s.expiry.empty() && s.expiry.top().at <= t)
    {
        auto it = s.map.find(s.expiry.top().k);
        if(it != s.map.end() && it->second <= t)
            s.map.erase(it);
        s.expiry.pop();
    }
    auto it = s.map.find(id);
    if(it != s.map.end())
        return dpop_jti_status::replayed;
    if(s.map.size() >= capacity)
        return dpop_jti_status::full; // never evict a live entry: that would re-enable its replay
    s.map.emplace(id, expires_at);
    s.expiry.push({expires_at, id});
    return dpop_jti_status::claimed;
}

} // namespace beast_oauth

#endif
