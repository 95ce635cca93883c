#ifndef BEAST_OAUTH_IMPL_AUTHORIZE_ENDPOINT_IPP
#define BEAST_OAUTH_IMPL_AUTHORIZE_ENDPOINT_IPP

// The authorization endpoint, RFC 6749 4.1.1 - 4.1.2.1, with PKCE (RFC 7636 4.3)
// and the redirect rules of RFC 9700 2.1 / 4.1.

#include <beast_oauth/server.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/pkce.hpp>
#include <beast_oauth/scope.hpp>
#include <beast_oauth/sign_in_page.hpp>
#include <algorithm>

namespace beast_oauth {

namespace detail {

// Parameters that define an authorization request; the sign-in form posts them back.
constexpr std::string_view authorization_params[] = {
    "response_type", "client_id", "redirect_uri", "state", "scope",
    "code_challenge", "code_challenge_method", "prompt"};

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

inline std::string origin_of(std::string const& uri)
{
    parsed_redirect_uri p;
    if(parse_redirect_uri(uri, p))
        return {};
    auto origin = p.scheme + "://" + p.host;
    if(!((p.scheme == "https" && p.port == 443) || (p.scheme == "http" && p.port == 80)))
        origin += ":" + std::to_string(p.port);
    return origin;
}

inline void set_page_security_headers(http_response& res, std::string const& redirect_uri,
                                      sign_in_page_options const& page)
{
    namespace http = boost::beast::http;
    // CSP: nothing loads; the form may post only here and be redirected only to the client.
    std::string csp = "default-src 'none'; " + page_csp_sources(page) + "; form-action 'self'";
    auto origin = origin_of(redirect_uri);
    if(!origin.empty())
        csp += " " + origin;
    csp += "; frame-ancestors 'none'; base-uri 'none'";
    res.set("Content-Security-Policy", csp);
    res.set(http::field::x_frame_options, "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::cache_control, "no-store");
    res.set(http::field::pragma, "no-cache");
}

} // namespace detail

BEAST_OAUTH_DECL authorize_result authorization_server::validate_authorization_request(
    param_list const& params) const
{
    authorize_result r;
    auto& ar = r.request;
    auto fail = [&r](error e, std::string description, bool redirect) -> authorize_result& {
        r.err = e;
        r.description = std::move(description);
        r.redirect = redirect;
        return r;
    };
    bool const seam = options_.profile == profile::seam;

    // 1. The client (RFC 6749 4.1.1). Failures here never redirect (4.1.2.1).
    auto client_id = params.get("client_id");
    if(!client_id)
    {
        if(!seam)
            return fail(error::invalid_request, "The request has no client_id.", false);
        client_id = options_.default_client_id;
    }
    ar.client = clients_.find_client(*client_id);
    if(!ar.client)
        return fail(error::invalid_request, "The client_id is not registered.", false);

    // 2. The redirect URI (RFC 6749 3.1.2.2 - 3.1.2.4): registered, parsed, never guessed.
    if(auto sent = params.get("redirect_uri"))
    {
        parsed_redirect_uri parsed;
        if(auto why = parse_redirect_uri(*sent, parsed))
            return fail(error::invalid_request, std::string("The redirect_uri is not allowed: ") + why + ".", false);
        auto const& regs = ar.client->redirect_uris;
        if(std::none_of(regs.begin(), regs.end(), [&](auto const& p) { return p.matches(parsed); }))
            return fail(error::invalid_request,
                        "The redirect_uri is not registered for this client.", false);
        ar.redirect_uri = std::string(*sent);
        ar.redirect_uri_sent = true;
    }
    else
    {
        auto const& regs = ar.client->redirect_uris;
        if(regs.size() != 1 || !regs.front().is_exact())
            return fail(error::invalid_request, "The request has no redirect_uri.", false);
        ar.redirect_uri = regs.front().text(); // RFC 6749 3.1.2.3: the only registration
    }

    // From here on errors go back to the client (RFC 6749 4.1.2.1).
    if(auto state = params.get("state"))
    {
        if(state->size() > options_.max_state_size)
            return fail(error::invalid_request, "state is too long", true);
        ar.state = std::string(*state);
        ar.has_state = true;
    }

    auto response_type = params.get("response_type");
    if(!response_type)
    {
        if(!seam)
            return fail(error::invalid_request, "response_type is required", true);
        response_type = std::string_view("code");
    }
    if(*response_type != "code")
        return fail(error::unsupported_response_type, "only response_type=code is supported", true);
    if(!ar.client->allows_grant("authorization_code"))
        return fail(error::unauthorized_client,
                    "this client may not use the authorization code grant", true);

    // Scope (RFC 6749 3.3).
    if(auto scope = params.get("scope"))
    {
        if(scope->size() > options_.max_scope_size)
            return fail(error::invalid_request, "scope is too long", true);
        std::vector<std::string> tokens;
        if(!parse_scope(*scope, tokens))
            return fail(error::invalid_scope, "scope is malformed", true);
        auto const& allowed = ar.client->allowed_scopes;
        if(!allowed.empty())
            for(auto const& t : tokens)
                if(std::find(allowed.begin(), allowed.end(), t) == allowed.end())
                    return fail(error::invalid_scope, "scope '" + t + "' is not allowed for this client", true);
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
        if(m == "plain" && !options_.allow_plain_pkce)
            return fail(error::invalid_request, "code_challenge_method must be S256", true);
        if(m != "S256" && m != "plain")
            return fail(error::invalid_request, "code_challenge_method is not supported", true);
        if(!is_valid_pkce_string(*challenge))
            return fail(error::invalid_request, "code_challenge is malformed", true);
        ar.code_challenge = std::string(*challenge);
        ar.code_challenge_method = std::string(m);
    }
    else if(method)
        return fail(error::invalid_request, "code_challenge_method without code_challenge", true);
    else if(ar.client->is_public() || ar.client->require_pkce)
        return fail(error::invalid_request, "this client must use PKCE (code_challenge)", true);

    if(auto prompt = params.get("prompt"))
        ar.prompt_login = detail::contains_word(*prompt, "login");
    return r;
}

BEAST_OAUTH_DECL http_response authorization_server::handle_authorize(http_request const& req,
                                                                      request_context const& ctx) const
{
    namespace http = boost::beast::http;
    try
    {
        if(req.method() == http::verb::get || req.method() == http::verb::head)
            return authorize_get(req);
        if(req.method() == http::verb::post)
            return authorize_post(req, ctx);
        auto res = error_page(req, "This page only answers GET and POST.", 405);
        res.set(http::field::allow, "GET, HEAD, POST");
        return res;
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

BEAST_OAUTH_DECL http_response authorization_server::error_page(http_request const& req,
                                                                 std::string_view description,
                                                                 unsigned status) const
{
    namespace http = boost::beast::http;
    http_response res{static_cast<http::status>(status), req.version()};
    res.keep_alive(req.keep_alive());
    detail::set_page_security_headers(res, {}, options_.sign_in);
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.body() = render_error_page(description, options_.sign_in, req[http::field::accept_language]);
    res.prepare_payload();
    return res;
}

BEAST_OAUTH_DECL http_response authorization_server::redirect_response(http_request const& req,
                                                                       std::string const& location,
                                                                       authorization_request const& ar) const
{
    namespace http = boost::beast::http;
    // 303 after a POST so the browser follows with GET; 302 after a GET (RFC 6749 4.1.2).
    http_response res{req.method() == http::verb::post ? http::status::see_other : http::status::found,
                      req.version()};
    res.keep_alive(req.keep_alive());
    detail::set_page_security_headers(res, ar.redirect_uri, options_.sign_in);
    res.set(http::field::location, location);
    res.prepare_payload();
    return res;
}

BEAST_OAUTH_DECL http_response authorization_server::render_page(
    http_request const& req, param_list const& params, authorization_request const& ar,
    std::string_view signed_in_as, std::string error_message, std::string_view username,
    unsigned status) const
{
    namespace http = boost::beast::http;
    auto const csrf_cookie = cookie_name("boa_csrf");
    std::string nonce(detail::find_cookie(req[http::field::cookie], csrf_cookie));
    bool const new_nonce = nonce.size() != 43 ||
                           nonce.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos;
    if(new_nonce)
        nonce = detail::random_base64url(32);

    sign_in_page page;
    page.action = options_.authorize_path;
    for(auto name : detail::authorization_params)
        if(auto v = params.get(name))
            page.hidden_fields.emplace_back(std::string(name), std::string(*v));
    page.hidden_fields.emplace_back("csrf", csrf_token(nonce, ar));
    page.client_name = ar.client->name.empty() ? ar.client->client_id : ar.client->name;
    parse_scope(ar.scope, page.scopes);
    page.error_message = std::move(error_message);
    page.signed_in_as = std::string(signed_in_as);
    page.username = std::string(username);
    detail::localize_sign_in_page(page, options_.sign_in, req[http::field::accept_language]);

    http_response res{static_cast<http::status>(status), req.version()};
    res.keep_alive(req.keep_alive());
    detail::set_page_security_headers(res, ar.redirect_uri, options_.sign_in);
    res.set(http::field::content_type, "text/html; charset=utf-8");
    if(new_nonce)
        res.insert(http::field::set_cookie,
                   csrf_cookie + "=" + nonce + "; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax" +
                       (secure_cookies_ ? "; Secure" : ""));
    res.body() = options_.render_sign_in_page ? options_.render_sign_in_page(page)
                                              : render_default_sign_in_page(page);
    if(req.method() == http::verb::head)
    {
        res.prepare_payload();
        res.body().clear();
        return res;
    }
    res.prepare_payload();
    return res;
}

BEAST_OAUTH_DECL http_response authorization_server::authorize_get(http_request const& req) const
{
    auto target = req.target();
    auto q = target.find('?');
    std::string_view query = q == std::string_view::npos ? std::string_view()
                                                         : std::string_view(target.data() + q + 1, target.size() - q - 1);
    param_list params;
    param_error perr;
    if(parse_form(query, params, perr, options_.limits))
        return error_page(req, "The request is malformed: " + perr.description + ".", 400);
    auto r = validate_authorization_request(params);
    if(!r.ok())
    {
        if(!r.redirect)
            return error_page(req, r.description, 400);
        return redirect_response(req, make_error_redirect(r.request, r.err, r.description), r.request);
    }
    std::string signed_in_as;
    if(!r.request.prompt_login)
        if(auto who = read_session(
               detail::find_cookie(req[boost::beast::http::field::cookie], cookie_name("boa_session"))))
            signed_in_as = who->display_name.empty() ? who->subject : who->display_name;
    return render_page(req, params, r.request, signed_in_as, {}, {}, 200);
}

BEAST_OAUTH_DECL http_response authorization_server::authorize_post(http_request const& req,
                                                                    request_context const& ctx) const
{
    namespace http = boost::beast::http;
    if(!detail::iequals(detail::media_type(req[http::field::content_type]),
                        "application/x-www-form-urlencoded"))
        return error_page(req, "The sign-in form must be posted as application/x-www-form-urlencoded.", 415);
    if(req.body().size() > options_.max_body_size)
        return error_page(req, "The request is too large.", 413);
    auto const& text = choose_sign_in_texts(options_.sign_in, req[http::field::accept_language]);
    param_list params;
    param_error perr;
    if(parse_form(req.body(), params, perr, options_.limits))
        return error_page(req, "The request is malformed: " + perr.description + ".", 400);

    // Hidden fields are attacker-controlled: validate the whole request again.
    auto r = validate_authorization_request(params);
    if(!r.ok())
    {
        if(!r.redirect)
            return error_page(req, r.description, 400);
        return redirect_response(req, make_error_redirect(r.request, r.err, r.description), r.request);
    }
    auto const& ar = r.request;

    // CSRF: the token must be bound to this browser's cookie and this request.
    auto const cookies = req[http::field::cookie];
    auto nonce = detail::find_cookie(cookies, cookie_name("boa_csrf"));
    auto sent = params.get_or_empty("csrf");
    if(nonce.empty() || sent.empty() || !detail::constant_time_equal(sent, csrf_token(nonce, ar)))
        return render_page(req, params, ar, {},
                           text.form_expired, {}, 403);

    auto action = params.get_or_empty("action");
    if(action == "deny")
        return redirect_response(
            req, make_error_redirect(ar, error::access_denied, "the resource owner denied the request"), ar);
    if(action == "switch_account")
        return render_page(req, params, ar, {}, {}, {}, 200);

    auto session_header = [&](user_identity const& who) {
        return cookie_name("boa_session") + "=" + make_session(who) + "; Path=/; Max-Age=" +
               std::to_string(options_.session_ttl.count()) + "; HttpOnly; SameSite=Lax" +
               (secure_cookies_ ? "; Secure" : "");
    };

    if(action == "allow")
    {
        auto who = ar.prompt_login ? std::nullopt
                                   : read_session(detail::find_cookie(cookies, cookie_name("boa_session")));
        if(!who)
            return render_page(req, params, ar, {}, text.sign_in_required, {}, 200);
        return redirect_response(req, issue_code_redirect(ar, *who), ar);
    }

    auto username = params.get_or_empty("username");
    auto password = params.get_or_empty("password");
    if(username.empty() || password.empty())
        return render_page(req, params, ar, {}, text.missing_credentials, username, 200);
    // Throttle guessing before checking anything: per (account, address) and per address refuse,
    // per account only slows (throttle_policy), so a guesser elsewhere never locks the owner out.
    auto const attempt = throttle_ ? throttle_->attempt_for(authentication_throttle::subject_kind::account,
                                                            username, ctx.remote_address)
                                   : throttle_attempt{};
    auto const& cid = ar.client->client_id;
    if(auto wait = throttled(attempt, ctx, cid, username))
    {
        auto res = render_page(req, params, ar, {},
                               fill_sign_in_text(text.throttled, {{"seconds", std::to_string(wait->count())}}),
                               username, 429);
        res.set(http::field::retry_after, std::to_string(wait->count()));
        return res;
    }
    auto who = users_.authenticate(username, password);
    if(!who)
    {
        record_failure(attempt);
        audit(audit_event_type::sign_in_failed, ctx, cid, {}, username, {}, "wrong credentials");
        return render_page(req, params, ar, {}, text.wrong_credentials, username, 200);
    }
    if(throttle_)
        throttle_->succeeded(attempt);
    audit(audit_event_type::sign_in_succeeded, ctx, cid, who->subject, username);
    auto res = redirect_response(req, issue_code_redirect(ar, *who), ar);
    if(options_.session_ttl.count() > 0)
        res.insert(http::field::set_cookie, session_header(*who));
    return res;
}

} // namespace beast_oauth

#endif
