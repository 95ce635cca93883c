#ifndef BEAST_OAUTH_IMPL_AUDIT_IPP
#define BEAST_OAUTH_IMPL_AUDIT_IPP

#include <beast_oauth/audit.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL std::string_view audit_event_name(audit_event_type t) noexcept
{
    switch(t)
    {
    case audit_event_type::sign_in_succeeded: return "sign_in_succeeded";
    case audit_event_type::sign_in_failed: return "sign_in_failed";
    case audit_event_type::code_issued: return "code_issued";
    case audit_event_type::token_issued: return "token_issued";
    case audit_event_type::code_replay_detected: return "code_replay_detected";
    case audit_event_type::refresh_reuse_detected: return "refresh_reuse_detected";
    case audit_event_type::client_authentication_failed: return "client_authentication_failed";
    case audit_event_type::token_revoked: return "token_revoked";
    case audit_event_type::rate_limited: return "rate_limited";
    case audit_event_type::grant_revoked: return "grant_revoked";
    }
    return "unknown";
}

BEAST_OAUTH_DECL std::string_view revocation_actor_name(revocation_actor a) noexcept
{
    switch(a)
    {
    case revocation_actor::none: return "";
    case revocation_actor::owner: return "owner";
    case revocation_actor::vendor_admin: return "vendor_admin";
    case revocation_actor::replay_rule: return "replay_rule";
    }
    return "";
}

} // namespace beast_oauth

#endif
