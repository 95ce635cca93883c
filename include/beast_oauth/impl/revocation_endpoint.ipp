#ifndef BEAST_OAUTH_IMPL_REVOCATION_ENDPOINT_IPP
#define BEAST_OAUTH_IMPL_REVOCATION_ENDPOINT_IPP

// Token revocation (RFC 7009), token introspection (RFC 7662) and authorization
// server metadata (RFC 8414).

#include <beast_oauth/server.hpp>
#include <boost/json/serialize.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL std::shared_ptr<token_record const> authorization_server::find_presented_token(
    std::string_view token) const
{
    if(detail::looks_like_jwt(token))
    {
        auto claims = options_.signing_keys ? jws_verify(token, *options_.signing_keys, detail::access_jwt_typ)
                                            : jws_result{"no keys", {}};
        if(!claims.ok())
            return nullptr;
        return tokens_.find_token(detail::claim_string(claims.claims, "jti"));
    }
    for(auto prefix : {detail::access_token_prefix, detail::refresh_token_prefix})
        if(auto sig = codec_.verify(token, prefix))
            return tokens_.find_token(*sig);
    return nullptr;
}

BEAST_OAUTH_DECL http_response authorization_server::handle_revocation(http_request const& req,
                                                                       request_context const& ctx) const
{
    try
    {
        param_list params;
        std::shared_ptr<client const> client;
        if(auto failed = read_client_request(req, false, params, client, ctx))
            return std::move(*failed);
        auto token = params.get("token");
        if(!token)
            return oauth_error(req, error::invalid_request, "token is required");
        // token_type_hint is only a hint (RFC 7009 2.1): the prefix tells the kind anyway.
        auto record = find_presented_token(*token);
        if(record)
        {
            // RFC 7009 2.1: only the client the token was issued to may revoke it.
            if(record->client_id != client->client_id)
                return oauth_error(req, error::unauthorized_client, "the token was issued to another client");
            if(record->kind == token_kind::refresh)
                tokens_.revoke_grant(record->grant_id); // RFC 7009 2.1: and its access tokens
            else
                tokens_.revoke_token(record->signature);
            audit(audit_event_type::token_revoked, ctx, client->client_id, record->subject, {}, record->grant_id,
                  record->kind == token_kind::refresh ? "refresh token and its grant" : "access token");
        }
        // RFC 7009 2.2: unknown or already invalid tokens also answer 200.
        return detail::json_response(req, 200, {});
    }
    catch(store_unavailable const& e)
    {
        log("store_unavailable", e.what());
        return make_server_error(req, error::temporarily_unavailable, e.retry_after());
    }
    catch(std::exception const& e)
    {
        log("store_exception", e.what());
        return make_server_error(req);
    }
}

BEAST_OAUTH_DECL http_response authorization_server::handle_introspection(http_request const& req,
                                                                          request_context const& ctx) const
{
    try
    {
        param_list params;
        std::shared_ptr<client const> client;
        if(auto failed = read_client_request(req, false, params, client, ctx))
            return std::move(*failed);
        // RFC 7662 2.1: the endpoint is for authenticated callers; a public client cannot be.
        if(client->is_public())
            return oauth_error(req, error::invalid_client, "introspection needs a confidential client");
        auto token = params.get("token");
        if(!token)
            return oauth_error(req, error::invalid_request, "token is required");
        auto record = find_presented_token(*token);
        auto const t = now();
        bool active = record && t < record->expires_at &&
                      (record->kind == token_kind::access || record->rotated_at == time_point{} ||
                       t - record->rotated_at <= options_.refresh_grace) &&
                      (client->may_introspect_any || record->client_id == client->client_id);
        boost::json::object o;
        o["active"] = active;
        if(active)
        {
            o["scope"] = record->scope;
            o["client_id"] = record->client_id;
            o["sub"] = record->subject;
            o["token_type"] = record->kind == token_kind::access ? "Bearer" : "refresh_token";
            o["iat"] = detail::unix_seconds(record->issued_at);
            if(record->expires_at != time_point::max())
                o["exp"] = detail::unix_seconds(record->expires_at);
            if(!options_.issuer.empty())
                o["iss"] = options_.issuer;
        }
        return detail::json_response(req, 200, boost::json::serialize(o));
    }
    catch(store_unavailable const& e)
    {
        log("store_unavailable", e.what());
        return make_server_error(req, error::temporarily_unavailable, e.retry_after());
    }
    catch(std::exception const& e)
    {
        log("store_exception", e.what());
        return make_server_error(req);
    }
}

BEAST_OAUTH_DECL http_response authorization_server::handle_metadata(http_request const& req) const
{
    namespace http = boost::beast::http;
    if(req.method() != http::verb::get && req.method() != http::verb::head)
    {
        auto res = oauth_error(req, error::invalid_request, "this endpoint accepts only GET");
        res.result(http::status::method_not_allowed);
        res.set(http::field::allow, "GET, HEAD");
        return res;
    }
    // RFC 8414 2: endpoints are absolute URLs under the issuer.
    auto const& iss = options_.issuer;
    boost::json::object o;
    o["issuer"] = iss;
    o["authorization_endpoint"] = iss + options_.authorize_path;
    o["token_endpoint"] = iss + options_.token_path;
    if(!options_.revocation_path.empty())
    {
        o["revocation_endpoint"] = iss + options_.revocation_path;
        o["revocation_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic", "client_secret_post", "none"};
    }
    if(!options_.introspection_path.empty())
    {
        o["introspection_endpoint"] = iss + options_.introspection_path;
        o["introspection_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic", "client_secret_post"};
    }
    o["response_types_supported"] = boost::json::array{"code"};
    o["response_modes_supported"] = boost::json::array{"query"};
    o["grant_types_supported"] = boost::json::array{"authorization_code", "refresh_token"};
    o["token_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic", "client_secret_post", "none"};
    if(options_.allow_plain_pkce)
        o["code_challenge_methods_supported"] = boost::json::array{"S256", "plain"};
    else
        o["code_challenge_methods_supported"] = boost::json::array{"S256"};
    o["authorization_response_iss_parameter_supported"] = !iss.empty(); // RFC 9207 3
    if(options_.signing_keys && !options_.jwks_path.empty())
        o["jwks_uri"] = iss + options_.jwks_path;
    auto res = detail::json_response(req, 200, boost::json::serialize(o));
    res.set(http::field::cache_control, "public, max-age=3600");
    res.erase(http::field::pragma);
    if(req.method() == http::verb::head)
        res.body().clear();
    return res;
}

} // namespace beast_oauth

#endif
