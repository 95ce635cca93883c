#ifndef BEAST_OAUTH_ENDPOINTS_AUTHORIZE_HPP
#define BEAST_OAUTH_ENDPOINTS_AUTHORIZE_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/endpoints/handler_base.hpp>
#include <beast_oauth/core.hpp>
#include <beast_oauth/failure.hpp>
#include <beast_oauth/http_types.hpp>
#include <beast_oauth/params.hpp>
#include <beast_oauth/store_op.hpp>
#include <beast_oauth/token_strategy.hpp>
#include <boost/asio/coroutine.hpp>
#include <memory>
#include <optional>
#include <string>

namespace beast_oauth {

/** The authorization endpoint (RFC 6749 4.1.1 - 4.1.2.1): the built-in sign-in page, sign-in,
    consent for a signed-in owner, code issuance, and the phases a vendor's own login UI calls.

    The request is validated in two steps: the client and redirect_uri first (a failure never
    redirects: an error page), then everything else (failures go back to the redirect_uri).

    @handler_contract
*/
class authorize_handler : public handler_base
{
public:
    using handler_base::handler_base;

    // --- phases (pure, given the client) ---

    /** Phase 1 without the store: validates an authorization request's parameters for a client
        already looked up (`client` null: unknown). A failure with `may_redirect` false must be
        shown as an error page (RFC 6749 4.1.2.1). With `request_uri` (RFC 9126 4) the pushed
        request is opened and validated instead, and everything else but `client_id` is ignored;
        a bad, expired or foreign request_uri is `invalid_request_uri`, never redirected. A
        client or server requiring pushed requests gets `invalid_request` without one. */
    BEAST_OAUTH_DECL oauth_result<authorization_request> check_request(param_list const& params,
                                                                       std::shared_ptr<client const> client) const;

    /** The request's own parameters only (no request_uri, no PAR requirement): what the PAR
        endpoint validates before sealing a request (RFC 9126 2.1). */
    BEAST_OAUTH_DECL oauth_result<authorization_request> check_request_fields(param_list const& params,
                                                                              std::shared_ptr<client const> client) const;

    /// The client_id the request names (the Seam profile's default when absent), or empty.
    BEAST_OAUTH_DECL std::string_view requested_client_id(param_list const& params) const noexcept;

    /** Phase 3 without the store: makes the code for a validated request and a signed-in owner
        and the URL to redirect to (RFC 6749 4.1.2: redirect_uri with `code`, `state`, `iss`).
        When `save` comes back true, save `record` (`code_store::save_code`) before redirecting. */
    BEAST_OAUTH_DECL std::string make_code_redirect(authorization_request const& request, user_identity const& owner,
                                                    code_record& record, bool& save) const;

    /// The URL that carries an error back to the client (RFC 6749 4.1.2.1, RFC 9207 2).
    BEAST_OAUTH_DECL std::string make_error_redirect(authorization_request const& request, error e,
                                                     std::string_view description) const;

    /** One GET/HEAD/POST of the authorize path as a sans-io algorithm (see @ref store_op);
        `req` and `ctx` outlive it. */
    class algorithm : boost::asio::coroutine
    {
    public:
        BEAST_OAUTH_DECL algorithm(authorize_handler const& h, http_request const& req, request_context const& ctx);
        BEAST_OAUTH_DECL store_op* step();
        http_response& response() noexcept { return res_; }

    private:
        store_op* answer(http_response res);
        store_op* post_checks();

        authorize_handler const& h_;
        http_request const& req_;
        request_context const& ctx_;
        param_list params_;
        oauth_result<authorization_request> ar_{boost::system::in_place_error};
        std::string par_key_;
        throttle_attempt attempt_;
        std::optional<user_identity> who_;
        code_record code_;
        bool save_code_ = false;
        std::string location_;
        bool set_session_ = false;
        store_op op_;
        store_op* next_ = nullptr;
        http_response res_;
    };

    /// Answers with synchronous stores.
    BEAST_OAUTH_DECL http_response handle(http_request const& req, request_context const& ctx = {}) const;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/endpoints/impl/authorize.ipp>
#include <beast_oauth/endpoints/impl/authorize_algorithm.ipp>
#endif

#endif
