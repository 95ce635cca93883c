#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_REVOCATION_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_REVOCATION_IPP

// Token revocation, RFC 7009.

#include <beast_oauth/endpoints/revocation.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/endpoints/guard.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL revocation_handler::algorithm::algorithm(revocation_handler const& h, http_request const& req,
                                                          request_context const& ctx)
    : token_lookup_request(h, req, ctx, false)
{
}

BEAST_OAUTH_DECL store_op* revocation_handler::algorithm::on_record()
{
    auto const& core = core_;
    BOOST_ASIO_CORO_REENTER(this)
    {
        record_ = std::move(op_.found);
        if(record_)
        {
            // RFC 7009 2.1: only the client the token was issued to may revoke it.
            if(record_->client_id != caller().client_id)
                return answer_error(fail(error::unauthorized_client, "the token was issued to another client"));
            op_.reset();
            op_.what = record_->kind == token_kind::refresh ? store_op::kind::revoke_grant // 2.1: and its access tokens
                                                            : store_op::kind::revoke_token;
            op_.key = record_->kind == token_kind::refresh ? std::string_view(record_->grant_id)
                                                           : std::string_view(record_->signature);
            BOOST_ASIO_CORO_YIELD return &op_;
            core.audit(audit_event_type::token_revoked, ctx_, caller().client_id, record_->subject, {},
                       record_->grant_id,
                       record_->kind == token_kind::refresh ? "refresh token and its grant" : "access token");
        }
        // RFC 7009 2.2: unknown or already invalid tokens also answer 200.
        res_ = detail::json_response(req_, 200, {});
    }
    return nullptr;
}

BEAST_OAUTH_DECL http_response revocation_handler::handle(http_request const& req, request_context const& ctx) const
{
    return detail::run_endpoint<algorithm>(*core_, *this, req, ctx);
}

} // namespace beast_oauth

#endif
