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
#include <beast_oauth/rate_limiter.hpp>
#include <beast_oauth/throttle.hpp>
#include <beast_oauth/audit.hpp>
#include <beast_oauth/model.hpp>
#include <beast_oauth/storage.hpp>
#include <beast_oauth/memory_store.hpp>
#include <beast_oauth/sign_in_page.hpp>
#include <beast_oauth/options.hpp>
#include <beast_oauth/server.hpp>
#include <beast_oauth/grants.hpp>
#include <beast_oauth/grant_manager.hpp>
#include <beast_oauth/beast.hpp>
#include <beast_oauth/request_shape.hpp>
#include <beast_oauth/forwarded.hpp>

#endif
