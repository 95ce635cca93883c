#ifndef BEAST_OAUTH_IMPL_MEMORY_STORE_GRANTS_IPP
#define BEAST_OAUTH_IMPL_MEMORY_STORE_GRANTS_IPP

// memory_store: grant records and bulk revocation (by owner, by client).

#include <beast_oauth/memory_store.hpp>
#include <algorithm>

namespace beast_oauth {

BEAST_OAUTH_DECL std::vector<grant_record> memory_store::list_grants(std::string_view subject) const
{
    auto const t = now();
    std::vector<grant_record> out;
    for(auto const& g : grants_)
    {
        std::lock_guard<std::mutex> lock(g.mutex);
        for(auto const& [k, e] : g.map)
            if(!e.revoked && e.record.created_at != time_point{} && e.record.expires_at > t &&
               e.record.subject == subject)
                out.push_back(e.record);
    }
    std::sort(out.begin(), out.end(), [](grant_record const& a, grant_record const& b) {
        return a.created_at != b.created_at ? a.created_at < b.created_at : a.grant_id < b.grant_id;
    });
    return out;
}

BEAST_OAUTH_DECL std::optional<grant_record> memory_store::find_grant(std::string_view grant_id) const
{
    auto gk = make_key(grant_id);
    auto [g, lock] = lock_shard(grants_, gk);
    auto it = g.map.find(gk);
    if(it == g.map.end())
        return std::nullopt;
    return it->second.record;
}

BEAST_OAUTH_DECL std::vector<grant_record> memory_store::revoke_where(bool by_subject, std::string_view value)
{
    auto const t = now();
    auto const owned = [&](std::string const& subject, std::string const& client_id) {
        return (by_subject ? subject : client_id) == value;
    };
    // Codes in flight first: their grants are revoked below (a code being exchanged right now
    // then gets its tokens refused), and unused ones are forgotten (a later exchange fails).
    std::vector<code_record> in_flight;
    for(auto& s : codes_)
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        for(auto it = s.map.begin(); it != s.map.end();)
        {
            auto const& rec = it->second.record;
            if(!owned(rec.subject, rec.client_id))
            {
                ++it;
                continue;
            }
            in_flight.push_back(rec);
            if(it->second.used)
                ++it;
            else
                it = s.map.erase(it);
        }
    }
    std::vector<grant_record> revoked;
    std::vector<key> tokens;
    auto revoke = [&](shard<grant_entry>& g, grant_entry& e, key const& gk) {
        bool const first = !e.revoked;
        auto gone = revoke_locked(g, e, gk, t);
        tokens.insert(tokens.end(), gone.begin(), gone.end());
        if(first)
            revoked.push_back(e.record);
    };
    for(auto& g : grants_)
    {
        {
            std::lock_guard<std::mutex> lock(g.mutex);
            for(auto& [gk, e] : g.map)
                if(!e.revoked && owned(e.record.subject, e.record.client_id))
                    revoke(g, e, gk);
        }
        for(auto const& k : tokens)
            erase_token(k);
        tokens.clear();
    }
    for(auto const& code : in_flight)
    {
        auto gk = make_key(code.grant_id);
        auto& g = grants_[shard_of(gk)];
        {
            std::lock_guard<std::mutex> lock(g.mutex);
            auto [it, inserted] = g.map.try_emplace(gk);
            auto& e = it->second;
            if(e.record.created_at == time_point{} && e.record.subject.empty())
                describe_grant(e.record, code); // no token yet: whose it would have been
            if(!e.revoked)
                revoke(g, e, gk);
        }
        for(auto const& k : tokens)
            erase_token(k);
        tokens.clear();
    }
    return revoked;
}

BEAST_OAUTH_DECL std::vector<grant_record> memory_store::revoke_subject_grants(std::string_view subject)
{
    return revoke_where(true, subject);
}

BEAST_OAUTH_DECL std::vector<grant_record> memory_store::revoke_client_grants(std::string_view client_id)
{
    return revoke_where(false, client_id);
}

} // namespace beast_oauth

#endif
