#ifndef BEAST_OAUTH_IMPL_FAILURE_IPP
#define BEAST_OAUTH_IMPL_FAILURE_IPP

#include <beast_oauth/failure.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL http_response render_json_error(http_request const& req, oauth_failure const& f,
                                                 std::string_view realm)
{
    namespace http = boost::beast::http;
    boost::json::object o;
    o["error"] = wire_name(f.err);
    if(!f.description.empty())
        o["error_description"] = f.description;
    auto res = detail::json_response(req, f.http_status(), boost::json::serialize(o));
    // RFC 6749 5.2 requires the challenge when Basic was tried; RFC 9110 15.5.2 for any 401.
    if(f.err == error::invalid_client && f.http_status() == 401)
        res.set(http::field::www_authenticate,
                "Basic realm=\"" + std::string(realm.empty() ? std::string_view("oauth") : realm) +
                    "\", charset=\"UTF-8\"");
    if(f.retry_after.count() > 0)
        res.set(http::field::retry_after, std::to_string(f.retry_after.count()));
    if(!f.allow.empty())
        res.set(http::field::allow, f.allow);
    return res;
}

} // namespace beast_oauth

#endif
