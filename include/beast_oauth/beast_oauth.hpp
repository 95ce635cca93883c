#ifndef BEAST_OAUTH_HPP
#define BEAST_OAUTH_HPP

/** @file
    Umbrella header: everything a vendor needs to mount beast-oauth.
*/

#include <beast_oauth/version.hpp>
#include <beast_oauth/config.hpp>
#include <beast_oauth/error.hpp>
#include <beast_oauth/params.hpp>
#include <beast_oauth/redirect_uri.hpp>
#include <beast_oauth/scope.hpp>
#include <beast_oauth/pkce.hpp>
#include <beast_oauth/secret_hash.hpp>
#include <beast_oauth/key_file.hpp>
#include <beast_oauth/token_codec.hpp>
#include <beast_oauth/jwt.hpp>
#include <beast_oauth/dpop.hpp>
#include <beast_oauth/rate_limiter.hpp>
#include <beast_oauth/throttle.hpp>
#include <beast_oauth/audit.hpp>
#include <beast_oauth/metrics.hpp>
#include <beast_oauth/model.hpp>
#include <beast_oauth/storage.hpp>
#include <beast_oauth/memory_store.hpp>
#include <beast_oauth/sign_in_page.hpp>
#include <beast_oauth/options.hpp>
#include <beast_oauth/store_op.hpp>
#include <beast_oauth/async_storage.hpp>
#include <beast_oauth/async_run.hpp>
#include <beast_oauth/failure.hpp>
#include <beast_oauth/core.hpp>
#include <beast_oauth/token_strategy.hpp>
#include <beast_oauth/grants/grant_handler.hpp>
#include <beast_oauth/grants/authorization_code.hpp>
#include <beast_oauth/grants/refresh_token.hpp>
#include <beast_oauth/endpoints/client_authentication.hpp>
#include <beast_oauth/endpoints/authorize.hpp>
#include <beast_oauth/endpoints/authorize_page.hpp>
#include <beast_oauth/endpoints/token.hpp>
#include <beast_oauth/endpoints/revocation.hpp>
#include <beast_oauth/endpoints/introspection.hpp>
#include <beast_oauth/endpoints/par.hpp>
#include <beast_oauth/endpoints/metadata.hpp>
#include <beast_oauth/endpoints/bearer.hpp>
#include <beast_oauth/endpoints/page_response.hpp>
#include <beast_oauth/endpoints/guard.hpp>
#include <beast_oauth/server.hpp>
#include <beast_oauth/dispatch.hpp>
#include <beast_oauth/grants.hpp>
#include <beast_oauth/grant_manager.hpp>
#include <beast_oauth/beast.hpp>
#include <beast_oauth/request_shape.hpp>
#include <beast_oauth/forwarded.hpp>

#endif
