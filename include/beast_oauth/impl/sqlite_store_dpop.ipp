#ifndef BEAST_OAUTH_IMPL_SQLITE_STORE_DPOP_IPP
#define BEAST_OAUTH_IMPL_SQLITE_STORE_DPOP_IPP

// sqlite_store's DPoP replay cache (RFC 9449 11.1): table oauth_dpop_jti (schema version 3).
// One BEGIN IMMEDIATE transaction: purge, look up, count, insert; so instances on one file
// never both claim a jti, and the table never grows past the capacity.

#include <beast_oauth/sqlite_store.hpp>
#include <beast_oauth/detail/sqlite_connection.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL dpop_jti_status sqlite_store::claim_dpop_jti(std::string_view key, time_point expires_at,
                                                              std::size_t capacity)
{
    namespace sql = detail::sqlite_sql;
    auto status = dpop_jti_status::claimed;
    {
        auto l = pool_->acquire();
        detail::sqlite_transaction tx(*l);
        detail::sqlite_statement(*l, sql::dpop_purge).bind(1, now()).run();
        bool seen = false;
        {
            detail::sqlite_statement s(*l, sql::dpop_seen);
            seen = s.bind(1, key).step();
        }
        std::int64_t count = 0;
        if(!seen)
        {
            detail::sqlite_statement s(*l, sql::dpop_count);
            if(s.step())
                count = s.integer(0);
        }
        if(seen)
            status = dpop_jti_status::replayed;
        else if(static_cast<std::size_t>(count) >= capacity)
            status = dpop_jti_status::full; // never evict a live entry: that would re-enable its replay
        else
            detail::sqlite_statement(*l, sql::dpop_insert).bind(1, key).bind(2, expires_at).run();
        tx.commit();
    }
    if(status == dpop_jti_status::claimed)
        after_write();
    return status;
}

} // namespace beast_oauth

#endif
