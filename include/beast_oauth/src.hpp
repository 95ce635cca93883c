#ifndef BEAST_OAUTH_SRC_HPP
#define BEAST_OAUTH_SRC_HPP

/** @file
    Include in exactly one translation unit of a program built with
    `BEAST_OAUTH_SEPARATE_COMPILATION` to compile beast-oauth once.
*/

#include <beast_oauth/config.hpp>

#ifndef BEAST_OAUTH_SEPARATE_COMPILATION
#error Define BEAST_OAUTH_SEPARATE_COMPILATION to use <beast_oauth/src.hpp>
#endif

#include <beast_oauth/beast_oauth.hpp>

#include <beast_oauth/impl/error.ipp>
#include <beast_oauth/detail/impl/crypto.ipp>
#include <beast_oauth/impl/params.ipp>
#include <beast_oauth/impl/redirect_uri.ipp>
#include <beast_oauth/impl/scope.ipp>
#include <beast_oauth/impl/pkce.ipp>
#include <beast_oauth/impl/secret_hash.ipp>
#include <beast_oauth/impl/key_file.ipp>
#include <beast_oauth/impl/jwt.ipp>
#include <beast_oauth/impl/dpop.ipp>
#include <beast_oauth/impl/rate_limiter.ipp>
#include <beast_oauth/impl/throttle.ipp>
#include <beast_oauth/impl/request_shape.ipp>
#include <beast_oauth/impl/forwarded.ipp>
#include <beast_oauth/impl/audit.ipp>
#include <beast_oauth/impl/metrics.ipp>
#include <beast_oauth/detail/impl/request_timer.ipp>
#include <beast_oauth/impl/token_codec.ipp>
#include <beast_oauth/impl/memory_store.ipp>
#include <beast_oauth/impl/memory_store_dpop.ipp>
#include <beast_oauth/impl/sign_in_page.ipp>
#include <beast_oauth/detail/impl/aead.ipp>
#include <beast_oauth/detail/impl/session_cookie.ipp>
#include <beast_oauth/detail/impl/request_uri.ipp>
#include <beast_oauth/impl/grant_manager.ipp>
#include <beast_oauth/impl/store_op.ipp>
#include <beast_oauth/impl/async_storage.ipp>
#include <beast_oauth/impl/failure.ipp>
#include <beast_oauth/impl/core.ipp>
#include <beast_oauth/impl/token_strategy.ipp>
#include <beast_oauth/endpoints/impl/page_response.ipp>
#include <beast_oauth/endpoints/impl/guard.ipp>
#include <beast_oauth/endpoints/impl/client_authentication.ipp>
#include <beast_oauth/grants/impl/grant_handler.ipp>
#include <beast_oauth/grants/impl/authorization_code.ipp>
#include <beast_oauth/grants/impl/refresh_token.ipp>
#include <beast_oauth/endpoints/impl/token.ipp>
#include <beast_oauth/endpoints/impl/token_lookup.ipp>
#include <beast_oauth/endpoints/impl/revocation.ipp>
#include <beast_oauth/endpoints/impl/introspection.ipp>
#include <beast_oauth/endpoints/impl/par.ipp>
#include <beast_oauth/endpoints/impl/metadata.ipp>
#include <beast_oauth/endpoints/impl/bearer.ipp>
#include <beast_oauth/endpoints/impl/authorize_page.ipp>
#include <beast_oauth/endpoints/impl/authorize.ipp>
#include <beast_oauth/endpoints/impl/authorize_algorithm.ipp>
#include <beast_oauth/impl/server.ipp>
#include <beast_oauth/impl/dispatch.ipp>
#include <beast_oauth/impl/beast.ipp>

#endif
