#ifndef BEAST_OAUTH_DETAIL_IMPL_BASIC_SQL_STORE_IPP
#define BEAST_OAUTH_DETAIL_IMPL_BASIC_SQL_STORE_IPP

// basic_sql_store: what both SQL stores do the same way, through sql_dialect<Connection>:
//   run(c, id, params)           one statement, `params` a tuple of columns
//   each_row(c, id, params, f)   one statement, f(row) for each row it returns
//   transact(c, options, f)      f(tx) in a transaction (tx.commit(); else rolled back)
// and the operations whose SQL or transactions differ (see the dialect headers).

#include <beast_oauth/detail/basic_sql_store.hpp>
#include <beast_oauth/detail/sql_columns.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <cstdint>
#include <tuple>
#include <utility>

namespace beast_oauth {
namespace detail {

template<class Connection, class Options>
basic_sql_store<Connection, Options>::basic_sql_store(std::string where, Options options)
    : where_(std::move(where))
    , options_(std::move(options))
    , clients_(std::make_unique<client_cache>(options_.client_cache_ttl))
    , pool_(sql_dialect<Connection>::open_pool(where_, options_))
{
    auto l = pool_->acquire();
    sql_dialect<Connection>::migrate(*l, where_);
}

template<class Connection, class Options>
basic_sql_store<Connection, Options>::~basic_sql_store() = default;

template<class Connection, class Options>
time_point basic_sql_store<Connection, Options>::now() const
{
    return store_now(options_);
}

template<class Connection, class Options>
void basic_sql_store<Connection, Options>::after_write()
{
    sweep_after_write(options_, writes_, [this] { sweep_limited(now(), options_.sweep_batch); });
}

template<class Connection, class Options>
template<class T, class Read, class... Params>
std::optional<T> basic_sql_store<Connection, Options>::find_one(int statement, Read read,
                                                                Params const&... params) const
{
    std::optional<T> found;
    auto l = pool_->acquire();
    sql_dialect<Connection>::each_row(*l, statement, std::forward_as_tuple(params...), [&](auto const& row) {
        if(!found)
            found = read(row);
    });
    return found;
}

template<class Connection, class Options>
void basic_sql_store<Connection, Options>::add_client(client const& c)
{
    auto row = to_client_row(c);
    {
        auto l = pool_->acquire();
        sql_dialect<Connection>::run(*l, sql_common::client_upsert, client_columns(row));
    }
    clients_->put(std::make_shared<client const>(c));
}

template<class Connection, class Options>
std::vector<std::string> basic_sql_store<Connection, Options>::client_ids() const
{
    auto l = pool_->acquire();
    return sql_dialect<Connection>::client_ids(*l);
}

template<class Connection, class Options>
std::shared_ptr<client const> basic_sql_store<Connection, Options>::find_client(std::string_view client_id) const
{
    return find_client_cached(*clients_, client_id, [&] {
        return find_one<client_row>(
            sql_common::client_find, [](auto const& row) { return read_client(row); }, client_id);
    });
}

template<class Connection, class Options>
void basic_sql_store<Connection, Options>::save_code(code_record const& r)
{
    {
        auto l = pool_->acquire();
        sql_dialect<Connection>::run(*l, sql_common::code_insert,
                                     std::tuple_cat(std::forward_as_tuple(std::string_view(r.signature)),
                                                    code_columns(r)));
    }
    after_write();
}

// RFC 6749 4.1.2: a code is used once; a second use names the grant to revoke (10.5).
template<class Connection, class Options>
consume_result basic_sql_store<Connection, Options>::consume_code(std::string_view signature)
{
    auto l = pool_->acquire();
    return sql_dialect<Connection>::consume_code(*l, signature, options_);
}

template<class Connection, class Options>
consume_result basic_sql_store<Connection, Options>::claim_code(std::string_view jti, std::string_view grant_id,
                                                                time_point expires_at)
{
    consume_result r;
    {
        auto l = pool_->acquire();
        r = sql_dialect<Connection>::claim_code(*l, jti, grant_id, expires_at, options_);
    }
    after_write();
    return r;
}

template<class Connection, class Options>
bool basic_sql_store<Connection, Options>::save_token(token_record const& record)
{
    bool saved = false;
    {
        auto l = pool_->acquire();
        saved = sql_dialect<Connection>::save_token(*l, record, options_);
    }
    if(saved)
        after_write();
    return saved;
}

template<class Connection, class Options>
std::shared_ptr<token_record const> basic_sql_store<Connection, Options>::find_token(std::string_view signature) const
{
    return sql_dialect<Connection>::find_token(*pool_, signature);
}

template<class Connection, class Options>
void basic_sql_store<Connection, Options>::revoke_grant(std::string_view grant_id)
{
    using dialect = sql_dialect<Connection>;
    auto l = pool_->acquire();
    auto& c = *l;
    dialect::transact(c, options_, [&](auto& tx) {
        // The grant row first, then its tokens: a concurrent save_token (which writes the grant
        // row too) either committed before, and its token is deleted, or finds the grant revoked.
        dialect::run(c, sql_common::grant_revoke, std::forward_as_tuple(grant_id, now()));
        dialect::run(c, sql_common::token_delete_grant, std::forward_as_tuple(grant_id));
        tx.commit();
        return 0;
    });
}

template<class Connection, class Options>
void basic_sql_store<Connection, Options>::revoke_token(std::string_view signature)
{
    auto l = pool_->acquire();
    sql_dialect<Connection>::run(*l, sql_common::token_delete, std::forward_as_tuple(signature));
}

// RFC 9700 4.14.2: the old refresh token is kept (rotated_at set) to detect its reuse.
template<class Connection, class Options>
rotate_status basic_sql_store<Connection, Options>::rotate_refresh_token(refresh_rotation_request const& request,
                                                                        std::shared_ptr<token_record const>& old_out)
{
    using dialect = sql_dialect<Connection>;
    rotate_status status;
    {
        auto l = pool_->acquire();
        auto& c = *l;
        status = dialect::transact(c, options_, [&](auto& tx) {
            auto old = dialect::refresh_to_rotate(c, request.old_signature);
            if(!old)
                return rotate_status::not_found;
            if(auto verdict = already_rotated(request, *old))
            {
                old_out = old;
                return *verdict;
            }
            // Keep the rotated token for reuse detection, then let the sweeper reclaim it.
            auto const keep_until = request.now + options_.rotated_retention;
            dialect::run(c, sql_common::token_rotate,
                         std::forward_as_tuple(request.old_signature, request.now, keep_until));
            old->rotated_at = request.now;
            if(old->expires_at > keep_until)
                old->expires_at = keep_until;
            for(auto const* successor : {request.new_access, request.new_refresh})
                if(successor)
                    dialect::insert_token(c, *successor);
            tx.commit();
            old_out = std::move(old);
            return rotate_status::rotated;
        });
    }
    if(status == rotate_status::rotated)
        after_write();
    return status;
}

template<class Connection, class Options>
void basic_sql_store<Connection, Options>::revoke_access_tokens(std::string_view grant_id,
                                                                std::string_view keep_signature)
{
    auto l = pool_->acquire();
    sql_dialect<Connection>::run(*l, sql_common::token_delete_access, std::forward_as_tuple(grant_id, keep_signature));
}

template<class Connection, class Options>
void basic_sql_store<Connection, Options>::trim_access_tokens(std::string_view grant_id, std::size_t keep)
{
    auto l = pool_->acquire();
    sql_dialect<Connection>::run(*l, sql_common::token_trim_access,
                                 std::forward_as_tuple(grant_id, static_cast<std::int64_t>(keep)));
}

template<class Connection, class Options>
dpop_jti_status basic_sql_store<Connection, Options>::claim_dpop_jti(std::string_view key, time_point expires_at,
                                                                     std::size_t capacity)
{
    dpop_jti_status status;
    {
        auto l = pool_->acquire();
        status = sql_dialect<Connection>::claim_dpop_jti(*l, key, expires_at, capacity, options_);
    }
    if(status == dpop_jti_status::claimed)
        after_write();
    return status;
}

} // namespace detail
} // namespace beast_oauth

// Grants, bulk revocation, sweeps and counts.
#include <beast_oauth/detail/impl/basic_sql_store_grants.ipp>

#endif
