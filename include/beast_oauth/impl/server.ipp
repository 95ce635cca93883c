#ifndef BEAST_OAUTH_IMPL_SERVER_IPP
#define BEAST_OAUTH_IMPL_SERVER_IPP

#include <beast_oauth/server.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/endpoints/authorize_page.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL authorization_server::authorization_server(server_options options, store_set sync, async_store_set async)
    : core_(std::make_shared<server_core const>(std::move(options), sync, async))
    , strategy_(std::make_shared<token_strategy const>(core_))
    , issuer_(std::make_shared<token_issuer const>(core_, strategy_))
    , authorize_(core_, strategy_)
    , token_(core_, issuer_)
    , revocation_(core_, strategy_)
    , introspection_(core_, strategy_)
    , par_(core_, authorize_)
    , metadata_(core_, token_)
    , bearer_(core_, strategy_)
{
}

BEAST_OAUTH_DECL authorization_server::authorization_server(server_options options, client_store& clients,
                                                            code_store& codes, token_store& tokens,
                                                            user_authenticator const& users)
    : authorization_server(std::move(options), store_set{&clients, &codes, &tokens, &users}, async_store_set{})
{
}

BEAST_OAUTH_DECL authorization_server::authorization_server(server_options options, async_store_set stores)
    : authorization_server(std::move(options), store_set{}, stores)
{
}

BEAST_OAUTH_DECL oauth_result<authorization_request> authorization_server::validate_authorization_request(
    param_list const& params) const
{
    auto id = authorize_.requested_client_id(params);
    std::shared_ptr<client const> client;
    if(!id.empty())
    {
        store_op op;
        op.key = id;
        perform(op, core_->stores());
        client = std::move(op.client);
    }
    return authorize_.check_request(params, std::move(client));
}

BEAST_OAUTH_DECL std::string authorization_server::issue_code_redirect(authorization_request const& request,
                                                                       user_identity const& owner) const
{
    if(!request.par_id.empty())
    {
        // RFC 9126 2.2: one code per request_uri (see authorize_algorithm.ipp).
        auto const key = "par:" + request.par_id;
        store_op op;
        op.what = store_op::kind::claim_code;
        op.key = key;
        op.key2 = key;
        op.expires_at = request.par_expires_at;
        perform(op, core_->stores());
        if(op.consumed_status() != consume_status::consumed)
            throw std::invalid_argument("beast_oauth: the request_uri was already used (RFC 9126 2.2)");
    }
    code_record rec;
    bool save = false;
    auto location = authorize_.make_code_redirect(request, owner, rec, save);
    if(save)
    {
        store_op op;
        op.what = store_op::kind::save_code;
        op.code = &rec;
        perform(op, core_->stores());
    }
    core_->audit(audit_event_type::code_issued, {}, rec.client_id, rec.subject, {}, rec.grant_id);
    return location;
}

BEAST_OAUTH_DECL std::optional<user_identity> authorization_server::signed_in_owner(http_request const& req) const
{
    authorize_page page(*core_);
    return page.read_session(detail::find_cookie(req[boost::beast::http::field::cookie], page.cookie_name("boa_session")));
}

BEAST_OAUTH_DECL http_response authorization_server::oauth_error(http_request const& req, error e,
                                                                 std::string description) const
{
    return render_json_error(req, fail(e, std::move(description)), core_->options().issuer);
}

} // namespace beast_oauth

#endif
