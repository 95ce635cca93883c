#ifndef BEAST_OAUTH_IMPL_STORE_OP_IPP
#define BEAST_OAUTH_IMPL_STORE_OP_IPP

#include <beast_oauth/store_op.hpp>
#include <beast_oauth/detail/require_store.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL void perform(store_op& op, store_set const& s)
{
    using k = store_op::kind;
    auto need = [](auto* store) -> auto& {
        return detail::require_store(store, detail::no_sync_store_message);
    };
    switch(op.what)
    {
    case k::find_client: op.client = need(s.clients).find_client(op.key); return;
    case k::save_code: need(s.codes).save_code(*op.code); return;
    case k::consume_code: op.consumed = need(s.codes).consume_code(op.key); return;
    case k::claim_code: op.consumed = need(s.codes).claim_code(op.key, op.key2, op.expires_at); return;
    case k::save_token: op.saved = need(s.tokens).save_token(*op.token); return;
    case k::find_token: op.found = need(s.tokens).find_token(op.key); return;
    case k::revoke_grant: need(s.tokens).revoke_grant(op.key); return;
    case k::revoke_token: need(s.tokens).revoke_token(op.key); return;
    case k::rotate_refresh_token:
        op.rotated = need(s.tokens).rotate_refresh_token(*op.rotation, op.found);
        return;
    case k::revoke_access_tokens: need(s.tokens).revoke_access_tokens(op.key, op.key2); return;
    case k::trim_access_tokens: need(s.tokens).trim_access_tokens(op.key, op.keep); return;
    case k::authenticate: op.user = need(s.users).authenticate(op.key, op.key2); return;
    case k::claim_dpop_jti: op.jti = need(s.tokens).claim_dpop_jti(op.key, op.expires_at, op.keep); return;
    }
}

} // namespace beast_oauth

#endif
