#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_AUTHORIZE_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_AUTHORIZE_IPP

// The authorization endpoint, RFC 6749 4.1.1 - 4.1.2.1, with PKCE (RFC 7636 4.3)
// and the redirect rules of RFC 9700 2.1 / 4.1.

#include <beast_oauth/endpoints/authorize.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/detail/redirect_params.hpp>
#include <beast_oauth/detail/request_uri.hpp>
#include <beast_oauth/endpoints/authorize_page.hpp>
#include <beast_oauth/endpoints/guard.hpp>
#include <beast_oauth/endpoints/page_response.hpp>
#include <beast_oauth/pkce.hpp>
#include <beast_oauth/scope.hpp>
#include <algorithm>

namespace beast_oauth {

namespace detail {
inline bool contains_word(std::string_view list, std::string_view word) noexcept
{
    std::size_t start = 0;
    while(start <= list.size())
    {
        auto end = list.find(' ', start);
        if(end == std::string_view::npos)
            end = list.size();
        if(list.substr(start, end - start) == word)
            return true;
        start = end + 1;
    }
    return false;
}

inline oauth_failure authorize_failure(error e, std::string description, bool redirect)
{
    auto f = fail(e, std::move(description));
    f.may_redirect = redirect;
    return f;
}
} // namespace detail

BEAST_OAUTH_DECL std::string_view authorize_handler::requested_client_id(param_list const& params) const noexcept
{
    if(auto id = params.get("client_id"))
        return *id;
    return core_->options().profile == profile::seam ? std::string_view(core_->options().default_client_id)
                                                     : std::string_view();
}

BEAST_OAUTH_DECL oauth_result<authorization_request> authorize_handler::check_request(
    param_list const& params, std::shared_ptr<client const> client) const
{
    using detail::authorize_failure;
    auto const& o = core_->options();
    auto const request_uri = params.get("request_uri");
    if(!request_uri)
    {
        // RFC 9126 5 (server-wide) and 6 (per client): only pushed requests are accepted.
        // Fail closed: a client requiring PAR is refused while the server has no PAR endpoint.
        if(client && (o.require_pushed_authorization_requests || client->require_pushed_authorization_requests))
            return authorize_failure(error::invalid_request,
                                     "This authorization request must be pushed first (PAR, RFC 9126) and sent as a request_uri.", false);
        return check_request_fields(params, std::move(client));
    }
    // RFC 9126 4: a pushed request. Like an unverified redirect_uri, a bad request_uri is never
    // answered with a redirect (RFC 6749 4.1.2.1): the error page. Everything but client_id is
    // ignored; the client_id must be the pushing client's (it is the seal's associated data).
    if(o.par_path.empty())
        return authorize_failure(error::request_uri_not_supported,
                                 "request_uri is not supported: this server takes no pushed authorization requests.", false);
    if(params.get_or_empty("client_id").empty())
        return authorize_failure(error::invalid_request, "A request_uri needs the client_id of the client that pushed it.", false);
    if(!client)
        return authorize_failure(error::invalid_request, "The client_id is not registered.", false);
    auto pushed = detail::open_request_uri(core_->par_key(), client->client_id, *request_uri);
    if(!pushed)
        return authorize_failure(error::invalid_request_uri,
                                 "The request_uri is not valid for this client.", false);
    if(pushed->expires_at <= core_->now())
        return authorize_failure(error::invalid_request_uri, "The request_uri has expired; push the request again.", false);
    auto ar = check_request_fields(pushed->params, std::move(client));
    if(ar)
    {
        ar->request_uri = std::string(*request_uri);
        ar->par_id = std::move(pushed->id);
        ar->par_expires_at = pushed->expires_at;
    }
    return ar;
}

BEAST_OAUTH_DECL oauth_result<authorization_request> authorize_handler::check_request_fields(
    param_list const& params, std::shared_ptr<client const> client) const
{
    using detail::authorize_failure;
    auto const& o = core_->options();
    bool const seam = o.profile == profile::seam;
    authorization_request ar;

    // 1. The client (RFC 6749 4.1.1). Failures here never redirect (4.1.2.1).
    if(requested_client_id(params).empty())
        return authorize_failure(error::invalid_request, "The request has no client_id.", false);
    if(!client)
        return authorize_failure(error::invalid_request, "The client_id is not registered.", false);
    ar.client = std::move(client);

    // 2. The redirect URI (RFC 6749 3.1.2.2 - 3.1.2.4): registered, parsed, never guessed.
    auto const& regs = ar.client->redirect_uris;
    if(auto sent = params.get("redirect_uri"))
    {
        parsed_redirect_uri parsed;
        if(auto why = parse_redirect_uri(*sent, parsed))
            return authorize_failure(error::invalid_request, std::string("The redirect_uri is not allowed: ") + why + ".", false);
        if(std::none_of(regs.begin(), regs.end(), [&](auto const& p) { return p.matches(parsed); }))
            return authorize_failure(error::invalid_request, "The redirect_uri is not registered for this client.", false);
        ar.redirect_uri = std::string(*sent);
        ar.redirect_uri_sent = true;
    }
    else
    {
        if(regs.size() != 1 || !regs.front().is_exact())
            return authorize_failure(error::invalid_request, "The request has no redirect_uri.", false);
        ar.redirect_uri = regs.front().text(); // RFC 6749 3.1.2.3: the only registration
    }

    // From here on errors go back to the client (RFC 6749 4.1.2.1); the request is kept for that.
    auto back = [&ar, this](error e, std::string description) {
        auto f = authorize_failure(e, description, true);
        f.redirect_location = make_error_redirect(ar, e, description);
        f.redirect_uri = ar.redirect_uri;
        return f;
    };
    if(auto state = params.get("state"))
    {
        if(state->size() > o.max_state_size)
            return back(error::invalid_request, "state is too long");
        ar.state = std::string(*state);
        ar.has_state = true;
    }
    auto response_type = params.get("response_type");
    if(!response_type)
    {
        if(!seam)
            return back(error::invalid_request, "response_type is required");
        response_type = std::string_view("code");
    }
    if(*response_type != "code")
        return back(error::unsupported_response_type, "only response_type=code is supported");
    if(!ar.client->allows_grant("authorization_code"))
        return back(error::unauthorized_client, "this client may not use the authorization code grant");

    // Scope (RFC 6749 3.3).
    if(auto scope = params.get("scope"))
    {
        if(scope->size() > o.max_scope_size)
            return back(error::invalid_request, "scope is too long");
        std::vector<std::string> tokens;
        if(!parse_scope(*scope, tokens))
            return back(error::invalid_scope, "scope is malformed");
        auto const& allowed = ar.client->allowed_scopes;
        if(!allowed.empty())
            for(auto const& t : tokens)
                if(std::find(allowed.begin(), allowed.end(), t) == allowed.end())
                    return back(error::invalid_scope, "scope '" + t + "' is not allowed for this client");
        ar.scope = join_scope(tokens);
        ar.scope_changed = ar.scope != *scope;
    }
    else
    {
        ar.scope = ar.client->default_scope;
        ar.scope_changed = !ar.scope.empty();
    }

    // PKCE (RFC 7636 4.3, 4.4.1); required for public clients (RFC 9700 2.1.1).
    auto challenge = params.get("code_challenge");
    auto method = params.get("code_challenge_method");
    if(challenge)
    {
        auto m = method ? *method : std::string_view("plain");
        if(m == "plain" && !o.allow_plain_pkce)
            return back(error::invalid_request, "code_challenge_method must be S256");
        if(m != "S256" && m != "plain")
            return back(error::invalid_request, "code_challenge_method is not supported");
        if(!is_valid_pkce_string(*challenge))
            return back(error::invalid_request, "code_challenge is malformed");
        ar.code_challenge = std::string(*challenge);
        ar.code_challenge_method = std::string(m);
    }
    else if(method)
        return back(error::invalid_request, "code_challenge_method without code_challenge");
    else if(ar.client->is_public() || ar.client->require_pkce)
        return back(error::invalid_request, "this client must use PKCE (code_challenge)");

    if(auto prompt = params.get("prompt"))
        ar.prompt_login = detail::contains_word(*prompt, "login");
    return ar;
}

BEAST_OAUTH_DECL std::string authorize_handler::make_code_redirect(authorization_request const& ar,
                                                                   user_identity const& owner, code_record& rec,
                                                                   bool& save) const
{
    rec.signature.clear(); // make_code sets it; every other field is assigned below
    rec.grant_id = detail::random_base64url(16);
    rec.client_id = ar.client->client_id;
    rec.subject = owner.subject;
    rec.scope = ar.scope;
    rec.scope_changed = ar.scope_changed;
    rec.redirect_uri = ar.redirect_uri;
    rec.redirect_uri_sent = ar.redirect_uri_sent;
    rec.code_challenge = ar.code_challenge;
    rec.code_challenge_method = ar.code_challenge_method;
    rec.issued_at = core_->now();
    rec.expires_at = rec.issued_at + core_->options().code_ttl;
    auto code = tokens_->make_code(rec, save);
    // RFC 6749 4.1.2: code and state; RFC 9207 2: iss.
    std::string_view const absent{};
    auto const& iss = core_->options().issuer;
    return detail::with_query_params(ar.redirect_uri, {{"code", code},
                                                       {ar.has_state ? "state" : absent, ar.state},
                                                       {iss.empty() ? absent : "iss", iss}});
}

BEAST_OAUTH_DECL std::string authorize_handler::make_error_redirect(authorization_request const& ar, error e,
                                                                    std::string_view description) const
{
    std::string_view const absent{};
    auto const& iss = core_->options().issuer;
    return detail::with_query_params(ar.redirect_uri, {{"error", wire_name(e)},
                                                       {description.empty() ? absent : "error_description", description},
                                                       {ar.has_state ? "state" : absent, ar.state},
                                                       {iss.empty() ? absent : "iss", iss}}); // RFC 9207 2
}

BEAST_OAUTH_DECL http_response authorize_handler::handle(http_request const& req, request_context const& ctx) const
{
    return detail::run_endpoint<algorithm>(*core_, *this, req, ctx);
}

} // namespace beast_oauth

#endif
