#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_INTROSPECTION_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_INTROSPECTION_IPP

// Token introspection, RFC 7662.

#include <beast_oauth/endpoints/introspection.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/endpoints/guard.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL introspection_handler::algorithm::algorithm(introspection_handler const& h, http_request const& req,
                                                             request_context const& ctx)
    : token_lookup_request(h, req, ctx, true)
{
}

BEAST_OAUTH_DECL store_op* introspection_handler::algorithm::on_record()
{
    auto const& record = op_.found;
    auto const& client = caller();
    auto const t = core_.now();
    bool active = record && t < record->expires_at &&
                  (record->kind == token_kind::access || record->rotated_at == time_point{} ||
                   t - record->rotated_at <= core_.options().refresh_grace) &&
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
        if(!core_.options().issuer.empty())
            o["iss"] = core_.options().issuer;
    }
    res_ = detail::json_response(req_, 200, boost::json::serialize(o));
    return nullptr;
}

BEAST_OAUTH_DECL http_response introspection_handler::handle(http_request const& req, request_context const& ctx) const
{
    return detail::run_endpoint<algorithm>(*core_, *this, req, ctx);
}

} // namespace beast_oauth

#endif
