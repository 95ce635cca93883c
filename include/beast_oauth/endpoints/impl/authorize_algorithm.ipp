#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_AUTHORIZE_ALGORITHM_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_AUTHORIZE_ALGORITHM_IPP

// One request to the authorization endpoint: the sign-in page (GET), sign-in, consent and
// code issuance (POST), RFC 6749 4.1.1 - 4.1.2.1; CSRF (RFC 9700 4.7); throttled sign-in.

#include <beast_oauth/endpoints/authorize.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/endpoints/authorize_page.hpp>
#include <beast_oauth/endpoints/page_response.hpp>
#include <boost/beast/http/field.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL authorize_handler::algorithm::algorithm(authorize_handler const& h, http_request const& req,
                                                         request_context const& ctx)
    : h_(h)
    , req_(req)
    , ctx_(ctx)
{
}

BEAST_OAUTH_DECL store_op* authorize_handler::algorithm::answer(http_response res)
{
    res_ = std::move(res);
    return nullptr;
}

// After validation, a POST: CSRF, then what the owner chose. Returns null when answered.
BEAST_OAUTH_DECL store_op* authorize_handler::algorithm::post_checks()
{
    namespace http = boost::beast::http;
    authorize_page page(*h_.core_);
    auto const& ar = *ar_;
    auto const& text = choose_sign_in_texts(h_.core_->options().sign_in, req_[http::field::accept_language]);
    // CSRF: the token must be bound to this browser's cookie and this request.
    auto const cookies = req_[http::field::cookie];
    auto nonce = detail::find_cookie(cookies, page.cookie_name("boa_csrf"));
    auto sent = params_.get_or_empty("csrf");
    if(nonce.empty() || sent.empty() || !detail::constant_time_equal(sent, page.csrf_token(nonce, ar)))
        return answer(page.render(req_, params_, ar, {}, text.form_expired, {}, 403));
    auto action = params_.get_or_empty("action");
    if(action == "deny")
        return answer(page.redirect(req_, h_.make_error_redirect(ar, error::access_denied, "the resource owner denied the request"), ar));
    if(action == "switch_account")
        return answer(page.render(req_, params_, ar, {}, {}, {}, 200));
    if(action == "allow")
    {
        who_ = ar.prompt_login ? std::nullopt : page.read_session(detail::find_cookie(cookies, page.cookie_name("boa_session")));
        if(!who_)
            return answer(page.render(req_, params_, ar, {}, text.sign_in_required, {}, 200));
        return nullptr;
    }
    auto username = params_.get_or_empty("username");
    if(username.empty() || params_.get_or_empty("password").empty())
        return answer(page.render(req_, params_, ar, {}, text.missing_credentials, username, 200));
    // Throttle guessing before checking anything: per (account, address) and per address refuse,
    // per account only slows (throttle_policy), so a guesser elsewhere never locks the owner out.
    attempt_ = h_.core_->attempt_for(authentication_throttle::subject_kind::account, username, ctx_);
    if(auto wait = h_.core_->throttled(attempt_, ctx_, ar.client->client_id, username))
    {
        auto res = page.render(req_, params_, ar, {},
                               fill_sign_in_text(text.throttled, {{"seconds", std::to_string(wait->count())}}), username, 429);
        res.set(http::field::retry_after, std::to_string(wait->count()));
        return answer(std::move(res));
    }
    op_.reset();
    op_.what = store_op::kind::authenticate;
    op_.key = username;
    op_.key2 = params_.get_or_empty("password");
    return &op_;
}

