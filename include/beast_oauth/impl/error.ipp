#ifndef BEAST_OAUTH_IMPL_ERROR_IPP
#define BEAST_OAUTH_IMPL_ERROR_IPP

#include <beast_oauth/error.hpp>
#include <string>

namespace beast_oauth {

namespace detail {
class oauth_error_category final : public boost::system::error_category
{
public:
    oauth_error_category() noexcept : error_category(0x6b0a7c1e2f3d4a59ULL) {}
    char const* name() const noexcept override { return "beast_oauth"; }
    std::string message(int ev) const override
    {
        return std::string(wire_name(static_cast<error>(ev)));
    }
    char const* message(int ev, char* buf, std::size_t len) const noexcept override
    {
        auto s = wire_name(static_cast<error>(ev));
        if(len == 0)
            return buf;
        auto n = s.size() < len - 1 ? s.size() : len - 1;
        s.copy(buf, n);
        buf[n] = 0;
        return buf;
    }
};
} // namespace detail

BEAST_OAUTH_DECL boost::system::error_category const& oauth_category() noexcept
{
    static detail::oauth_error_category const cat;
    return cat;
}

BEAST_OAUTH_DECL boost::system::error_code make_error_code(error e) noexcept
{
    return {static_cast<int>(e), oauth_category()};
}

BEAST_OAUTH_DECL std::string_view wire_name(error e) noexcept
{
    switch(e)
    {
    case error::invalid_request: return "invalid_request";
    case error::invalid_client: return "invalid_client";
    case error::invalid_grant: return "invalid_grant";
    case error::unauthorized_client: return "unauthorized_client";
    case error::unsupported_grant_type: return "unsupported_grant_type";
    case error::unsupported_response_type: return "unsupported_response_type";
    case error::invalid_scope: return "invalid_scope";
    case error::access_denied: return "access_denied";
    case error::server_error: return "server_error";
    case error::temporarily_unavailable: return "temporarily_unavailable";
    case error::invalid_token: return "invalid_token";
    case error::insufficient_scope: return "insufficient_scope";
    case error::invalid_request_uri: return "invalid_request_uri";
    case error::request_uri_not_supported: return "request_uri_not_supported";
    case error::invalid_dpop_proof: return "invalid_dpop_proof";
    case error::use_dpop_nonce: return "use_dpop_nonce";
    }
    return "server_error";
}

BEAST_OAUTH_DECL unsigned http_status(error e) noexcept
{
    switch(e)
    {
    case error::invalid_client:
    case error::invalid_token: return 401;
    case error::insufficient_scope: return 403;
    case error::server_error: return 500;
    case error::temporarily_unavailable: return 503;
    default: return 400;
    }
}

} // namespace beast_oauth

#endif
