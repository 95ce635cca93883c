#ifndef BEAST_OAUTH_IMPL_TOKEN_ENDPOINT_IPP
#define BEAST_OAUTH_IMPL_TOKEN_ENDPOINT_IPP

// The token endpoint: client authentication (RFC 6749 2.3.1), the authorization
// code grant (4.1.3 - 4.1.4), the refresh grant (6; RFC 9700 4.14), PKCE
// (RFC 7636 4.5 - 4.6), responses (5.1, 5.2).

#include <beast_oauth/server.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/pkce.hpp>
#include <beast_oauth/scope.hpp>
#include <beast_oauth/secret_hash.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/pct_string_view.hpp>

namespace beast_oauth {

namespace detail {

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

// RFC 6749 2.3.1: client_id and client_secret in Basic are form-urlencoded first.
inline bool form_decode(std::string_view in, std::string& out)
{
    auto rv = boost::urls::make_pct_string_view(boost::urls::string_view(in.data(), in.size()));
    if(!rv)
        return false;
    out = rv->decode(boost::urls::encoding_opts(true));
    return out.find('\0') == std::string::npos;
}

inline long long seconds_until(time_point t, time_point now)
{
    auto s = std::chrono::duration_cast<std::chrono::seconds>(t - now).count();
    return s > 0 ? s : 0;
}

inline long long unix_seconds(time_point t)
{
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

} // namespace detail

BEAST_OAUTH_DECL http_response authorization_server::oauth_error(http_request const& req, error e,
                                                                  std::string description) const
{
    boost::json::object o;
    o["error"] = wire_name(e);
    if(!description.empty())
        o["error_description"] = std::move(description);
    auto res = detail::json_response(req, http_status(e), boost::json::serialize(o));
    // RFC 6749 5.2 requires the challenge when Basic was tried; RFC 9110 15.5.2 for any 401.
    if(e == error::invalid_client)
        res.set(boost::beast::http::field::www_authenticate,
                "Basic realm=\"" + (options_.issuer.empty() ? std::string("oauth") : options_.issuer) +
                    "\", charset=\"UTF-8\"");
    return res;
}

BEAST_OAUTH_DECL std::optional<http_response> authorization_server::read_client_request(
    http_request const& req, bool allow_json, param_list& params,
    std::shared_ptr<client const>& client_out, request_context const& ctx) const
{
    namespace http = boost::beast::http;
    if(req.method() != http::verb::post)
    {
        auto res = oauth_error(req, error::invalid_request, "this endpoint accepts only POST");
        res.result(http::status::method_not_allowed);
        res.set(http::field::allow, "POST");
        return res;
    }
    if(req.body().size() > options_.max_body_size)
        return oauth_error(req, error::invalid_request, "request body too large");

    // Parameters: a form body (RFC 6749 4.1.3); the Seam profile's token endpoint also takes JSON.
    auto type = detail::media_type(req[http::field::content_type]);
    param_error perr;
    if(detail::iequals(type, "application/x-www-form-urlencoded"))
    {
        if(parse_form(req.body(), params, perr, options_.limits))
            return oauth_error(req, error::invalid_request, perr.description);
    }
    else if(allow_json && detail::iequals(type, "application/json"))
    {
        if(parse_json_params(req.body(), params, perr, options_.limits))
            return oauth_error(req, error::invalid_request, perr.description);
    }
    else
        return oauth_error(req, error::invalid_request,
                           allow_json ? "Content-Type must be application/x-www-form-urlencoded or application/json"
                                      : "Content-Type must be application/x-www-form-urlencoded");

    // Client authentication (RFC 6749 2.3.1): Basic or body, never both (2.3).
    std::string client_id, client_secret;
    bool has_secret = false;
    auto authorization = req[http::field::authorization];
    if(!authorization.empty())
    {
        std::string_view scheme, credentials;
        if(!detail::split_authorization(authorization, scheme, credentials) ||
           !detail::iequals(scheme, "Basic"))
            return oauth_error(req, error::invalid_client, "unsupported client authentication scheme");
        std::string decoded;
        if(!detail::base64_decode(credentials, decoded))
            return oauth_error(req, error::invalid_client, "malformed Basic credentials");
        auto colon = decoded.find(':');
        if(colon == std::string::npos ||
           !detail::form_decode(std::string_view(decoded).substr(0, colon), client_id) ||
           !detail::form_decode(std::string_view(decoded).substr(colon + 1), client_secret))
            return oauth_error(req, error::invalid_client, "malformed Basic credentials");
        has_secret = !client_secret.empty();
        if(params.contains("client_secret"))
            return oauth_error(req, error::invalid_request, "client authenticated by more than one method");
        if(auto body_id = params.get("client_id"); body_id && *body_id != client_id)
            return oauth_error(req, error::invalid_request, "client_id does not match the authenticated client");
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
        return oauth_error(req, error::invalid_client, "client authentication failed");
    // Throttle failed authentications per (client_id, address) and per address; known and
    // unknown ids alike, so the answers never tell which client_ids exist. Per client_id alone
    // only slows (throttle_policy): a guesser elsewhere never locks the real client out.
    auto const attempt = throttle_ ? throttle_->attempt_for(authentication_throttle::subject_kind::client,
                                                            client_id, ctx.remote_address)
                                   : throttle_attempt{};
    if(auto wait = throttled(attempt, ctx, client_id.size() <= 128 ? std::string_view(client_id)
                                                                  : std::string_view("(long)"), {}))
    {
        auto res = oauth_error(req, error::temporarily_unavailable,
                               "too many failed client authentications; retry later");
        res.result(http::status::too_many_requests);
        res.set(http::field::retry_after, std::to_string(wait->count()));
        return res;
    }
    auto client = clients_.find_client(client_id);
    bool authenticated = false;
    if(client)
    {
        if(client->is_public())
            authenticated = !has_secret; // a public client has no secret to present
        else
            authenticated = has_secret && client_secret_matches(*client, client_secret);
    }
    if(!authenticated)
    {
        record_failure(attempt);
        audit(audit_event_type::client_authentication_failed, ctx,
              client_id.size() <= 128 ? std::string_view(client_id) : std::string_view("(long)"));
        return oauth_error(req, error::invalid_client, "client authentication failed");
    }
    if(throttle_)
        throttle_->succeeded(attempt);
    client_out = std::move(client);
    return std::nullopt;
}

BEAST_OAUTH_DECL time_point authorization_server::refresh_expiry(client const& c, time_point t) const
{
    auto ttl = c.is_public() && options_.public_refresh_token_ttl.count() > 0 ? options_.public_refresh_token_ttl
                                                                              : options_.refresh_token_ttl;
    return ttl.count() > 0 ? t + ttl : time_point::max();
}

BEAST_OAUTH_DECL void authorization_server::limit_access_tokens(token_record const& issued) const
{
    if(options_.revoke_access_tokens_on_refresh)
        tokens_.revoke_access_tokens(issued.grant_id, issued.signature);
    else if(options_.max_access_tokens_per_grant > 0)
        tokens_.trim_access_tokens(issued.grant_id, options_.max_access_tokens_per_grant);
}

BEAST_OAUTH_DECL std::string authorization_server::derive_token(std::string_view from,
                                                                std::string_view label) const
{
    auto mac = rotation_key_.mac(std::string(label) + "|" + std::string(from));
    return detail::base64url_encode(mac.data(), mac.size());
}

BEAST_OAUTH_DECL http_response authorization_server::token_success(
    http_request const& req, request_context const& ctx, client const& c, std::string_view grant_id,
    std::string_view grant_type, std::string_view subject,
    std::string_view access_token, long long expires_in, std::string_view refresh_token,
    std::string_view scope, bool scope_changed) const
{
    // RFC 6749 5.1. Written directly unless the vendor adds fields (then through a
    // json::object they can edit); string values go through Boost.JSON's escaping.
    std::string body;
    auto const& uid = options_.user_id_field;
    bool const uid_is_standard = uid == "access_token" || uid == "token_type" || uid == "expires_in" ||
                                 uid == "refresh_token" || uid == "scope"; // (then the object path decides)
    if(!options_.extra_token_fields && !uid_is_standard)
    {
        body.reserve(128 + access_token.size() + refresh_token.size() + scope.size() + subject.size());
        body += "{\"access_token\":";
        body += boost::json::serialize(boost::json::string_view(access_token.data(), access_token.size()));
        body += ",\"token_type\":\"Bearer\",\"expires_in\":";
        body += std::to_string(expires_in);
        auto member = [&body](std::string_view name, std::string_view value) {
            body += ',';
            body += boost::json::serialize(boost::json::string_view(name.data(), name.size()));
            body += ':';
            body += boost::json::serialize(boost::json::string_view(value.data(), value.size()));
        };
        if(!refresh_token.empty())
            member("refresh_token", refresh_token);
        // RFC 6749 5.1: scope only when it differs from what the client asked for.
        if(scope_changed && !scope.empty())
            member("scope", scope);
        if(!uid.empty())
            member(uid, subject);
        body += '}';
    }
    else
    {
        boost::json::object o;
        o["access_token"] = access_token;
        o["token_type"] = "Bearer";
        o["expires_in"] = expires_in;
        if(!refresh_token.empty())
            o["refresh_token"] = refresh_token;
        if(scope_changed && !scope.empty())
            o["scope"] = scope;
        if(!uid.empty())
            o[uid] = subject;
        if(options_.extra_token_fields)
            options_.extra_token_fields(token_response_context{c, subject, scope, grant_type}, o);
        body = boost::json::serialize(o);
    }
    audit(audit_event_type::token_issued, ctx, c.client_id, subject, {}, grant_id, grant_type);
    return detail::json_response(req, 200, std::move(body));
}

BEAST_OAUTH_DECL http_response authorization_server::handle_token(http_request const& req,
                                                                  request_context const& ctx) const
{
    try
    {
        param_list params;
        std::shared_ptr<client const> client;
        bool const seam = options_.profile == profile::seam;
        if(auto failed = read_client_request(req, seam, params, client, ctx))
            return std::move(*failed);

        // Grant type (RFC 6749 4.1.3, 6); the Seam profile infers authorization_code.
        auto grant_type = params.get("grant_type");
        if(!grant_type)
        {
            if(seam && params.contains("code"))
                grant_type = std::string_view("authorization_code");
            else
                return oauth_error(req, error::invalid_request, "grant_type is required");
        }
        if(*grant_type != "authorization_code" && *grant_type != "refresh_token")
            return oauth_error(req, error::unsupported_grant_type,
                               "grant_type '" + std::string(grant_type->substr(0, 64)) + "' is not supported");
        if(!client->allows_grant(*grant_type))
            return oauth_error(req, error::unauthorized_client, "this client may not use this grant type");
        if(*grant_type == "refresh_token")
            return grant_refresh_token(req, ctx, params, *client);
        return grant_authorization_code(req, ctx, params, *client);
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

BEAST_OAUTH_DECL http_response authorization_server::grant_authorization_code(http_request const& req,
                                                                              request_context const& ctx,
                                                                              param_list const& params,
                                                                              client const& c) const
{
    bool const seam = options_.profile == profile::seam;
    // The code: genuine, single use, unexpired, bound to this client and redirect_uri.
    auto code = params.get("code");
    if(!code)
        return oauth_error(req, error::invalid_request, "code is required");
    // Bound to the client before anything is consumed (RFC 6749 4.1.3): another client's
    // attempt leaves the code intact for its rightful client.
    auto consumed = redeem_code(*code, c.client_id);
    if(consumed.status == consume_status::already_used)
    {
        // RFC 6749 4.1.2 / RFC 9700 4.5: a replayed code revokes what it issued.
        tokens_.revoke_grant(consumed.record.grant_id);
        log("code_replay", "authorization code reused; grant revoked");
        audit(audit_event_type::code_replay_detected, ctx, c.client_id, {}, {}, consumed.record.grant_id,
              "grant revoked");
        return oauth_error(req, error::invalid_grant, "the authorization code was already used");
    }
    if(consumed.status != consume_status::consumed)
        return oauth_error(req, error::invalid_grant, "the authorization code is invalid");
    auto const& rec = consumed.record;
    auto const t = now();
    if(t >= rec.expires_at)
        return oauth_error(req, error::invalid_grant, "the authorization code expired");
    if(rec.client_id != c.client_id)
        return oauth_error(req, error::invalid_grant, "the authorization code was issued to another client");

    // RFC 6749 4.1.3: redirect_uri must repeat the authorization request's, if it had one.
    auto redirect_uri = params.get("redirect_uri");
    if(redirect_uri ? *redirect_uri != rec.redirect_uri : (rec.redirect_uri_sent && !seam))
        return oauth_error(req, error::invalid_grant,
                           redirect_uri ? "redirect_uri does not match the authorization request"
                                        : "redirect_uri is required");

    // PKCE (RFC 7636 4.6); a verifier without a challenge is a downgrade attempt (RFC 9700 2.1.1).
    auto verifier = params.get("code_verifier");
    if(!rec.code_challenge.empty())
    {
        if(!verifier)
            return oauth_error(req, error::invalid_grant, "code_verifier is required");
        if(!verify_pkce(*verifier, rec.code_challenge, rec.code_challenge_method))
            return oauth_error(req, error::invalid_grant, "code_verifier does not match the code_challenge");
    }
    else if(verifier)
        return oauth_error(req, error::invalid_grant, "code_verifier sent for a code issued without code_challenge");

    // Issue the tokens (RFC 6749 5.1).
    token_record at;
    at.kind = token_kind::access;
    at.grant_id = rec.grant_id;
    at.client_id = rec.client_id;
    at.subject = rec.subject;
    at.scope = rec.scope;
    at.issued_at = t;
    at.expires_at = t + options_.access_token_ttl;
    auto access = make_access_token(at, {});
    // A replay seen between our consume and this save revoked the grant: the store
    // refuses the token, so it never validates. The response stays a success, exactly
    // as when the replay comes after the save (then the token is revoked afterwards):
    // one consume, one 200, and no working token once the code was replayed.
    if(!tokens_.save_token(at))
        log("code_replay", "token refused: its grant was revoked by a concurrent replay");

    token_codec::issued refresh;
    if(options_.issue_refresh_tokens && c.allows_grant("refresh_token"))
    {
        refresh = codec_.issue(detail::refresh_token_prefix);
        token_record rt = at;
        rt.signature = refresh.signature;
        rt.kind = token_kind::refresh;
        rt.expires_at = refresh_expiry(c, t);
        tokens_.save_token(rt);
    }
    return token_success(req, ctx, c, rec.grant_id, "authorization_code", rec.subject, access,
                         options_.access_token_ttl.count(), refresh.token, rec.scope, rec.scope_changed);
}

BEAST_OAUTH_DECL http_response authorization_server::grant_refresh_token(http_request const& req,
                                                                         request_context const& ctx,
                                                                         param_list const& params,
                                                                         client const& c) const
{
    // RFC 6749 6: the refresh token must be genuine, current, and issued to this client.
    auto presented = params.get("refresh_token");
    if(!presented)
        return oauth_error(req, error::invalid_request, "refresh_token is required");
    auto signature = codec_.verify(*presented, detail::refresh_token_prefix);
    if(!signature)
        return oauth_error(req, error::invalid_grant, "the refresh token is invalid");
    auto old = tokens_.find_token(*signature);
    auto const t = now();
    if(!old || old->kind != token_kind::refresh)
        return oauth_error(req, error::invalid_grant, "the refresh token is invalid or revoked");
    if(old->client_id != c.client_id)
        return oauth_error(req, error::invalid_grant, "the refresh token was issued to another client");
    if(t >= old->expires_at)
        return oauth_error(req, error::invalid_grant, "the refresh token expired");

    // A refresh may narrow the scope, never widen it (RFC 6749 6).
    std::string scope = old->scope;
    bool scope_changed = false;
    if(auto requested = params.get("scope"))
    {
        std::vector<std::string> tokens;
        if(requested->size() > options_.max_scope_size || !parse_scope(*requested, tokens))
            return oauth_error(req, error::invalid_scope, "scope is malformed");
        auto normalized = join_scope(tokens);
        if(!scope_includes(old->scope, normalized))
            return oauth_error(req, error::invalid_scope, "a refresh may not widen the scope");
        scope_changed = normalized != *requested;
        scope = std::move(normalized);
    }

    token_record at;
    at.kind = token_kind::access;
    at.grant_id = old->grant_id;
    at.client_id = old->client_id;
    at.subject = old->subject;
    at.scope = scope;
    at.issued_at = t;
    at.expires_at = t + options_.access_token_ttl;

    // RFC 9700 4.14.2: a public client's refresh tokens always rotate (they are not sender-constrained).
    auto policy = c.is_public() ? refresh_rotation::rotate : c.rotation.value_or(options_.rotation);
    if(policy == refresh_rotation::none && old->rotated_at == time_point{})
    {
        // Seam's guide: a new access token, the same refresh token.
        auto access = make_access_token(at, {});
        if(!tokens_.save_token(at))
            return oauth_error(req, error::invalid_grant, "the authorization grant was revoked");
        limit_access_tokens(at);
        return token_success(req, ctx, c, at.grant_id, "refresh_token", at.subject, access,
                             options_.access_token_ttl.count(), *presented, scope, scope_changed);
    }

    // Rotation. The successors are derived from the presented token, so every request
    // inside the grace period computes the very same pair without storing any token.
    auto access = make_access_token(at, derive_token(*presented, "access"));
    auto refresh = codec_.issue_derived(detail::refresh_token_prefix, derive_token(*presented, "refresh"));
    token_record rt = at;
    rt.kind = token_kind::refresh;
    rt.scope = old->scope; // RFC 6749 6: the new refresh token keeps the original scope
    rt.signature = refresh.signature;
    rt.expires_at = refresh_expiry(c, t);

    refresh_rotation_request rotation;
    rotation.old_signature = *signature;
    rotation.now = t;
    rotation.grace = options_.refresh_grace;
    rotation.new_access = &at;
    rotation.new_refresh = &rt;
    std::shared_ptr<token_record const> rotated;
    switch(tokens_.rotate_refresh_token(rotation, rotated))
    {
    case rotate_status::rotated:
        limit_access_tokens(at);
        return token_success(req, ctx, c, at.grant_id, "refresh_token", at.subject, access,
                             options_.access_token_ttl.count(), refresh.token, scope, scope_changed);
    case rotate_status::in_grace:
    {
        // The same pair as the first rotation, with the first one's scope and times, whatever
        // scope this request asks for: the token, introspection and the response agree.
        auto first = tokens_.find_token(at.signature);
        if(!first || first->kind != token_kind::access)
            return oauth_error(req, error::invalid_grant, "the refresh token was already used");
        auto const asked = params.get("scope") ? scope : old->scope;
        if(options_.access_token_format == token_format::jwt)
        {
            at.scope = first->scope;
            at.issued_at = first->issued_at;
            at.expires_at = first->expires_at;
            access = make_access_token(at, derive_token(*presented, "access"));
        }
        return token_success(req, ctx, c, at.grant_id, "refresh_token", at.subject, access,
                             detail::seconds_until(first->expires_at, t), refresh.token, first->scope,
                             scope_changed || first->scope != asked);
    }
    case rotate_status::reused:
        // RFC 9700 4.14.2: a rotated refresh token used again means it leaked.
        tokens_.revoke_grant(old->grant_id);
        log("refresh_reuse", "rotated refresh token reused after its grace period; grant revoked");
        audit(audit_event_type::refresh_reuse_detected, ctx, c.client_id, old->subject, {}, old->grant_id,
              "grant revoked");
        return oauth_error(req, error::invalid_grant, "the refresh token was already used");
    default:
        return oauth_error(req, error::invalid_grant, "the refresh token is invalid or revoked");
    }
}

} // namespace beast_oauth

#endif
