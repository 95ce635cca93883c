#ifndef BEAST_OAUTH_IMPL_GRANT_MANAGER_IPP
#define BEAST_OAUTH_IMPL_GRANT_MANAGER_IPP

#include <beast_oauth/grant_manager.hpp>
#include <beast_oauth/detail/log_escape.hpp>
#include <stdexcept>
#include <unordered_map>

namespace beast_oauth {

BEAST_OAUTH_DECL grant_manager::grant_manager(authorization_server const& server, grant_store& grants,
                                              token_store& tokens, client_store const& clients)
    : server_(server)
    , grants_(grants)
    , tokens_(tokens)
    , clients_(clients)
{
}

BEAST_OAUTH_DECL std::vector<connected_app> grant_manager::list_grants(std::string_view subject) const
{
    std::vector<connected_app> out;
    if(subject.empty())
        return out;
    std::unordered_map<std::string, std::string> names;
    for(auto& g : grants_.list_grants(subject))
    {
        auto it = names.find(g.client_id);
        if(it == names.end())
        {
            auto c = clients_.find_client(g.client_id);
            it = names.emplace(g.client_id, c && !c->name.empty() ? c->name : g.client_id).first;
        }
        connected_app app;
        app.grant_id = std::move(g.grant_id);
        app.client_id = std::move(g.client_id);
        app.client_name = it->second;
        app.scope = std::move(g.scope);
        app.connected_at = g.created_at;
        app.last_used_at = g.last_used_at;
        out.push_back(std::move(app));
    }
    return out;
}

BEAST_OAUTH_DECL void grant_manager::audit_revoked(grant_record const& g, revocation_actor by,
                                                   request_context const& ctx, std::string_view detail) const
{
    auto const& hook = server_.options().audit;
    if(!hook)
        return;
    // As authorization_server::audit: control characters escaped, so no log line can be forged.
    std::string escaped[4];
    std::string_view fields[4] = {g.client_id, g.subject, ctx.remote_address, g.grant_id};
    for(std::size_t i = 0; i < 4; ++i)
        if(detail::needs_log_escaping(fields[i]))
        {
            escaped[i] = detail::escape_for_log(fields[i]);
            fields[i] = escaped[i];
        }
    audit_event e{audit_event_type::grant_revoked, server_.now(), fields[0], fields[1], {}, fields[2], fields[3],
                  detail, by};
    hook(e);
}

BEAST_OAUTH_DECL bool grant_manager::revoke_grant(std::string_view grant_id, revocation_actor by,
                                                  std::string_view subject, request_context const& ctx) const
{
    if(by == revocation_actor::owner && subject.empty())
        throw std::invalid_argument("beast_oauth: an owner's revocation needs the owner's subject");
    if(grant_id.empty())
        return false;
    auto g = grants_.find_grant(grant_id);
    // The owner of a grant never changes, so checking it before revoking is enough.
    if(!g || (!subject.empty() && g->subject != subject))
        return false;
    if(g->revoked())
        return true;
    tokens_.revoke_grant(grant_id);
    g->revoked_at = server_.now();
    audit_revoked(*g, by, ctx, "grant");
    return true;
}

BEAST_OAUTH_DECL std::size_t grant_manager::revoke_subject_grants(std::string_view subject, revocation_actor by,
                                                                  request_context const& ctx) const
{
    if(subject.empty())
        throw std::invalid_argument("beast_oauth: revoke_subject_grants needs a subject");
    auto revoked = grants_.revoke_subject_grants(subject);
    for(auto const& g : revoked)
        audit_revoked(g, by, ctx, "every grant of the owner");
    return revoked.size();
}

BEAST_OAUTH_DECL std::size_t grant_manager::revoke_client_grants(std::string_view client_id, revocation_actor by,
                                                                 request_context const& ctx) const
{
    if(client_id.empty())
        throw std::invalid_argument("beast_oauth: revoke_client_grants needs a client_id");
    auto revoked = grants_.revoke_client_grants(client_id);
    for(auto const& g : revoked)
        audit_revoked(g, by, ctx, "every grant of the client");
    return revoked.size();
}

} // namespace beast_oauth

#endif
