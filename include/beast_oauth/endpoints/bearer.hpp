#ifndef BEAST_OAUTH_ENDPOINTS_BEARER_HPP
#define BEAST_OAUTH_ENDPOINTS_BEARER_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/endpoints/handler_base.hpp>
#include <beast_oauth/core.hpp>
#include <beast_oauth/dpop.hpp>
#include <beast_oauth/error.hpp>
#include <beast_oauth/http_types.hpp>
#include <beast_oauth/store_op.hpp>
#include <beast_oauth/token_strategy.hpp>
#include <boost/asio/coroutine.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace beast_oauth {

/** Result of validating a bearer token (RFC 6750). */
struct bearer_result
{
    /// The token's record when valid: subject, client_id, scope, expires_at.
    std::shared_ptr<token_record const> token;
    /// `invalid_request`, `invalid_token` or `insufficient_scope` when not valid.
    error err{};
    /// Client-safe reason.
    std::string description;
    /// False when the request carried no credentials at all (RFC 6750 3.1: then no error code).
    bool credentials_present = false;
    /// The scope the resource required (for the challenge's `scope` attribute).
    std::string required_scope;
    /// With `temporarily_unavailable` (the token store threw @ref store_unavailable): its retry hint.
    std::chrono::seconds retry_after{0};
    /// With `temporarily_unavailable`: the token's key spent its DPoP proof budget (429, not 503).
    bool rate_limited = false;
    /// The `DPoP` scheme was used or is required (RFC 9449 7.1): the challenge is `DPoP`.
    bool dpop = false;
    /// With `use_dpop_nonce`: the nonce to send in `DPoP-Nonce` (RFC 9449 9).
    std::string dpop_nonce;

    bool ok() const noexcept { return token != nullptr; }
    /// The token's subject (the resource owner whose resources it may reach); empty when not valid.
    std::string_view subject() const noexcept { return token ? std::string_view(token->subject) : std::string_view(); }
};

/** What a resource request tells a DPoP check (RFC 9449 7.1): the `DPoP` header, the
    method and the request's absolute URL (`htu`). */
struct resource_dpop
{
    /// The `DPoP` header's value; empty when absent.
    std::string proof;
    /// More than one `DPoP` header (refused, RFC 9449 4.3).
    bool repeated = false;
    std::string method;
    std::string url;
};

/** Validates `Authorization: Bearer` on resource requests (RFC 6750 2.1, 3), and
    `Authorization: DPoP` with a `DPoP` proof when DPoP is enabled (RFC 9449 7): the proof
    matches the request (htm, htu), the token (`ath`) and the token's key (`cnf.jkt`), and is
    used once; a DPoP-bound token presented as `Bearer` is refused (RFC 9449 7.2).

    Use `validate(req, "intercoms.write")` in every device route, and answer a failure with
    @ref make_error (401/400/403 with `WWW-Authenticate: Bearer`). Then compare
    `subject()` with the owner of the resource asked for.

    @handler_contract
*/
class bearer_validator : public handler_base
{
public:
    using handler_base::handler_base;

    /** One check as a sans-io algorithm (see @ref store_op): `authorization` (the header's
        value) and `required_scope` must outlive it. */
    class algorithm;

    /** What an `Authorization` header presents, read before any store is asked (RFC 6750
        2.1, RFC 9449 7.1): the scheme, the credentials and the verified token (opaque: its
        store key; JWT: its claims). Both drivers of the check share it: @ref validate reads
        it, asks the token store once and checks the record without an algorithm object (the
        common Bearer path); a DPoP proof goes through @ref algorithm. */
    struct credentials
    {
        std::string_view text;
        token_strategy::presented_access presented;
        bool dpop_scheme = false;

        /// Whether the token store must be asked (opaque tokens; JWTs with `jwt_check_revocation`).
        bool needs_lookup() const noexcept { return !presented.claims || presented.needs_lookup; }
    };

    class algorithm : boost::asio::coroutine
    {
    public:
        /// `dpop` (null: no DPoP context, so the DPoP scheme fails) outlives the algorithm.
        BEAST_OAUTH_DECL algorithm(bearer_validator const& v, std::string_view authorization,
                                   std::string_view required_scope, resource_dpop const* dpop = nullptr);
        algorithm(algorithm const&) = delete;
        algorithm& operator=(algorithm const&) = delete;
        BEAST_OAUTH_DECL store_op* step();
        bearer_result& result() noexcept { return r_; }

    private:
        friend class bearer_validator;
        // validate(), for the DPoP scheme: the credentials it already read (a JWT's signature is
        // not verified twice), and the result built in place in the caller's return value.
        BEAST_OAUTH_DECL algorithm(bearer_validator const& v, credentials&& read, std::string_view required_scope,
                                   resource_dpop const* dpop, bearer_result& out) noexcept;

        store_op* done(error e, std::string description);
        store_op* check_proof(std::string_view token);

        bearer_validator const& v_;
        std::string_view authorization_;
        std::string_view required_scope_;
        resource_dpop const* dpop_;
        credentials read_;
        bool read_done_ = false; // read_ came from validate()
        std::shared_ptr<token_record const> token_;
        std::optional<dpop_proof> proof_;
        std::string dpop_key_;
        store_op op_;
        std::optional<bearer_result> own_; // the result when not built in place
        bearer_result& r_;
    };

    /** Reads `authorization` into `out`. False when `r` is already the answer (no, malformed or
        unverifiable credentials; the JWT expired); then no store is asked. */
    BEAST_OAUTH_DECL bool read_credentials(std::string_view authorization, credentials& out, bearer_result& r) const;

    /** The checks of a looked-up (or self-contained) token record: kind, expiry, the DPoP key
        binding (`proof_jkt`: the proof's key thumbprint, null for the Bearer scheme; RFC 9449
        7.1, 7.2) and `required_scope`. False when `r` is the failure. */
    BEAST_OAUTH_DECL bool check_token(token_record const* token, std::string const* proof_jkt,
                                      std::string_view required_scope, bearer_result& r) const;

    /// Validates a header value with synchronous stores (a store failure comes back as 503).
    BEAST_OAUTH_DECL bearer_result validate(std::string_view authorization, std::string_view required_scope = {},
                                            resource_dpop const* dpop = nullptr) const;

    /** The DPoP context of a request: its `DPoP` header, method, and URL (the issuer's origin
        plus the request target; pass your own `url` when the resource lives elsewhere). */
    BEAST_OAUTH_DECL resource_dpop dpop_context(http_request const& req, std::string_view url = {}) const;

    /** Validates the request's Authorization header; refuses a token sent twice or by two methods
        (RFC 6750 2: header plus an `access_token` in the query or a form body). */
    BEAST_OAUTH_DECL bearer_result validate(http_request const& req, std::string_view required_scope = {}) const;

    /** The shape check of @ref validate(http_request const&, std::string_view) const alone: an
        `invalid_request` result when the token is sent twice or by two methods, else nullopt. */
    BEAST_OAUTH_DECL static std::optional<bearer_result> check_single_method(http_request const& req,
                                                                             std::string_view required_scope);

    /// The result for a failed token store (503, its Retry-After), logged.
    BEAST_OAUTH_DECL bearer_result store_failure(std::exception_ptr ep) const;

    /** The 400/401/403/503 response with `WWW-Authenticate: Bearer ...` for a failed validation
        (RFC 6750 3), or `WWW-Authenticate: DPoP ...` (+ `DPoP-Nonce`) for a DPoP one (RFC 9449 7.1). */
    BEAST_OAUTH_DECL http_response make_error(bearer_result const& result, http_request const& req) const;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/bearer.ipp>
#endif

#endif
