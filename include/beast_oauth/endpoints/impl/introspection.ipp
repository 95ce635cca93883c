#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_INTROSPECTION_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_INTROSPECTION_IPP

// Token introspection, RFC 7662.

#include <beast_oauth/endpoints/introspection.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/endpoints/guard.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL introspection_handler::introspection_handler(std::shared_ptr<server_core const> core,
                                                              std::shared_ptr<token_strategy const> tokens)
    : handler_base(std::move(core), std::move(tokens))
{
}

BEAST_OAUTH_DECL introspection_handler::algorithm::algorithm(introspection_handler const& h, http_request const& req,
                                                             request_context const& ctx)
    : authenticated_request(*h.core_, req, ctx, false)
    , h_(h)
{
}

BEAST_OAUTH_DECL store_op* introspection_handler::algorithm::step()
{
    auto const& core = core_;
    BOOST_ASIO_CORO_REENTER(this)
    {
        while((next_ = auth_.step()) != nullptr)
            BOOST_ASIO_CORO_YIELD return next_;
        if(!auth_.result())
            return answer_error(auth_.result().error());
        // RFC 7662 2.1: the endpoint is for authenticated callers; a public client cannot be.
        if(auth_.result()->client->is_public())
            return answer_error(fail(error::invalid_client, "introspection needs a confidential client"));
        {
            auto token = auth_.result()->params.get("token");
            if(!token)
                return answer_error(fail(error::invalid_request, "token is required"));
            key_ = h_.tokens_->lookup_key(*token);
        }
        if(key_)
        {
            op_.what = store_op::kind::find_token;
            op_.key = *key_;
            BOOST_ASIO_CORO_YIELD return &op_;
        }
        {
            auto const& record = op_.found;
            auto const& client = *auth_.result()->client;
            auto const t = core.now();
            bool active = record && t < record->expires_at &&
                          (record->kind == token_kind::access || record->rotated_at == time_point{} ||
                           t - record->rotated_at <= core.options().refresh_grace) &&
                          (client.may_introspect_any || record->client_id == client.client_id);
            boost::json::object o;
            o["active"] = active;
            if(active)
            {
                o["scope"] = record->scope;
                o["client_id"] = record->client_id;
                o["sub"] = record->subject;
                o["token_type"] = record->kind == token_kind::access ? (record->jkt.empty() ? "Bearer" : "DPoP")
                                                                      : "refresh_token";
                if(!record->jkt.empty())
                    o["cnf"] = boost::json::object{{"jkt", record->jkt}}; // RFC 9449 6.2
                o["iat"] = detail::unix_seconds(record->issued_at);
                if(record->expires_at != time_point::max())
                    o["exp"] = detail::unix_seconds(record->expires_at);
                if(!core.options().issuer.empty())
                    o["iss"] = core.options().issuer;
            }
            res_ = detail::json_response(req_, 200, boost::json::serialize(o));
        }
    }
    return nullptr;
}

BEAST_OAUTH_DECL http_response introspection_handler::handle(http_request const& req, request_context const& ctx) const
{
    return detail::run_endpoint<algorithm>(*core_, *this, req, ctx);
}

} // namespace beast_oauth

#endif
