#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_TOKEN_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_TOKEN_IPP

// The token endpoint: RFC 6749 3.2, 4.1.3, 5.1, 5.2; grants dispatched by grant_type.

#include <beast_oauth/endpoints/token.hpp>
#include <beast_oauth/endpoints/guard.hpp>
#include <beast_oauth/detail/dpop_check.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/grants/authorization_code.hpp>
#include <beast_oauth/grants/refresh_token.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL token_handler::token_handler(std::shared_ptr<server_core const> core,
                                              std::shared_ptr<token_issuer const> issuer)
    : core_(std::move(core))
    , issuer_(std::move(issuer))
{
    add_grant(std::make_shared<authorization_code_grant>());
    add_grant(std::make_shared<refresh_token_grant>());
}

BEAST_OAUTH_DECL void token_handler::add_grant(std::shared_ptr<grant_handler const> grant)
{
    auto name = std::string(grant->grant_type());
    grants_[name] = std::move(grant);
}

BEAST_OAUTH_DECL std::vector<std::string> token_handler::grant_types() const
{
    // The built-ins first (as metadata listed them), then the registered extensions.
    std::vector<std::string> out{"authorization_code", "refresh_token"};
    for(auto const& [name, g] : grants_)
        if(name != "authorization_code" && name != "refresh_token")
            out.push_back(name);
    return out;
}

BEAST_OAUTH_DECL grant_handler const* token_handler::find_grant(std::string_view grant_type) const
{
    auto it = grants_.find(grant_type);
    return it == grants_.end() ? nullptr : it->second.get();
}

BEAST_OAUTH_DECL token_handler::algorithm::algorithm(token_handler const& h, http_request const& req,
                                                     request_context const& ctx)
    : authenticated_request(h.core(), req, ctx, h.core().options().profile == profile::seam)
    , h_(h)
{
}

BEAST_OAUTH_DECL store_op* token_handler::algorithm::step()
{
    auto const& core = core_;
    BOOST_ASIO_CORO_REENTER(this)
    {
        while((next_ = auth_.step()) != nullptr)
            BOOST_ASIO_CORO_YIELD return next_;
        if(!auth_.result())
            return answer_error(auth_.result().error());
        {
            auto const& r = *auth_.result();
            // Grant type (RFC 6749 4.1.3, 6); the Seam profile infers authorization_code.
            auto gt = r.params.get("grant_type");
            if(!gt)
            {
                if(core.options().profile == profile::seam && r.params.contains("code"))
                    gt = std::string_view("authorization_code");
                else
                    return answer_error(fail(error::invalid_request, "grant_type is required"));
            }
            grant_type_ = std::string(*gt);
            handler_ = h_.find_grant(grant_type_);
            if(!handler_)
                return answer_error(fail(error::unsupported_grant_type,
                                   "grant_type '" + grant_type_.substr(0, 64) + "' is not supported"));
            if(!r.client->allows_grant(grant_type_))
                return answer_error(fail(error::unauthorized_client, "this client may not use this grant type"));
            // RFC 9449 5: a valid proof binds the tokens. With DPoP disabled the header is
            // ignored and Bearer tokens are issued (RFC 9449 5: the client sees token_type).
            if(detail::dpop_enabled(core.options()))
            {
                auto h = detail::read_dpop_header(req_);
                if(h.repeated)
                    return answer_error(fail(error::invalid_dpop_proof, "more than one DPoP header"));
                if(h.present)
                {
                    auto p = detail::check_dpop(core, h.value, "POST", core.options().issuer + core.options().token_path, {});
                    if(!p)
                    {
                        answer_error(p.error());
                        if(p.error().err == error::use_dpop_nonce)
                            res_.set("DPoP-Nonce", detail::dpop_nonce(core));
                        return nullptr;
                    }
                    dpop_ = std::move(*p);
                }
                else if(r.client->dpop_bound_access_tokens)
                    return answer_error(fail(error::invalid_dpop_proof, "this client must send a DPoP proof"));
            }
        }
        if(dpop_)
        {
            // The replay cache last, after every stateless check and before the grant changes
            // any state: a replayed proof never reaches a code or a refresh token. A public
            // client needs no secret, so anyone can send proofs here: each address adds at
            // most its budget of entries, and cannot fill the cache for the others.
            dpop_source_ = detail::dpop_address_source(core, ctx_);
            if(auto f = detail::dpop_budget_failure(core, dpop_source_))
                return answer_error(*f);
            detail::dpop_claim_op(core, *dpop_, dpop_key_, dpop_op_);
            BOOST_ASIO_CORO_YIELD return &dpop_op_;
            if(auto f = detail::dpop_claim_failure(dpop_op_.jti))
                return answer_error(*f);
            core.dpop_budget_charge(dpop_source_);
        }
        {
            auto const& r = *auth_.result();
            grant_req_.emplace(grant_request{grant_type_, r.params, *r.client, ctx_, h_.issuer(),
                                             dpop_ ? std::string_view(dpop_->jkt) : std::string_view(),
                                             core.now()});
            grant_ = handler_->start(*grant_req_);
        }
        while((next_ = grant_->step()) != nullptr)
            BOOST_ASIO_CORO_YIELD return next_;
        if(!grant_->result())
            return answer_error(grant_->result().error());
        res_ = render_token_response(core, req_, ctx_, *auth_.result()->client, grant_type_, *grant_->result());
        if(dpop_ && core.options().dpop.require_nonce)
            res_.set("DPoP-Nonce", detail::dpop_nonce(core)); // RFC 9449 8: the next nonce
    }
    return nullptr;
}

