#ifndef BEAST_OAUTH_DETAIL_SECRET_CACHE_HPP
#define BEAST_OAUTH_DETAIL_SECRET_CACHE_HPP

#include <beast_oauth/detail/crypto.hpp>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace beast_oauth { namespace detail {

/** Remembers client secrets that verified against a slow (PBKDF2) hash, so a client with a
    weak secret pays the slow hash once per process, not on every token request.

    Holds only successes (an attacker cannot add entries), keyed by client_id and bound to the
    stored hash (a rotated secret misses). Each entry is an HMAC of the secret under a key that
    exists only in this process, so the cache reveals nothing a memory dump of the stored hashes
    would not. At most `max_entries` clients; when full it starts over.

    Thread-safe.
*/
class verified_secret_cache
{
public:
    static constexpr std::size_t max_entries = 4096;

    verified_secret_cache()
        : key_(random_base64url(32))
    {
    }

    bool contains(std::string_view client_id, std::string_view stored_hash, std::string_view secret) const
    {
        auto mac = key_.mac(secret);
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = map_.find(std::string(client_id));
        return it != map_.end() && it->second.stored_hash == stored_hash &&
               constant_time_equal(as_view(it->second.mac), as_view(mac));
    }

    void insert(std::string_view client_id, std::string_view stored_hash, std::string_view secret)
    {
        auto mac = key_.mac(secret);
        std::lock_guard<std::mutex> lock(mutex_);
        if(map_.size() >= max_entries)
            map_.clear();
        map_[std::string(client_id)] = entry{std::string(stored_hash), mac};
    }

private:
    struct entry
    {
        std::string stored_hash;
        digest256 mac;
    };
    hmac_sha256_key key_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, entry> map_;
};

}} // namespace beast_oauth::detail

#endif
