#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_BEARER_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_BEARER_IPP

// Bearer token usage, RFC 6750 2.1 (Authorization header), 2 (one method), 3 (WWW-Authenticate).

#include <beast_oauth/endpoints/bearer.hpp>
#include <beast_oauth/detail/dpop_check.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/detail/request_timer.hpp>
#include <beast_oauth/detail/require_store.hpp>
#include <beast_oauth/params.hpp>
#include <beast_oauth/scope.hpp>
#include <beast_oauth/storage.hpp>
#include <iterator>

namespace beast_oauth {

namespace detail {
// RFC 6750 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
// A table, not character-class branches: token characters are random, branches mispredict.
struct b64token_table
{
    bool ok[256];
};
constexpr b64token_table make_b64token_table()
{
    b64token_table t{};
    for(int c = 0; c < 256; ++c)
        t.ok[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    return t;
}
constexpr b64token_table b64token_chars = make_b64token_table();

inline bool is_b64token(std::string_view s) noexcept
{
    std::size_t i = 0;
    while(i < s.size() && b64token_chars.ok[static_cast<unsigned char>(s[i])])
        ++i;
    if(i == 0)
        return false;
    for(; i < s.size(); ++i)
        if(s[i] != '=')
            return false;
    return true;
}

// Whether a form-encoded string has a parameter named `name` (RFC 6750 2.2/2.3 access_token).
// Names are compared after percent-decoding, so "access%5Ftoken" counts too.
inline bool has_form_param(std::string_view form, std::string_view name)
{
    if(form.find(name) == std::string_view::npos && form.find('%') == std::string_view::npos)
        return false; // the common case: no parse
    param_list params;
    param_error perr;
    param_limits limits;
    limits.max_count = 1000;
    limits.max_size = form.size() + 1;
    if(parse_form(form, params, perr, limits))
        return form.find(name) != std::string_view::npos; // malformed: decide on the raw text
    return params.contains(name);
}
} // namespace detail

BEAST_OAUTH_DECL bearer_validator::algorithm::algorithm(bearer_validator const& v, std::string_view authorization,
                                                        std::string_view required_scope, resource_dpop const* dpop)
    : v_(v)
    , authorization_(authorization)
    , required_scope_(required_scope)
    , dpop_(dpop)
    , own_(std::in_place)
    , r_(*own_)
{
    r_.required_scope = std::string(required_scope);
}

BEAST_OAUTH_DECL bearer_validator::algorithm::algorithm(bearer_validator const& v, credentials&& read,
                                                        std::string_view required_scope, resource_dpop const* dpop,
                                                        bearer_result& out) noexcept
    : v_(v)
    , required_scope_(required_scope)
    , dpop_(dpop)
    , read_(std::move(read))
    , read_done_(true)
    , r_(out)
{
}

namespace detail {
inline bool bearer_failure(bearer_result& r, error e, std::string description)
{
    r.err = e;
    r.description = std::move(description);
    return false;
}
} // namespace detail

BEAST_OAUTH_DECL store_op* bearer_validator::algorithm::done(error e, std::string description)
{
    detail::bearer_failure(r_, e, std::move(description));
    return nullptr;
}

BEAST_OAUTH_DECL bool bearer_validator::read_credentials(std::string_view authorization, credentials& out,
                                                         bearer_result& r) const
{
    using detail::bearer_failure;
    std::string_view scheme;
    if(authorization.empty())
        return bearer_failure(r, error::invalid_token, "no access token"); // RFC 6750 3.1: no error attribute
    if(!detail::split_authorization(authorization, scheme, out.text))
    {
        if(detail::iequals(detail::trim_ows(authorization), "Bearer"))
        {
            r.credentials_present = true;
            return bearer_failure(r, error::invalid_request, "the Bearer credentials are empty");
        }
        return bearer_failure(r, error::invalid_token, "no access token");
    }
    out.dpop_scheme = detail::dpop_enabled(core_->options()) && detail::iequals(scheme, "DPoP");
    if(!out.dpop_scheme && !detail::iequals(scheme, "Bearer"))
        return bearer_failure(r, error::invalid_token, "no access token"); // another scheme: no Bearer credentials
    r.credentials_present = true;
    r.dpop = out.dpop_scheme;
    auto& p = out.presented;
    tokens_->read_access_token(out.text, p);
    // A genuine opaque token (its HMAC verifies) is b64token by construction: the syntax check
    // only runs to name what is wrong with one that does not verify, or for a JWT (the only
    // tokens read with claims).
    if((p.key.empty() || p.claims) && !detail::is_b64token(out.text))
        return bearer_failure(r, error::invalid_request, "the Bearer credentials are malformed");
    if(p.key.empty())
        return bearer_failure(r, error::invalid_token, std::move(p.why));
    // Before the store (and before a DPoP proof is verified): an expired JWT needs neither.
    if(p.claims && core_->now() >= p.claims->expires_at)
        return bearer_failure(r, error::invalid_token, "the access token expired");
    return true;
}

BEAST_OAUTH_DECL bool bearer_validator::check_token(token_record const* token, std::string const* proof_jkt,
                                                    std::string_view required_scope, bearer_result& r) const
{
    using detail::bearer_failure;
    if(!token || token->kind != token_kind::access)
        return bearer_failure(r, error::invalid_token, "the access token is invalid or revoked");
    if(core_->now() >= token->expires_at)
        return bearer_failure(r, error::invalid_token, "the access token expired");
    // RFC 9449 7.1: the proof's key is the token's; 7.2: a bound token is never a bearer token.
    if(proof_jkt && token->jkt != *proof_jkt)
        return bearer_failure(r, error::invalid_token,
                              token->jkt.empty() ? "the access token is not DPoP-bound"
                                                 : "the DPoP proof is signed by another key than the token's");
    if(!proof_jkt && !token->jkt.empty())
    {
        r.dpop = true;
        return bearer_failure(r, error::invalid_token, "a DPoP-bound access token must be sent with the DPoP scheme");
    }
    if(!required_scope.empty() && !scope_includes(token->scope, required_scope))
        return bearer_failure(r, error::insufficient_scope, "the access token lacks the required scope");
    return true;
}

BEAST_OAUTH_DECL store_op* bearer_validator::algorithm::check_proof(std::string_view token)
{
    // RFC 9449 7.1: one proof for this method and URL, with ath of this token.
    if(!dpop_ || dpop_->proof.empty())
        return done(error::invalid_dpop_proof, "the DPoP header is missing");
    if(dpop_->repeated)
        return done(error::invalid_dpop_proof, "more than one DPoP header");
    auto p = detail::check_dpop(v_.core(), dpop_->proof, dpop_->method, dpop_->url, token);
    if(!p)
    {
        if(p.error().err == error::use_dpop_nonce)
            r_.dpop_nonce = detail::dpop_nonce(v_.core());
        return done(p.error().err, p.error().description);
    }
    proof_ = std::move(*p);
    return nullptr;
}

BEAST_OAUTH_DECL store_op* bearer_validator::algorithm::step()
{
    BOOST_ASIO_CORO_REENTER(this)
    {
        if(!read_done_ && !v_.read_credentials(authorization_, read_, r_))
            return nullptr;
        if(read_.dpop_scheme)
        {
            check_proof(read_.text);
            if(!proof_)
                return nullptr;
        }
        // Opaque: the store has the record; JWT: revocation by jti (jwt_check_revocation).
        if(read_.needs_lookup())
        {
            op_.what = store_op::kind::find_token;
            op_.key = read_.presented.key;
            BOOST_ASIO_CORO_YIELD return &op_;
            token_ = std::move(op_.found);
        }
        else
            token_ = std::move(read_.presented.claims);
        if(!v_.check_token(token_.get(), proof_ ? &proof_->jkt : nullptr, required_scope_, r_))
            return nullptr;
        if(proof_)
        {
            // The replay cache last: only a proof for a valid token bound to its key is
            // remembered (RFC 9449 11.1), and each key adds at most its budget of entries, so
            // one token's holder cannot fill the cache for every other client.
            if(auto f = detail::dpop_budget_failure(v_.core(), "key:" + proof_->jkt))
            {
                r_.retry_after = f->retry_after;
                r_.rate_limited = true;
                return done(f->err, f->description);
            }
            detail::dpop_claim_op(v_.core(), *proof_, dpop_key_, op_);
            BOOST_ASIO_CORO_YIELD return &op_;
            if(auto f = detail::dpop_claim_failure(op_.jti))
            {
                r_.retry_after = f->retry_after;
                return done(f->err, f->description);
            }
            v_.core().dpop_budget_charge("key:" + proof_->jkt);
        }
        r_.token = std::move(token_);
    }
    return nullptr;
}

BEAST_OAUTH_DECL bearer_result bearer_validator::store_failure(std::exception_ptr ep) const
{
    bearer_result r;
    r.err = error::temporarily_unavailable;
    r.description = "the token store is unavailable";
    r.credentials_present = true;
    try
    {
        std::rethrow_exception(ep);
    }
    catch(store_unavailable const& e)
    {
        core_->log("store_unavailable", e.what());
        r.retry_after = e.retry_after();
    }
    catch(std::exception const& e)
    {
        core_->log("store_exception", e.what());
    }
    catch(...)
    {
        core_->log("store_exception", "unknown exception");
    }
    return r;
}

BEAST_OAUTH_DECL bearer_result bearer_validator::validate(std::string_view authorization,
                                                          std::string_view required_scope,
                                                          resource_dpop const* dpop) const
{
    detail::request_timer timer(core_->options());
    bearer_result r; // returned in place (NRVO), filled by the check
    if(!required_scope.empty()) // assign() is an out-of-line call even for nothing
        r.required_scope.assign(required_scope.data(), required_scope.size());
    try
    {
        credentials c;
        if(read_credentials(authorization, c, r)) // else r is the answer: nothing to look up
        {
            if(c.dpop_scheme)
            {
                algorithm a(*this, std::move(c), required_scope, dpop, r);
                run_sync(a, core_->stores());
            }
            else
            {
                // The Bearer scheme, the common path: the algorithm's steps without its object.
                auto token = c.needs_lookup()
                                 ? detail::require_store(core_->stores().tokens, detail::no_sync_store_message)
                                       .find_token(c.presented.key)
                                 : std::move(c.presented.claims);
                if(check_token(token.get(), nullptr, required_scope, r))
                    r.token = std::move(token);
            }
        }
    }
    catch(...)
    {
        r = store_failure(std::current_exception());
        r.required_scope.assign(required_scope.data(), required_scope.size());
    }
    timer.finish_bearer(r);
    return r;
}

BEAST_OAUTH_DECL std::optional<bearer_result> bearer_validator::check_single_method(http_request const& req,
                                                                                    std::string_view required_scope)
{
    namespace http = boost::beast::http;
    // RFC 6750 2: one method per request. Two Authorization fields, or a header token plus an
    // access_token in the query or a form body, would let two components check different tokens.
    if(req[http::field::authorization].empty())
        return std::nullopt;
    auto auths = req.equal_range(http::field::authorization);
    bool const twice = std::next(auths.first) != auths.second;
    auto q = req.target().find('?');
    bool const in_query = q != boost::beast::string_view::npos &&
                          detail::has_form_param(req.target().substr(q + 1), "access_token");
    bool const in_body = detail::iequals(detail::media_type(req[http::field::content_type]),
                                         "application/x-www-form-urlencoded") &&
                         detail::has_form_param(req.body(), "access_token");
    if(!twice && !in_query && !in_body)
        return std::nullopt;
    bearer_result r;
    r.required_scope = std::string(required_scope);
    r.credentials_present = true;
    r.err = error::invalid_request;
    r.description = "the access token was sent more than once or by more than one method";
    return r;
}

BEAST_OAUTH_DECL bearer_result bearer_validator::validate(http_request const& req, std::string_view required_scope) const
{
    if(auto refused = check_single_method(req, required_scope))
    {
        detail::request_timer(core_->options()).finish_bearer(*refused);
        return std::move(*refused);
    }
    auto const dpop = dpop_context(req);
    return validate(req[boost::beast::http::field::authorization], required_scope, &dpop);
}

BEAST_OAUTH_DECL resource_dpop bearer_validator::dpop_context(http_request const& req, std::string_view url) const
{
    resource_dpop d;
    auto h = detail::read_dpop_header(req);
    d.proof = std::string(h.value);
    d.repeated = h.repeated;
    d.method = std::string(req.method_string());
    if(!url.empty())
        d.url = std::string(url);
    else
        d.url = detail::issuer_origin(core_->options().issuer) + std::string(req.target());
    return d;
}

BEAST_OAUTH_DECL http_response bearer_validator::make_error(bearer_result const& r, http_request const& req) const
{
    namespace http = boost::beast::http;
    auto const& issuer = core_->options().issuer;
    bool const dpop_error = r.err == error::invalid_dpop_proof || r.err == error::use_dpop_nonce;
    // RFC 9449 7.1: the DPoP errors of a resource request are 401s.
    auto status = !r.credentials_present || dpop_error ? 401u : r.rate_limited ? 429u : http_status(r.err);
    http_response res{static_cast<http::status>(status), req.version()};
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    std::string challenge = std::string(r.dpop ? "DPoP" : "Bearer") + " realm=\"" +
                            (issuer.empty() ? std::string("api") : issuer) + "\"";
    if(r.dpop)
    {
        challenge += ", algs=\"";
        for(auto a : core_->options().dpop.algorithms)
            if(a != jws_alg::hs256)
                (challenge += jws_alg_name(a)) += ' ';
        if(challenge.back() == ' ')
            challenge.pop_back();
        challenge += '"';
    }
    if(r.credentials_present && (r.err == error::invalid_request || r.err == error::invalid_token ||
                                 r.err == error::insufficient_scope || dpop_error))
    {
        challenge += ", error=\"" + std::string(wire_name(r.err)) + "\", error_description=\"" + r.description + "\"";
        if(r.err == error::insufficient_scope && !r.required_scope.empty())
            challenge += ", scope=\"" + r.required_scope + "\"";
    }
    if(status == 401 || r.err == error::invalid_request || r.err == error::insufficient_scope)
        res.set(http::field::www_authenticate, challenge);
    if(r.err == error::use_dpop_nonce && !r.dpop_nonce.empty())
        res.set("DPoP-Nonce", r.dpop_nonce); // RFC 9449 9
    if(r.err == error::temporarily_unavailable && r.retry_after.count() > 0)
        res.set(http::field::retry_after, std::to_string(r.retry_after.count())); // RFC 9110 10.2.3
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = std::string("{\"error\":\"") + std::string(r.credentials_present ? wire_name(r.err) : "invalid_token") + "\"}";
    res.prepare_payload();
    return res;
}

} // namespace beast_oauth

#endif
