#ifndef BEAST_OAUTH_GRANTS_IMPL_AUTHORIZATION_CODE_IPP
#define BEAST_OAUTH_GRANTS_IMPL_AUTHORIZATION_CODE_IPP

// RFC 6749 4.1.3 - 4.1.4, RFC 7636 4.6, RFC 9700 2.1.1 and 4.5.

#include <beast_oauth/grants/authorization_code.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/pkce.hpp>
#include <boost/asio/coroutine.hpp>

namespace beast_oauth {

namespace detail {

class authorization_code_algorithm : public grant_algorithm_base
{
public:
    explicit authorization_code_algorithm(grant_request const& r)
        : grant_algorithm_base(r)
    {
    }

    store_op* step() override
    {
        BOOST_ASIO_CORO_REENTER(this)
        {
            {
                auto code = r_.params.get("code");
                if(!code)
                    return done(fail(error::invalid_request, "code is required"));
                // Bound to the client before anything is consumed (RFC 6749 4.1.3): another
                // client's attempt leaves the code intact for its rightful client.
                presented_ = r_.issuer.strategy().read_code(*code, r_.authenticated_client.client_id);
                if(presented_.kind == token_strategy::presented_code::form::invalid)
                    return done(fail(error::invalid_grant, "the authorization code is invalid"));
                if(presented_.kind == token_strategy::presented_code::form::opaque)
                {
                    op_.what = store_op::kind::consume_code;
                    op_.key = presented_.signature;
                }
                else
                {
                    op_.what = store_op::kind::claim_code;
                    op_.key = presented_.record.signature;
                    op_.key2 = presented_.record.grant_id;
                    op_.expires_at = presented_.record.expires_at;
                }
            }
            BOOST_ASIO_CORO_YIELD return &op_;
            if(op_.consumed_status() == consume_status::already_used)
            {
                // RFC 6749 4.1.2 / RFC 9700 4.5: a replayed code revokes what it issued.
                grant_id_ = op_.consumed->record.grant_id;
                op_.reset();
                op_.what = store_op::kind::revoke_grant;
                op_.key = grant_id_;
                BOOST_ASIO_CORO_YIELD return &op_;
                core_.log("code_replay", "authorization code reused; grant revoked");
                core_.audit(audit_event_type::code_replay_detected, r_.ctx, r_.authenticated_client.client_id, {}, {},
                            grant_id_, "grant revoked");
                return done(fail(error::invalid_grant, "the authorization code was already used"));
            }
            if(op_.consumed_status() != consume_status::consumed)
                return done(fail(error::invalid_grant, "the authorization code is invalid"));
            if(presented_.kind == token_strategy::presented_code::form::opaque)
                rec_ = std::move(op_.consumed->record);
            else
                rec_ = std::move(presented_.record);
            if(auto f = check())
                return done(std::move(*f));
            // Issue the tokens (RFC 6749 5.1).
            begin_access_token(rec_.client_id, rec_.subject, rec_.scope, rec_.grant_id);
            BOOST_ASIO_CORO_YIELD return save_access_token();
            // A replay seen between our consume and this save revoked the grant: the store
            // refuses the token, so it never validates. The response stays a success, exactly
            // as when the replay comes after the save (then the token is revoked afterwards):
            // one consume, one 200, and no working token once the code was replayed.
            if(!op_.saved)
                core_.log("code_replay", "token refused: its grant was revoked by a concurrent replay");
            if(core_.options().issue_refresh_tokens && r_.authenticated_client.allows_grant("refresh_token"))
            {
                {
                    auto refresh = core_.codec().issue(detail::refresh_token_prefix);
                    refresh_token_ = std::move(refresh.token);
                    rt_ = at_;
                    rt_.signature = std::move(refresh.signature);
                    rt_.kind = token_kind::refresh;
                    rt_.expires_at = r_.issuer.refresh_expiry(r_.authenticated_client, at_.issued_at);
                    // RFC 9449 5: a public client's refresh token is bound to the key too.
                    if(!r_.authenticated_client.is_public())
                        rt_.jkt.clear();
                    op_.reset();
                    op_.what = store_op::kind::save_token;
                    op_.token = &rt_;
                }
                BOOST_ASIO_CORO_YIELD return &op_;
            }
            return succeed(rec_.scope, rec_.scope_changed, std::move(refresh_token_));
        }
        return nullptr;
    }

private:
    std::optional<oauth_failure> check() const
    {
        bool const seam = core_.options().profile == profile::seam;
        if(now() >= rec_.expires_at)
            return fail(error::invalid_grant, "the authorization code expired");
        if(rec_.client_id != r_.authenticated_client.client_id)
            return fail(error::invalid_grant, "the authorization code was issued to another client");
        // RFC 6749 4.1.3: redirect_uri must repeat the authorization request's, if it had one.
        auto redirect_uri = r_.params.get("redirect_uri");
        if(redirect_uri ? *redirect_uri != rec_.redirect_uri : (rec_.redirect_uri_sent && !seam))
            return fail(error::invalid_grant, redirect_uri ? "redirect_uri does not match the authorization request"
                                                           : "redirect_uri is required");
        // PKCE (RFC 7636 4.6); a verifier without a challenge is a downgrade attempt (RFC 9700 2.1.1).
        auto verifier = r_.params.get("code_verifier");
        if(!rec_.code_challenge.empty())
        {
            if(!verifier)
                return fail(error::invalid_grant, "code_verifier is required");
            if(!verify_pkce(*verifier, rec_.code_challenge, rec_.code_challenge_method))
                return fail(error::invalid_grant, "code_verifier does not match the code_challenge");
        }
        else if(verifier)
            return fail(error::invalid_grant, "code_verifier sent for a code issued without code_challenge");
        return std::nullopt;
    }

    token_strategy::presented_code presented_;
    code_record rec_;
    std::string grant_id_;
    token_record rt_;
    std::string refresh_token_;
};

} // namespace detail

BEAST_OAUTH_DECL std::unique_ptr<grant_algorithm> authorization_code_grant::start(grant_request const& r) const
{
    return std::make_unique<detail::authorization_code_algorithm>(r);
}

} // namespace beast_oauth

#endif
