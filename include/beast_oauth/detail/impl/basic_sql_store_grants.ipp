#ifndef BEAST_OAUTH_DETAIL_IMPL_BASIC_SQL_STORE_GRANTS_IPP
#define BEAST_OAUTH_DETAIL_IMPL_BASIC_SQL_STORE_GRANTS_IPP

// basic_sql_store: grant records, bulk revocation, expiry sweeps and counts.

#include <beast_oauth/detail/basic_sql_store.hpp>
#include <beast_oauth/detail/sql_columns.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <cstdint>
#include <tuple>

namespace beast_oauth {
namespace detail {

template<class Connection, class Options>
std::vector<grant_record> basic_sql_store<Connection, Options>::list_grants(std::string_view subject) const
{
    std::vector<grant_record> out;
    auto l = pool_->acquire();
    sql_dialect<Connection>::each_row(*l, sql_common::grant_list, std::forward_as_tuple(subject, now()),
                                      [&](auto const& row) { out.push_back(read_grant(row)); });
    return out;
}

template<class Connection, class Options>
std::optional<grant_record> basic_sql_store<Connection, Options>::find_grant(std::string_view grant_id) const
{
    return find_one<grant_record>(sql_common::grant_find, [](auto const& row) { return read_grant(row); }, grant_id);
}

template<class Connection, class Options>
std::vector<grant_record> basic_sql_store<Connection, Options>::revoke_grants_by(int first_statement,
                                                                                 std::string_view value)
{
    // first_statement: grant_codes_*, then grant_revoke_*, code_forget_*, token_delete_* follow in order.
    using dialect = sql_dialect<Connection>;
    auto const t = now();
    std::vector<grant_record> out;
    {
        auto l = pool_->acquire();
        auto& c = *l;
        out = dialect::transact(c, options_, [&](auto& tx) {
            std::vector<grant_record> revoked;
            dialect::run(c, first_statement, std::forward_as_tuple(value, t));
            dialect::each_row(c, first_statement + 1, std::forward_as_tuple(value, t),
                              [&](auto const& row) { revoked.push_back(read_grant(row)); });
            dialect::run(c, first_statement + 2, std::forward_as_tuple(value));
            dialect::run(c, first_statement + 3, std::forward_as_tuple(value));
            tx.commit();
            return revoked;
        });
    }
    after_write();
    return out;
}

template<class Connection, class Options>
std::vector<grant_record> basic_sql_store<Connection, Options>::revoke_subject_grants(std::string_view subject)
{
    return revoke_grants_by(sql_common::grant_codes_subject, subject);
}

template<class Connection, class Options>
std::vector<grant_record> basic_sql_store<Connection, Options>::revoke_client_grants(std::string_view client_id)
{
    return revoke_grants_by(sql_common::grant_codes_client, client_id);
}

template<class Connection, class Options>
std::size_t basic_sql_store<Connection, Options>::sweep_limited(time_point t, std::size_t limit)
{
    auto l = pool_->acquire();
    return sql_dialect<Connection>::sweep(*l, sweep_plan(t, options_.replay_window), limit);
}

template<class Connection, class Options>
std::size_t basic_sql_store<Connection, Options>::sweep(time_point t)
{
    return sweep_limited(t, 0);
}

template<class Connection, class Options>
std::size_t basic_sql_store<Connection, Options>::count(int statement) const
{
    auto n = find_one<std::int64_t>(statement, [](auto const& row) { return row.integer(0); });
    return static_cast<std::size_t>(n.value_or(0));
}

template<class Connection, class Options>
std::size_t basic_sql_store<Connection, Options>::code_count() const
{
    return count(sql_common::count_codes);
}

template<class Connection, class Options>
std::size_t basic_sql_store<Connection, Options>::token_count() const
{
    return count(sql_common::count_tokens);
}

} // namespace detail
} // namespace beast_oauth

#endif
