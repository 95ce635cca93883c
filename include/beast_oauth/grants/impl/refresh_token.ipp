#ifndef BEAST_OAUTH_GRANTS_IMPL_REFRESH_TOKEN_IPP
#define BEAST_OAUTH_GRANTS_IMPL_REFRESH_TOKEN_IPP

// RFC 6749 6; RFC 9700 4.14.2 (rotation, reuse detection, public clients).

#include <beast_oauth/grants/refresh_token.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/scope.hpp>
#include <boost/asio/coroutine.hpp>

namespace beast_oauth {

namespace detail {

class refresh_token_algorithm : public grant_algorithm_base
{
public:
    explicit refresh_token_algorithm(grant_request const& r)
        : grant_algorithm_base(r)
    {
    }

    store_op* step() override
    {
        BOOST_ASIO_CORO_REENTER(this)
        {
            {
                // RFC 6749 6: the refresh token must be genuine, current, and issued to this client.
                auto presented = r_.params.get("refresh_token");
                if(!presented)
                    return done(fail(error::invalid_request, "refresh_token is required"));
                presented_ = *presented;
                auto signature = core_.codec().verify(presented_, detail::refresh_token_prefix);
                if(!signature)
                    return done(fail(error::invalid_grant, "the refresh token is invalid"));
                signature_ = *signature;
                op_.what = store_op::kind::find_token;
                op_.key = signature_;
            }
            BOOST_ASIO_CORO_YIELD return &op_;
            old_ = std::move(op_.found);
            if(auto f = check())
                return done(std::move(*f));
            begin_access_token(old_->client_id, old_->subject, scope_, old_->grant_id);
            if(!rotates())
            {
                // Seam's guide: a new access token, the same refresh token.
                BOOST_ASIO_CORO_YIELD return save_access_token();
                if(!op_.saved)
                    return done(fail(error::invalid_grant, "the authorization grant was revoked"));
                if(r_.issuer.limit_access_tokens(at_, op_))
                {
                    BOOST_ASIO_CORO_YIELD return &op_;
                }
                return succeed(at_.scope, scope_changed_, std::string(presented_));
            }
            {
                // Rotation. The successors are derived from the presented token, so every request
                // inside the grace period computes the very same pair without storing any token.
                out_.access_token = r_.issuer.strategy().make_access_token(at_, core_.derive_token(presented_, "access"));
                auto refresh = core_.codec().issue_derived(detail::refresh_token_prefix,
                                                           core_.derive_token(presented_, "refresh"));
                new_refresh_ = std::move(refresh.token);
                rt_ = at_;
                rt_.kind = token_kind::refresh;
                rt_.scope = old_->scope; // RFC 6749 6: the new refresh token keeps the original scope
                rt_.jkt = old_->jkt;     // RFC 9449 5: and its key binding
                rt_.signature = std::move(refresh.signature);
                rt_.expires_at = r_.issuer.refresh_expiry(r_.authenticated_client, at_.issued_at);
                rotation_.old_signature = signature_;
                rotation_.now = at_.issued_at;
                rotation_.grace = core_.options().refresh_grace;
                rotation_.new_access = &at_;
                rotation_.new_refresh = &rt_;
                op_.reset();
                op_.what = store_op::kind::rotate_refresh_token;
                op_.rotation = &rotation_;
            }
            BOOST_ASIO_CORO_YIELD return &op_;
            if(op_.rotated == rotate_status::rotated)
            {
                if(r_.issuer.limit_access_tokens(at_, op_))
                {
                    BOOST_ASIO_CORO_YIELD return &op_;
                }
                return succeed(at_.scope, scope_changed_, std::move(new_refresh_));
            }
            if(op_.rotated == rotate_status::in_grace)
            {
                // The same pair as the first rotation, with the first one's scope and times,
                // whatever scope this request asks for: token, introspection and response agree.
                op_.reset();
                op_.what = store_op::kind::find_token;
                op_.key = at_.signature;
                BOOST_ASIO_CORO_YIELD return &op_;
                return in_grace();
            }
            if(op_.rotated == rotate_status::reused)
            {
                // RFC 9700 4.14.2: a rotated refresh token used again means it leaked.
                op_.reset();
                op_.what = store_op::kind::revoke_grant;
                op_.key = old_->grant_id;
                BOOST_ASIO_CORO_YIELD return &op_;
                core_.log("refresh_reuse", "rotated refresh token reused after its grace period; grant revoked");
                core_.audit(audit_event_type::refresh_reuse_detected, r_.ctx, r_.authenticated_client.client_id,
                            old_->subject, {}, old_->grant_id, "grant revoked");
                return done(fail(error::invalid_grant, "the refresh token was already used"));
            }
            return done(fail(error::invalid_grant, "the refresh token is invalid or revoked"));
        }
        return nullptr;
    }

private:
    bool rotates() const
    {
        auto const& c = r_.authenticated_client;
        // RFC 9700 4.14.2: a public client's refresh tokens always rotate (not sender-constrained).
        auto policy = c.is_public() ? refresh_rotation::rotate : c.rotation.value_or(core_.options().rotation);
        return !(policy == refresh_rotation::none && old_->rotated_at == time_point{});
    }

