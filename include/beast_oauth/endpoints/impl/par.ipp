#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_PAR_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_PAR_IPP

// Pushed authorization requests, RFC 9126.

#include <beast_oauth/endpoints/par.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/detail/request_uri.hpp>
#include <beast_oauth/endpoints/guard.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL par_handler::par_handler(std::shared_ptr<server_core const> core, authorize_handler const& authorize)
    : core_(std::move(core))
    , authorize_(authorize)
{
}

BEAST_OAUTH_DECL par_handler::algorithm::algorithm(par_handler const& h, http_request const& req,
                                                   request_context const& ctx)
    : authenticated_request(*h.core_, req, ctx, false)
    , h_(h)
{
}

BEAST_OAUTH_DECL store_op* par_handler::algorithm::step()
{
    auto const& o = core_.options();
    BOOST_ASIO_CORO_REENTER(this)
    {
        if(o.par_path.empty())
            return answer_error(fail(error::invalid_request, "pushed authorization requests are off", 404));
        // RFC 9126 2.1: client authentication as at the token endpoint (throttled alike).
        while((next_ = auth_.step()) != nullptr)
            BOOST_ASIO_CORO_YIELD return next_;
        if(!auth_.result())
            return answer_error(auth_.result().error());
        {
            auto const& params = auth_.result()->params;
            auto const& client = auth_.result()->client;
            // RFC 9126 2.1: request_uri must not be pushed; request objects (RFC 9101) are not supported.
            if(params.contains("request_uri"))
                return answer_error(fail(error::invalid_request, "request_uri must not be pushed"));
            if(params.contains("request"))
                return answer_error(fail(error::invalid_request, "request objects are not supported"));
            // The authenticated client is the request's client, whatever the body says (Basic
            // authentication may leave client_id out of the body; a different one was refused).
            param_list request;
            request.add("client_id", client->client_id);
            for(auto const& p : params)
                if(p.first != "client_id")
                    request.add(p.first, p.second);
            // RFC 9126 2.1: validated as an authorization request; 2.3: errors as RFC 6749 5.2 JSON.
            auto ar = h_.authorize_.check_request_fields(request, client);
            if(!ar)
            {
                auto f = ar.error();
                f.may_redirect = false;
                f.redirect_location.clear();
                return answer_error(f);
            }
            auto const expires = core_.now() + o.par_ttl;
            auto request_uri = detail::seal_request_uri(core_.par_key(), client->client_id, request, expires);
            if(request_uri.size() > o.limits.max_size)
                return answer_error(fail(error::invalid_request, "the authorization request is too large to push"));
            boost::json::object body;
            body["request_uri"] = request_uri;
            body["expires_in"] = o.par_ttl.count(); // RFC 9126 2.2
            res_ = detail::json_response(req_, 201, boost::json::serialize(body));
        }
    }
    return nullptr;
}

BEAST_OAUTH_DECL http_response par_handler::handle(http_request const& req, request_context const& ctx) const
{
    return detail::run_endpoint<algorithm>(*core_, *this, req, ctx);
}

} // namespace beast_oauth

#endif
