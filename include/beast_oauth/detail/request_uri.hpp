#ifndef BEAST_OAUTH_DETAIL_REQUEST_URI_HPP
#define BEAST_OAUTH_DETAIL_REQUEST_URI_HPP

// The request_uri of a pushed authorization request (RFC 9126 2.2), stateless: the validated
// request's parameters, a single-use id and the expiry, sealed with AES-256-GCM under a key of
// its own; the client_id is associated data, so the value opens only for the client that pushed.

#include <beast_oauth/config.hpp>
#include <beast_oauth/detail/aead.hpp>
#include <beast_oauth/model.hpp>
#include <beast_oauth/params.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace beast_oauth { namespace detail {

/// The parameters that define an authorization request (RFC 6749 4.1.1, RFC 7636 4.3): what a
/// pushed request keeps and what the sign-in form posts back.
constexpr std::string_view authorization_params[] = {
    "response_type", "client_id", "redirect_uri", "state", "scope",
    "code_challenge", "code_challenge_method", "prompt"};

/// RFC 9126 2.2: the URN prefix of a request_uri.
constexpr std::string_view request_uri_prefix = "urn:ietf:params:oauth:request_uri:";

/// A pushed request, opened.
struct pushed_request
{
    param_list params;
    /// Claimed once, when a code is issued (`code_store::claim_code` key "par:" + id).
    std::string id;
    time_point expires_at{};
};

/** The request_uri for `params` (the authorization_params among them) of `client_id`.
    @throws std::runtime_error if OpenSSL fails */
BEAST_OAUTH_DECL std::string seal_request_uri(aead_key const& key, std::string_view client_id, param_list const& params,
                                              time_point expires_at);

/** The pushed request, when `request_uri` was sealed with `key` for `client_id` and is unaltered
    (expiry not checked: the caller compares `expires_at` with its clock). */
BEAST_OAUTH_DECL std::optional<pushed_request> open_request_uri(aead_key const& key, std::string_view client_id,
                                                                std::string_view request_uri);

}} // namespace beast_oauth::detail

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/detail/impl/request_uri.ipp>
#endif

#endif
