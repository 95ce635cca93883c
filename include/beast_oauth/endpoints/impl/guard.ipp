#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_GUARD_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_GUARD_IPP

#include <beast_oauth/endpoints/guard.hpp>
#include <beast_oauth/detail/http_response.hpp>
#include <beast_oauth/endpoints/page_response.hpp>
#include <beast_oauth/storage.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL http_response make_server_error(server_core const& core, http_request const& req, error e,
                                                 std::chrono::seconds retry_after)
{
    http_response res;
    if(detail::target_path(req) == core.options().authorize_path)
        res = make_error_page(req, "The server could not complete the request. Please try again later.",
                              http_status(e), core.options().sign_in);
    else
        res = detail::json_response(req, http_status(e), std::string("{\"error\":\"") + std::string(wire_name(e)) + "\"}");
    if(retry_after.count() > 0)
        res.set(boost::beast::http::field::retry_after, std::to_string(retry_after.count()));
    return res;
}

BEAST_OAUTH_DECL http_response response_for_exception(server_core const& core, http_request const& req,
                                                      std::exception_ptr ep)
{
    try
    {
        std::rethrow_exception(ep);
    }
    catch(store_unavailable const& e)
    {
        core.log("store_unavailable", e.what());
        return make_server_error(core, req, error::temporarily_unavailable, e.retry_after());
    }
    catch(std::exception const& e)
    {
        core.log("store_exception", e.what());
        return make_server_error(core, req);
    }
    catch(...)
    {
        core.log("store_exception", "unknown exception");
        return make_server_error(core, req);
    }
}

} // namespace beast_oauth

#endif
