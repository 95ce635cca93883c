#ifndef BEAST_OAUTH_SQL_STORE_OPTIONS_HPP
#define BEAST_OAUTH_SQL_STORE_OPTIONS_HPP

#include <beast_oauth/model.hpp>
#include <chrono>
#include <cstddef>
#include <functional>

namespace beast_oauth {

/** The settings @ref sqlite_store_options and @ref postgres_store_options share: retention,
    incremental sweeping, the client cache and the clock. */
struct sql_store_options
{
    /// How long a used code is kept after it expires, so a late replay is still recognised.
    std::chrono::seconds replay_window{600};
    /// How long a rotated refresh token is kept (reuse detection) before it is swept.
    std::chrono::seconds rotated_retention{86400};
    /// Incremental sweeping: every this many writes, delete up to `sweep_batch` expired rows per table. 0: never.
    unsigned sweep_every = 64;
    std::size_t sweep_batch = 64;
    /** How long a parsed client is cached, so that a change written by another process or
        instance shows after at most this. 0: no cache. */
    std::chrono::seconds client_cache_ttl{60};
    /// Clock for `used_at`, revocation times and incremental sweeps; default system_clock::now. Tests inject their own.
    std::function<time_point()> clock;
};

} // namespace beast_oauth

#endif
