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
#include <beast_oauth/detail/impl/session_cookie.ipp>
#include <beast_oauth/impl/params.ipp>
#include <beast_oauth/impl/redirect_uri.ipp>
#include <beast_oauth/impl/scope.ipp>
#include <beast_oauth/impl/pkce.ipp>
#include <beast_oauth/impl/secret_hash.ipp>
#include <beast_oauth/impl/key_file.ipp>
#include <beast_oauth/impl/jwt.ipp>
#include <beast_oauth/impl/rate_limiter.ipp>
#include <beast_oauth/impl/throttle.ipp>
#include <beast_oauth/impl/request_shape.ipp>
#include <beast_oauth/impl/forwarded.ipp>
#include <beast_oauth/impl/audit.ipp>
#include <beast_oauth/impl/token_codec.ipp>
#include <beast_oauth/impl/memory_store.ipp>
#include <beast_oauth/impl/sign_in_page.ipp>
#include <beast_oauth/impl/server.ipp>
#include <beast_oauth/impl/authorize_endpoint.ipp>
#include <beast_oauth/impl/token_endpoint.ipp>
#include <beast_oauth/impl/jwt_tokens.ipp>
#include <beast_oauth/impl/revocation_endpoint.ipp>
#include <beast_oauth/impl/bearer.ipp>
#include <beast_oauth/impl/grant_manager.ipp>
#include <beast_oauth/impl/beast.ipp>

#endif
