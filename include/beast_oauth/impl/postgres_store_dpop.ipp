#ifndef BEAST_OAUTH_IMPL_POSTGRES_STORE_DPOP_IPP
#define BEAST_OAUTH_IMPL_POSTGRES_STORE_DPOP_IPP

// postgres_store's DPoP replay cache (RFC 9449 11.1): table oauth_dpop_jti (schema version 3).
// One statement purges, counts and inserts (ON CONFLICT: of concurrent claims of one key,
// exactly one inserts). Concurrent claims of different keys may each see the count under the
// capacity, so the table can pass it by at most the number of connections.

#include <beast_oauth/postgres_store.hpp>
#include <beast_oauth/detail/pg_connection.hpp>
#include <beast_oauth/detail/pg_rows.hpp>
#include <beast_oauth/detail/pg_sql.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL dpop_jti_status postgres_store::claim_dpop_jti(std::string_view key, time_point expires_at,
                                                                std::size_t capacity)
{
    auto status = dpop_jti_status::claimed;
    {
        auto l = pool_->acquire();
        auto& c = *l;
        auto const t = now();
        auto r = c.run(detail::pg_sql::dpop_claim,
                       detail::pg_params().add(key).add(expires_at).add(t).add(static_cast<std::int64_t>(capacity)));
        if(r.rows() != 1)
            status = c.run(detail::pg_sql::dpop_seen, detail::pg_params().add(key).add(t)).rows() == 1
                         ? dpop_jti_status::replayed
                         : dpop_jti_status::full;
    }
    if(status == dpop_jti_status::claimed)
        after_write();
    return status;
}

} // namespace beast_oauth

#endif
