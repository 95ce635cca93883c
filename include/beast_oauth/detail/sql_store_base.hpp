#ifndef BEAST_OAUTH_DETAIL_SQL_STORE_BASE_HPP
#define BEAST_OAUTH_DETAIL_SQL_STORE_BASE_HPP

// What sqlite_store and postgres_store keep alike and declare once: their options, the cache of
// parsed clients, their clock, and incremental sweeping after writes. No SQL here, so the public
// store headers include it; the members that need `client_cache` are defined in
// sql_store_common.hpp, which only the stores' .ipp files include.

#include <beast_oauth/model.hpp>
#include <atomic>
#include <memory>

namespace beast_oauth { namespace detail {

class client_cache;

/** Base of the SQL stores. CRTP: `after_write` calls `Store::sweep_limited(now, limit)` (a
    private member: the store befriends this base). */
template<class Store, class Options>
class sql_store_base
{
protected:
    explicit sql_store_base(Options options);
    ~sql_store_base();

    /// The store's clock: `options_.clock` when set (tests), else the system clock.
    time_point now() const;
    /// After a write: every `sweep_every`-th write deletes at most `sweep_batch` expired rows
    /// (best effort: the write succeeded, a later sweep catches up).
    void after_write() noexcept;

    Options options_;
    std::unique_ptr<client_cache> clients_;
    std::atomic<unsigned> writes_{0};
};

}} // namespace beast_oauth::detail

#endif
