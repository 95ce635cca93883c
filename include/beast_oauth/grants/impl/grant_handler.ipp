#ifndef BEAST_OAUTH_GRANTS_IMPL_GRANT_HANDLER_IPP
#define BEAST_OAUTH_GRANTS_IMPL_GRANT_HANDLER_IPP

#include <beast_oauth/grants/grant_handler.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <boost/asio/coroutine.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL token_issuer::token_issuer(std::shared_ptr<server_core const> core,
                                            std::shared_ptr<token_strategy const> strategy)
    : core_(std::move(core))
    , strategy_(std::move(strategy))
{
}

namespace detail {
// The fields an access-token record gets from its grant, written into `at` (a grant's own
// record is filled in place rather than move-assigned from a temporary: nine strings).
inline void fill_access_record(token_record& at, server_options const& o, std::string_view client_id,
                               std::string_view subject, std::string_view scope, std::string_view grant_id,
                               time_point issued_at)
{
    at.kind = token_kind::access;
    at.grant_id.assign(grant_id.data(), grant_id.size());
    at.client_id.assign(client_id.data(), client_id.size());
    at.subject.assign(subject.data(), subject.size());
    at.scope.assign(scope.data(), scope.size());
    at.issued_at = issued_at;
    at.expires_at = issued_at + o.access_token_ttl;
}
} // namespace detail

BEAST_OAUTH_DECL token_record token_issuer::access_record(std::string_view client_id, std::string_view subject,
                                                          std::string_view scope, std::string_view grant_id) const
{
    token_record at;
    detail::fill_access_record(at, core_->options(), client_id, subject, scope, grant_id, core_->now());
    return at;
}

BEAST_OAUTH_DECL time_point token_issuer::refresh_expiry(client const& c, time_point t) const
{
    auto const& o = core_->options();
    auto ttl = c.is_public() && o.public_refresh_token_ttl.count() > 0 ? o.public_refresh_token_ttl
                                                                       : o.refresh_token_ttl;
    return ttl.count() > 0 ? t + ttl : time_point::max();
}

BEAST_OAUTH_DECL bool token_issuer::limit_access_tokens(token_record const& issued, store_op& op) const
{
    auto const& o = core_->options();
    op.reset();
    op.key = issued.grant_id;
    if(o.revoke_access_tokens_on_refresh)
    {
        op.what = store_op::kind::revoke_access_tokens;
        op.key2 = issued.signature;
        return true;
    }
    if(o.max_access_tokens_per_grant == 0)
        return false;
    op.what = store_op::kind::trim_access_tokens;
    op.keep = o.max_access_tokens_per_grant;
    return true;
}

BEAST_OAUTH_DECL void grant_algorithm_base::begin_access_token(std::string_view client_id, std::string_view subject,
                                                              std::string_view scope, std::string_view grant_id)
{
    detail::fill_access_record(at_, core_.options(), client_id, subject, scope, grant_id, now());
    at_.jkt.assign(r_.dpop_jkt.data(), r_.dpop_jkt.size());
}

BEAST_OAUTH_DECL store_op* grant_algorithm_base::save_access_token()
{
    out_.access_token = r_.issuer.strategy().make_access_token(at_, {});
    op_.reset();
    op_.what = store_op::kind::save_token;
    op_.token = &at_;
    return &op_;
}

BEAST_OAUTH_DECL store_op* grant_algorithm_base::succeed(std::string_view scope, bool scope_changed,
                                                         std::string refresh_token)
{
    out_.refresh_token = std::move(refresh_token);
    out_.expires_in = core_.options().access_token_ttl.count();
    out_.scope = std::string(scope);
    out_.scope_changed = scope_changed;
    out_.dpop_bound = !at_.jkt.empty();
    // at_ is saved and done with: its strings move into the response.
    out_.subject = std::move(at_.subject);
    out_.grant_id = std::move(at_.grant_id);
    result_.emplace(std::move(out_));
    return nullptr;
}

namespace detail {

// simple_grant's algorithm: decide, issue one access token, save it.
class simple_grant_algorithm : public grant_algorithm_base
{
public:
    simple_grant_algorithm(simple_grant const& g, grant_request const& r)
        : grant_algorithm_base(r)
        , grant_(g)
    {
    }

    store_op* step() override
    {
        BOOST_ASIO_CORO_REENTER(this)
        {
            {
                auto d = grant_.decide(r_);
                if(!d)
                    return done(std::move(d).error());
                decision_ = std::move(*d);
                begin_access_token(r_.authenticated_client.client_id, decision_.subject, decision_.scope,
                                   random_base64url(16));
            }
            BOOST_ASIO_CORO_YIELD return save_access_token();
            if(!op_.saved)
                return done(fail(error::invalid_grant, "the authorization grant was revoked"));
            return succeed(decision_.scope, decision_.scope_changed);
        }
        return nullptr;
    }

private:
    simple_grant const& grant_;
    grant_decision decision_;
};

} // namespace detail

BEAST_OAUTH_DECL std::unique_ptr<grant_algorithm> simple_grant::start(grant_request const& r) const
{
    return std::make_unique<detail::simple_grant_algorithm>(*this, r);
}

} // namespace beast_oauth

#endif
