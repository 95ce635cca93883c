#ifndef BEAST_OAUTH_ENDPOINTS_METADATA_HPP
#define BEAST_OAUTH_ENDPOINTS_METADATA_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/core.hpp>
#include <beast_oauth/http_types.hpp>
#include <memory>

namespace beast_oauth {

class token_handler;

/** `GET` of the metadata path (RFC 8414) and of the JWKS path (RFC 7517). The metadata lists
    exactly what is enabled: endpoints with a path, the grant types registered on `token`.

    @par Thread Safety
    Immutable; safe to call concurrently. `token` must outlive it.
    @handler_exception_safety
*/
class metadata_handler
{
public:
    BEAST_OAUTH_DECL metadata_handler(std::shared_ptr<server_core const> core, token_handler const& token);

    /// RFC 8414 3: the metadata document (GET and HEAD; 405 otherwise).
    BEAST_OAUTH_DECL http_response handle_metadata(http_request const& req) const;
    /// RFC 7517: the public signing keys. Needs `signing_keys`.
    BEAST_OAUTH_DECL http_response handle_jwks(http_request const& req) const;

private:
    std::shared_ptr<server_core const> core_;
    token_handler const& token_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/metadata.ipp>
#endif

#endif
