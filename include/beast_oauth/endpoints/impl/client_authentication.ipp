#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_CLIENT_AUTHENTICATION_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_CLIENT_AUTHENTICATION_IPP

// Client authentication, RFC 6749 2.3.1 (Basic or body, never both: 2.3).

#include <beast_oauth/endpoints/client_authentication.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <boost/asio/coroutine.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL oauth_result<client_credentials> read_client_credentials(http_request const& req,
                                                                          server_options const& options,
                                                                          bool allow_json, param_list& params)
{
    namespace http = boost::beast::http;
    if(req.method() != http::verb::post)
    {
        auto f = fail(error::invalid_request, "this endpoint accepts only POST", 405);
        f.allow = "POST";
        return f;
    }
    if(req.body().size() > options.max_body_size)
        return fail(error::invalid_request, "request body too large");

    // Parameters: a form body (RFC 6749 4.1.3); the Seam profile's token endpoint also takes JSON.
    auto type = detail::media_type(req[http::field::content_type]);
    param_error perr;
    if(detail::iequals(type, "application/x-www-form-urlencoded"))
    {
        if(parse_form(req.body(), params, perr, options.limits))
            return fail(error::invalid_request, perr.description);
    }
    else if(allow_json && detail::iequals(type, "application/json"))
    {
        if(parse_json_params(req.body(), params, perr, options.limits))
            return fail(error::invalid_request, perr.description);
    }
    else
        return fail(error::invalid_request,
                    allow_json ? "Content-Type must be application/x-www-form-urlencoded or application/json"
                               : "Content-Type must be application/x-www-form-urlencoded");

    client_credentials c;
    auto authorization = req[http::field::authorization];
    if(!authorization.empty())
    {
        std::string_view scheme, credentials;
        if(!detail::split_authorization(authorization, scheme, credentials) || !detail::iequals(scheme, "Basic"))
            return fail(error::invalid_client, "unsupported client authentication scheme");
        std::string decoded;
        if(!detail::base64_decode(credentials, decoded))
            return fail(error::invalid_client, "malformed Basic credentials");
        auto colon = decoded.find(':');
        if(colon == std::string::npos ||
           !detail::form_decode(std::string_view(decoded).substr(0, colon), c.client_id) ||
           !detail::form_decode(std::string_view(decoded).substr(colon + 1), c.client_secret))
            return fail(error::invalid_client, "malformed Basic credentials");
        c.has_secret = !c.client_secret.empty();
        if(params.contains("client_secret"))
            return fail(error::invalid_request, "client authenticated by more than one method");
        if(auto body_id = params.get("client_id"); body_id && *body_id != c.client_id)
            return fail(error::invalid_request, "client_id does not match the authenticated client");
    }
    else
    {
        c.client_id = std::string(params.get_or_empty("client_id"));
        if(auto s = params.get("client_secret"))
        {
            c.client_secret = std::string(*s);
            c.has_secret = true;
        }
    }
    if(c.client_id.empty())
        return fail(error::invalid_client, "client authentication failed");
    return c;
}

BEAST_OAUTH_DECL client_authentication::client_authentication(server_core const& core, http_request const& req,
                                                              request_context const& ctx, bool allow_json)
    : core_(core)
    , req_(req)
    , ctx_(ctx)
    , allow_json_(allow_json)
{
}

BEAST_OAUTH_DECL store_op* client_authentication::step()
{
    BOOST_ASIO_CORO_REENTER(this)
    {
        {
            auto creds = read_client_credentials(req_, core_.options(), allow_json_, out_.params);
            if(!creds)
            {
                result_ = std::move(creds).error();
                return nullptr;
            }
            creds_ = std::move(*creds);
        }
        // Throttled per (client_id, address) and per address; known and unknown ids alike, so the
        // answers never tell which client_ids exist. Per client_id alone only slows.
        attempt_ = core_.attempt_for(authentication_throttle::subject_kind::client, creds_.client_id, ctx_);
        if(auto wait = core_.throttled(attempt_, ctx_,
                                       creds_.client_id.size() <= 128 ? std::string_view(creds_.client_id)
                                                                      : std::string_view("(long)"),
                                       {}))
        {
            auto f = fail(error::temporarily_unavailable, "too many failed client authentications; retry later", 429);
            f.retry_after = *wait;
            result_ = std::move(f);
            return nullptr;
        }
        op_.what = store_op::kind::find_client;
        op_.key = creds_.client_id;
        BOOST_ASIO_CORO_YIELD return &op_;
        {
            bool authenticated = false;
            auto const& client = op_.client;
            if(client)
                authenticated = client->is_public() ? !creds_.has_secret // a public client has no secret to present
                                                    : creds_.has_secret && core_.client_secret_matches(*client, creds_.client_secret);
            if(!authenticated)
            {
                core_.failed(attempt_);
                core_.audit(audit_event_type::client_authentication_failed, ctx_,
                            creds_.client_id.size() <= 128 ? std::string_view(creds_.client_id)
                                                           : std::string_view("(long)"));
                result_ = fail(error::invalid_client, "client authentication failed");
                return nullptr;
            }
            core_.succeeded(attempt_);
            out_.client = std::move(op_.client);
            result_.emplace(std::move(out_));
        }
    }
    return nullptr;
}

BEAST_OAUTH_DECL authenticated_request::authenticated_request(server_core const& core, http_request const& req,
                                                              request_context const& ctx, bool allow_json)
    : core_(core)
    , req_(req)
    , ctx_(ctx)
    , auth_(core, req, ctx, allow_json)
{
}

BEAST_OAUTH_DECL store_op* authenticated_request::answer_error(oauth_failure const& f)
{
    res_ = render_json_error(req_, f, core_.options().issuer);
    return nullptr;
}

} // namespace beast_oauth

#endif