BEAST_OAUTH_DECL store_op* authorize_handler::algorithm::step()
{
    namespace http = boost::beast::http;
    auto const& core = *h_.core_;
    authorize_page page(core);
    BOOST_ASIO_CORO_REENTER(this)
    {
        {
            bool const get = req_.method() == http::verb::get || req_.method() == http::verb::head;
            if(!get && req_.method() != http::verb::post)
            {
                auto res = make_error_page(req_, "This page only answers GET and POST.", 405, core.options().sign_in);
                res.set(http::field::allow, "GET, HEAD, POST");
                return answer(std::move(res));
            }
            std::string_view input;
            if(get)
            {
                auto target = req_.target();
                auto q = target.find('?');
                if(q != boost::beast::string_view::npos)
                    input = std::string_view(target.data() + q + 1, target.size() - q - 1);
            }
            else
            {
                if(!detail::iequals(detail::media_type(req_[http::field::content_type]), "application/x-www-form-urlencoded"))
                    return answer(make_error_page(req_, "The sign-in form must be posted as application/x-www-form-urlencoded.", 415, core.options().sign_in));
                if(req_.body().size() > core.options().max_body_size)
                    return answer(make_error_page(req_, "The request is too large.", 413, core.options().sign_in));
                input = req_.body();
            }
            param_error perr;
            if(parse_form(input, params_, perr, core.options().limits))
                return answer(make_error_page(req_, "The request is malformed: " + perr.description + ".", 400, core.options().sign_in));
            op_.what = store_op::kind::find_client;
            op_.key = h_.requested_client_id(params_);
        }
        // Hidden fields are attacker-controlled: a POST validates the whole request again.
        if(!op_.key.empty())
        {
            BOOST_ASIO_CORO_YIELD return &op_;
        }
        ar_ = h_.check_request(params_, std::move(op_.client));
        if(!ar_)
        {
            auto const& f = ar_.error();
            if(!f.may_redirect)
                return answer(make_error_page(req_, f.description, 400, core.options().sign_in));
            authorization_request target;
            target.redirect_uri = f.redirect_uri;
            return answer(page.redirect(req_, f.redirect_location, target));
        }
        if(req_.method() != http::verb::post)
        {
            std::string signed_in_as;
            if(!ar_->prompt_login)
                if(auto who = page.read_session(detail::find_cookie(req_[http::field::cookie], page.cookie_name("boa_session"))))
                    signed_in_as = who->display_name.empty() ? who->subject : who->display_name;
            return answer(page.render(req_, params_, *ar_, signed_in_as, {}, {}, 200));
        }
        next_ = post_checks();
        if(!next_ && !who_)
            return nullptr; // answered
        if(next_)
        {
            // The password check (a store call).
            BOOST_ASIO_CORO_YIELD return next_;
            if(!op_.user)
            {
                core.failed(attempt_);
                core.audit(audit_event_type::sign_in_failed, ctx_, ar_->client->client_id, {}, params_.get_or_empty("username"),
                           {}, "wrong credentials");
                auto const& text = choose_sign_in_texts(core.options().sign_in, req_[http::field::accept_language]);
                return answer(page.render(req_, params_, *ar_, {}, text.wrong_credentials, params_.get_or_empty("username"), 200));
            }
            core.succeeded(attempt_);
            core.audit(audit_event_type::sign_in_succeeded, ctx_, ar_->client->client_id, op_.user->subject,
                       params_.get_or_empty("username"));
            who_ = std::move(op_.user);
            set_session_ = core.options().session_ttl.count() > 0;
        }
        if(!ar_->par_id.empty())
        {
            // RFC 9126 2.2: a request_uri is single use. The sign-in page may be shown again
            // (a reload, a wrong password); one code at most, claimed like a JWT code's jti.
            par_key_ = "par:" + ar_->par_id;
            op_.reset();
            op_.what = store_op::kind::claim_code;
            op_.key = par_key_;
            op_.key2 = par_key_;
            op_.expires_at = ar_->par_expires_at;
            BOOST_ASIO_CORO_YIELD return &op_;
            if(op_.consumed_status() != consume_status::consumed)
                return answer(make_error_page(req_, "This request_uri was already used; the application must start again.",
                                              400, core.options().sign_in));
        }
        location_ = h_.make_code_redirect(*ar_, *who_, code_, save_code_);
        if(save_code_)
        {
            op_.reset();
            op_.what = store_op::kind::save_code;
            op_.code = &code_;
            BOOST_ASIO_CORO_YIELD return &op_;
        }
        core.audit(audit_event_type::code_issued, {}, code_.client_id, code_.subject, {}, code_.grant_id);
        {
            auto res = page.redirect(req_, location_, *ar_);
            if(set_session_)
                res.insert(http::field::set_cookie, page.session_cookie(*who_));
            res_ = std::move(res);
        }
    }
    return nullptr;
}

} // namespace beast_oauth

#endif