    std::optional<oauth_failure> check()
    {
        if(!old_ || old_->kind != token_kind::refresh)
            return fail(error::invalid_grant, "the refresh token is invalid or revoked");
        if(old_->client_id != r_.authenticated_client.client_id)
            return fail(error::invalid_grant, "the refresh token was issued to another client");
        if(now() >= old_->expires_at)
            return fail(error::invalid_grant, "the refresh token expired");
        // RFC 9449 5: a bound refresh token needs a proof by the same key.
        if(!old_->jkt.empty() && old_->jkt != r_.dpop_jkt)
            return fail(error::invalid_grant, r_.dpop_jkt.empty() ? "the refresh token is DPoP-bound: send a DPoP proof"
                                                                  : "the refresh token is bound to another DPoP key");
        // A refresh may narrow the scope, never widen it (RFC 6749 6).
        scope_ = old_->scope;
        if(auto requested = r_.params.get("scope"))
        {
            std::vector<std::string> tokens;
            if(requested->size() > core_.options().max_scope_size || !parse_scope(*requested, tokens))
                return fail(error::invalid_scope, "scope is malformed");
            auto normalized = join_scope(tokens);
            if(!scope_includes(old_->scope, normalized))
                return fail(error::invalid_scope, "a refresh may not widen the scope");
            scope_changed_ = normalized != *requested;
            scope_ = std::move(normalized);
        }
        return std::nullopt;
    }

    store_op* in_grace()
    {
        auto first = std::move(op_.found);
        if(!first || first->kind != token_kind::access)
            return done(fail(error::invalid_grant, "the refresh token was already used"));
        auto const asked = r_.params.get("scope") ? scope_ : old_->scope;
        at_.jkt = first->jkt; // the first rotation's binding, as its token
        if(r_.issuer.strategy().jwt_access_tokens())
        {
            at_.scope = first->scope;
            at_.issued_at = first->issued_at;
            at_.expires_at = first->expires_at;
            out_.access_token = r_.issuer.strategy().make_access_token(at_, core_.derive_token(presented_, "access"));
        }
        succeed(first->scope, scope_changed_ || first->scope != asked, std::move(new_refresh_));
        result_->expires_in = detail::seconds_until(first->expires_at, now()); // the first one's
        return nullptr;
    }

    std::string_view presented_, signature_;
    std::shared_ptr<token_record const> old_;
    std::string scope_;
    bool scope_changed_ = false;
    token_record rt_;
    std::string new_refresh_;
    refresh_rotation_request rotation_;
};

} // namespace detail

BEAST_OAUTH_DECL std::unique_ptr<grant_algorithm> refresh_token_grant::start(grant_request const& r) const
{
    return std::make_unique<detail::refresh_token_algorithm>(r);
}

} // namespace beast_oauth

#endif
