#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_METADATA_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_METADATA_IPP

// Authorization server metadata (RFC 8414) and the JWKS (RFC 7517).

#include <beast_oauth/endpoints/metadata.hpp>
#include <beast_oauth/detail/dpop_check.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/endpoints/token.hpp>
#include <beast_oauth/failure.hpp>
#include <beast_oauth/jwt.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL metadata_handler::metadata_handler(std::shared_ptr<server_core const> core, token_handler const& token)
    : core_(std::move(core))
    , token_(token)
{
}

BEAST_OAUTH_DECL http_response metadata_handler::handle_metadata(http_request const& req) const
{
    namespace http = boost::beast::http;
    auto const& options = core_->options();
    if(req.method() != http::verb::get && req.method() != http::verb::head)
    {
        auto f = fail(error::invalid_request, "this endpoint accepts only GET", 405);
        f.allow = "GET, HEAD";
        return render_json_error(req, f, options.issuer);
    }
    // RFC 8414 2: endpoints are absolute URLs under the issuer.
    auto const& iss = options.issuer;
    boost::json::object o;
    o["issuer"] = iss;
    o["authorization_endpoint"] = iss + options.authorize_path;
    o["token_endpoint"] = iss + options.token_path;
    if(!options.revocation_path.empty())
    {
        o["revocation_endpoint"] = iss + options.revocation_path;
        o["revocation_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic", "client_secret_post", "none"};
    }
    if(!options.introspection_path.empty())
    {
        o["introspection_endpoint"] = iss + options.introspection_path;
        o["introspection_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic", "client_secret_post"};
    }
    o["response_types_supported"] = boost::json::array{"code"};
    o["response_modes_supported"] = boost::json::array{"query"};
    boost::json::array grants;
    for(auto const& g : token_.grant_types())
        grants.emplace_back(g);
    o["grant_types_supported"] = std::move(grants);
    o["token_endpoint_auth_methods_supported"] = boost::json::array{"client_secret_basic", "client_secret_post", "none"};
    if(options.allow_plain_pkce)
        o["code_challenge_methods_supported"] = boost::json::array{"S256", "plain"};
    else
        o["code_challenge_methods_supported"] = boost::json::array{"S256"};
    o["authorization_response_iss_parameter_supported"] = !iss.empty(); // RFC 9207 3
    if(!options.par_path.empty())
    {
        o["pushed_authorization_request_endpoint"] = iss + options.par_path; // RFC 9126 5
        if(options.require_pushed_authorization_requests)
            o["require_pushed_authorization_requests"] = true;
    }
    if(options.signing_keys && !options.jwks_path.empty())
        o["jwks_uri"] = iss + options.jwks_path;
    if(detail::dpop_enabled(options)) // RFC 9449 5.1
    {
        boost::json::array algs;
        for(auto a : options.dpop.algorithms)
            if(a != jws_alg::hs256)
                algs.emplace_back(jws_alg_name(a));
        o["dpop_signing_alg_values_supported"] = std::move(algs);
    }
    auto res = detail::json_response(req, 200, boost::json::serialize(o));
    res.set(http::field::cache_control, "public, max-age=3600");
    res.erase(http::field::pragma);
    if(req.method() == http::verb::head)
        res.body().clear(); // RFC 9110 9.3.2 (Content-Length stays the GET's)
    return res;
}

BEAST_OAUTH_DECL http_response metadata_handler::handle_jwks(http_request const& req) const
{
    namespace http = boost::beast::http;
    auto res = detail::json_response(req, 200, boost::json::serialize(core_->options().signing_keys->jwks()));
    res.set(http::field::cache_control, "public, max-age=300");
    res.erase(http::field::pragma);
    return res;
}

} // namespace beast_oauth

#endif
