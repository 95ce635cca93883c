#ifndef BEAST_OAUTH_IMPL_TOKEN_ENDPOINT_IPP
#define BEAST_OAUTH_IMPL_TOKEN_ENDPOINT_IPP

// The token endpoint: client authentication (RFC 6749 2.3.1), the authorization
// code grant (4.1.3 - 4.1.4), PKCE (RFC 7636 4.5 - 4.6), responses (5.1, 5.2).

#include <beast_oauth/server.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/pkce.hpp>
#include <beast_oauth/secret_hash.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/pct_string_view.hpp>

namespace beast_oauth {

namespace detail {

struct token_error
{
    error code{};
    std::string description;
};

inline http_response json_response(http_request const& req, unsigned status, std::string body)
{
    namespace http = boost::beast::http;
    http_response res{static_cast<http::status>(status), req.version()};
    set_common_headers(res, req); // RFC 6749 5.1: Cache-Control: no-store, Pragma: no-cache
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

inline http_response token_error_response(http_request const& req, token_error const& e,
                                          std::string_view realm)
{
    boost::json::object o;
    o["error"] = wire_name(e.code);
    if(!e.description.empty())
        o["error_description"] = e.description;
    auto res = json_response(req, http_status(e.code), boost::json::serialize(o));
    // RFC 6749 5.2 requires the challenge when Basic was tried; RFC 9110 15.5.2 for any 401.
    if(e.code == error::invalid_client)
        res.set(boost::beast::http::field::www_authenticate,
                "Basic realm=\"" + std::string(realm) + "\", charset=\"UTF-8\"");
    return res;
}

// RFC 6749 2.3.1: client_id and client_secret in Basic are form-urlencoded first.
inline bool form_decode(std::string_view in, std::string& out)
{
    auto rv = boost::urls::make_pct_string_view(boost::urls::string_view(in.data(), in.size()));
    if(!rv)
        return false;
    out = rv->decode(boost::urls::encoding_opts(true));
    return out.find('\0') == std::string::npos;
}

} // namespace detail

BEAST_OAUTH_DECL http_response authorization_server::handle_token(http_request const& req) const
{
    namespace http = boost::beast::http;
    std::string_view const realm = options_.issuer.empty() ? std::string_view("oauth") : std::string_view(options_.issuer);
    auto fail = [&](error e, std::string description) {
        return detail::token_error_response(req, detail::token_error{e, std::move(description)}, realm);
    };
    try
    {
        if(req.method() != http::verb::post)
        {
            auto res = fail(error::invalid_request, "the token endpoint accepts only POST");
            res.result(http::status::method_not_allowed);
            res.set(http::field::allow, "POST");
            return res;
        }
        if(req.body().size() > options_.max_body_size)
            return fail(error::invalid_request, "request body too large");

        // Parameters: a form body (RFC 6749 4.1.3); the Seam profile also takes JSON.
        bool const seam = options_.profile == profile::seam;
        auto type = detail::media_type(req[http::field::content_type]);
        param_list params;
        param_error perr;
        if(detail::iequals(type, "application/x-www-form-urlencoded"))
        {
            if(parse_form(req.body(), params, perr, options_.limits))
                return fail(error::invalid_request, perr.description);
        }
        else if(seam && detail::iequals(type, "application/json"))
        {
            if(parse_json_params(req.body(), params, perr, options_.limits))
                return fail(error::invalid_request, perr.description);
        }
        else
            return fail(error::invalid_request,
                        seam ? "Content-Type must be application/x-www-form-urlencoded or application/json"
                             : "Content-Type must be application/x-www-form-urlencoded");

        // Client authentication (RFC 6749 2.3.1): Basic or body, never both.
        std::string client_id, client_secret;
        bool has_secret = false;
        auto authorization = req[http::field::authorization];
        if(!authorization.empty())
        {
            std::string_view scheme, credentials;
            if(!detail::split_authorization(authorization, scheme, credentials) ||
               !detail::iequals(scheme, "Basic"))
                return fail(error::invalid_client, "unsupported client authentication scheme");
            std::string decoded;
            if(!detail::base64_decode(credentials, decoded))
                return fail(error::invalid_client, "malformed Basic credentials");
            auto colon = decoded.find(':');
            if(colon == std::string::npos ||
               !detail::form_decode(std::string_view(decoded).substr(0, colon), client_id) ||
               !detail::form_decode(std::string_view(decoded).substr(colon + 1), client_secret))
                return fail(error::invalid_client, "malformed Basic credentials");
            has_secret = !client_secret.empty();
            if(params.contains("client_secret"))
                return fail(error::invalid_request, "client authenticated by more than one method");
            if(auto body_id = params.get("client_id"); body_id && *body_id != client_id)
                return fail(error::invalid_request, "client_id does not match the authenticated client");
        }
        else
        {
            client_id = std::string(params.get_or_empty("client_id"));
            if(auto s = params.get("client_secret"))
            {
                client_secret = std::string(*s);
                has_secret = true;
            }
        }
        if(client_id.empty())
            return fail(error::invalid_client, "client authentication failed");
        auto client = clients_.find_client(client_id);
        bool authenticated = false;
        if(client)
        {
            if(client->is_public())
                authenticated = !has_secret; // a public client has no secret to present
            else
                authenticated = has_secret && verify_secret(client_secret, client->secret_hash);
        }
        if(!authenticated)
        {
            log("client_authentication_failed", client_id.size() <= 128 ? client_id : std::string("(long)"));
            return fail(error::invalid_client, "client authentication failed");
        }

        // Grant type (RFC 6749 4.1.3); the Seam profile infers authorization_code.
        auto grant_type = params.get("grant_type");
        if(!grant_type)
        {
            if(seam && params.contains("code"))
                grant_type = std::string_view("authorization_code");
            else
                return fail(error::invalid_request, "grant_type is required");
        }
        if(*grant_type != "authorization_code")
            return fail(error::unsupported_grant_type, "grant_type '" +
                        std::string(grant_type->substr(0, 64)) + "' is not supported");
        if(!client->allows_grant(*grant_type))
            return fail(error::unauthorized_client, "this client may not use this grant type");

        // The code: genuine, single use, unexpired, bound to this client and redirect_uri.
        auto code = params.get("code");
        if(!code)
            return fail(error::invalid_request, "code is required");
        auto signature = codec_.verify(*code, detail::code_prefix);
        if(!signature)
            return fail(error::invalid_grant, "the authorization code is invalid");
        auto consumed = codes_.consume_code(*signature);
        if(consumed.status == consume_status::already_used)
        {
            // RFC 6749 4.1.2 / RFC 9700 4.5: a replayed code revokes what it issued.
            tokens_.revoke_grant(consumed.record.grant_id);
            log("code_replay", "authorization code reused; grant revoked");
            return fail(error::invalid_grant, "the authorization code was already used");
        }
        if(consumed.status != consume_status::consumed)
            return fail(error::invalid_grant, "the authorization code is invalid");
        auto const& rec = consumed.record;
        auto const t = now();
        if(t >= rec.expires_at)
            return fail(error::invalid_grant, "the authorization code expired");
        if(rec.client_id != client->client_id)
            return fail(error::invalid_grant, "the authorization code was issued to another client");

        // RFC 6749 4.1.3: redirect_uri must repeat the authorization request's, if it had one.
        auto redirect_uri = params.get("redirect_uri");
        if(redirect_uri ? *redirect_uri != rec.redirect_uri : (rec.redirect_uri_sent && !seam))
            return fail(error::invalid_grant, redirect_uri ? "redirect_uri does not match the authorization request"
                                                           : "redirect_uri is required");

        // PKCE (RFC 7636 4.6); a verifier without a challenge is a downgrade attempt (RFC 9700 2.1.1).
        auto verifier = params.get("code_verifier");
        if(!rec.code_challenge.empty())
        {
            if(!verifier)
                return fail(error::invalid_grant, "code_verifier is required");
            if(!verify_pkce(*verifier, rec.code_challenge, rec.code_challenge_method))
                return fail(error::invalid_grant, "code_verifier does not match the code_challenge");
        }
        else if(verifier)
            return fail(error::invalid_grant, "code_verifier sent for a code issued without code_challenge");

        // Issue the access token (RFC 6749 5.1).
        auto access = codec_.issue(detail::access_token_prefix);
        token_record tr;
        tr.signature = access.signature;
        tr.kind = token_kind::access;
        tr.grant_id = rec.grant_id;
        tr.client_id = rec.client_id;
        tr.subject = rec.subject;
        tr.scope = rec.scope;
        tr.issued_at = t;
        tr.expires_at = t + options_.access_token_ttl;
        // A replay seen between our consume and this save revoked the grant: the store
        // refuses the token, so it never validates. The response stays a success, exactly
        // as when the replay comes after the save (then the token is revoked afterwards):
        // one consume, one 200, and no working token once the code was replayed.
        if(!tokens_.save_token(tr))
            log("code_replay", "token refused: its grant was revoked by a concurrent replay");

        boost::json::object o;
        o["access_token"] = access.token;
        o["token_type"] = "Bearer";
        o["expires_in"] = options_.access_token_ttl.count();
        if(rec.scope_changed && !rec.scope.empty())
            o["scope"] = rec.scope;
        if(!options_.user_id_field.empty())
            o[options_.user_id_field] = rec.subject;
        if(options_.extra_token_fields)
            options_.extra_token_fields(
                token_response_context{*client, rec.subject, rec.scope, *grant_type}, o);
        return detail::json_response(req, 200, boost::json::serialize(o));
    }
    catch(std::exception const& e)
    {
        log("store_exception", e.what());
        return make_server_error(req);
    }
}

} // namespace beast_oauth

#endif