BEAST_OAUTH_DECL http_response token_handler::handle(http_request const& req, request_context const& ctx) const
{
    return detail::run_endpoint<algorithm>(*core_, *this, req, ctx);
}

namespace detail {
// Appends `v` as a JSON string (quoted, escaped by Boost.JSON's serializer) without the
// temporary std::string that json::serialize returns: four of them per token response.
inline void append_json_string(std::string& out, std::string_view v)
{
    boost::json::serializer sr;
    sr.reset(boost::json::string_view(v.data(), v.size()));
    char buf[256];
    while(!sr.done())
    {
        auto chunk = sr.read(buf, sizeof buf);
        out.append(chunk.data(), chunk.size());
    }
}
} // namespace detail

BEAST_OAUTH_DECL http_response render_token_response(server_core const& core, http_request const& req,
                                                     request_context const& ctx, client const& c,
                                                     std::string_view grant_type, token_response const& t)
{
    // RFC 6749 5.1. Written directly unless the vendor adds fields (then through a
    // json::object they can edit); string values go through Boost.JSON's escaping.
    auto const& o = core.options();
    std::string body;
    auto const& uid = o.user_id_field;
    bool const uid_is_standard = uid == "access_token" || uid == "token_type" || uid == "expires_in" ||
                                 uid == "refresh_token" || uid == "scope"; // (then the object path decides)
    if(!o.extra_token_fields && !uid_is_standard)
    {
        body.reserve(128 + t.access_token.size() + t.refresh_token.size() + t.scope.size() + t.subject.size());
        auto member = [&body](std::string_view name, std::string_view value) {
            body += ',';
            detail::append_json_string(body, name);
            body += ':';
            detail::append_json_string(body, value);
        };
        body += "{\"access_token\":";
        detail::append_json_string(body, t.access_token);
        body += t.dpop_bound ? ",\"token_type\":\"DPoP\",\"expires_in\":" : ",\"token_type\":\"Bearer\",\"expires_in\":";
        body += std::to_string(t.expires_in);
        if(!t.refresh_token.empty())
            member("refresh_token", t.refresh_token);
        // RFC 6749 5.1: scope only when it differs from what the client asked for.
        if(t.scope_changed && !t.scope.empty())
            member("scope", t.scope);
        if(!uid.empty())
            member(uid, t.subject);
        body += '}';
    }
    else
    {
        boost::json::object j;
        j["access_token"] = t.access_token;
        j["token_type"] = t.dpop_bound ? "DPoP" : "Bearer";
        j["expires_in"] = t.expires_in;
        if(!t.refresh_token.empty())
            j["refresh_token"] = t.refresh_token;
        if(t.scope_changed && !t.scope.empty())
            j["scope"] = t.scope;
        if(!uid.empty())
            j[uid] = t.subject;
        if(o.extra_token_fields)
            o.extra_token_fields(token_response_context{c, t.subject, t.scope, grant_type}, j);
        body = boost::json::serialize(j);
    }
    core.audit(audit_event_type::token_issued, ctx, c.client_id, t.subject, {}, t.grant_id, grant_type);
    return detail::json_response(req, 200, std::move(body));
}

} // namespace beast_oauth

#endif
