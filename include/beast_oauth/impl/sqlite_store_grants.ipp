#ifndef BEAST_OAUTH_IMPL_SQLITE_STORE_GRANTS_IPP
#define BEAST_OAUTH_IMPL_SQLITE_STORE_GRANTS_IPP

// sqlite_store: grant records, bulk revocation, expiry sweeps and counts.

#include <beast_oauth/sqlite_store.hpp>
#include <beast_oauth/detail/sqlite_connection.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL std::vector<grant_record> sqlite_store::list_grants(std::string_view subject) const
{
    std::vector<grant_record> out;
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, detail::sqlite_sql::grant_list);
    s.bind(1, subject).bind(2, now());
    while(s.step())
        out.push_back(detail::read_grant(s));
    return out;
}

BEAST_OAUTH_DECL std::optional<grant_record> sqlite_store::find_grant(std::string_view grant_id) const
{
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, detail::sqlite_sql::grant_find);
    s.bind(1, grant_id);
    if(!s.step())
        return std::nullopt;
    return detail::read_grant(s);
}

BEAST_OAUTH_DECL std::vector<grant_record> sqlite_store::revoke_grants_by(int first_statement, std::string_view value)
{
    // first_statement: grant_codes_*, then grant_revoke_*, code_forget_*, token_delete_* follow in order.
    std::vector<grant_record> out;
    auto const t = now();
    {
        auto l = pool_->acquire();
        detail::sqlite_transaction tx(*l);
        {
            detail::sqlite_statement s(*l, first_statement);
            s.bind(1, value).bind(2, t);
            s.run();
        }
        {
            detail::sqlite_statement s(*l, first_statement + 1);
            s.bind(1, value).bind(2, t);
            while(s.step())
                out.push_back(detail::read_grant(s));
        }
        for(int id : {first_statement + 2, first_statement + 3})
        {
            detail::sqlite_statement s(*l, id);
            s.bind(1, value);
            s.run();
        }
        tx.commit();
    }
    after_write();
    return out;
}

BEAST_OAUTH_DECL std::vector<grant_record> sqlite_store::revoke_subject_grants(std::string_view subject)
{
    return revoke_grants_by(detail::sqlite_sql::grant_codes_subject, subject);
}

BEAST_OAUTH_DECL std::vector<grant_record> sqlite_store::revoke_client_grants(std::string_view client_id)
{
    return revoke_grants_by(detail::sqlite_sql::grant_codes_client, client_id);
}

BEAST_OAUTH_DECL std::size_t sqlite_store::sweep_limited(time_point t, std::size_t limit)
{
    auto const max_rows = limit == 0 ? std::int64_t(-1) : static_cast<std::int64_t>(limit); // -1: no LIMIT
    std::size_t removed = 0;
    auto l = pool_->acquire();
    detail::sqlite_transaction tx(*l);
    for(auto [id, before] : detail::sweep_plan(t, options_.replay_window))
    {
        detail::sqlite_statement s(*l, id);
        s.bind(1, before).bind(2, max_rows);
        s.run();
        removed += static_cast<std::size_t>(sqlite3_changes(l->db));
    }
    tx.commit();
    return removed;
}

BEAST_OAUTH_DECL std::size_t sqlite_store::sweep(time_point t)
{
    return sweep_limited(t, 0);
}

BEAST_OAUTH_DECL std::size_t sqlite_store::count(int statement) const
{
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, statement);
    s.step();
    return static_cast<std::size_t>(s.integer(0));
}

BEAST_OAUTH_DECL std::size_t sqlite_store::code_count() const
{
    return count(detail::sqlite_sql::count_codes);
}

BEAST_OAUTH_DECL std::size_t sqlite_store::token_count() const
{
    return count(detail::sqlite_sql::count_tokens);
}

} // namespace beast_oauth

#endif
