#ifndef BEAST_OAUTH_ASYNC_STORAGE_HPP
#define BEAST_OAUTH_ASYNC_STORAGE_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/storage.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <string_view>

namespace beast_oauth {

/// A type-erased completion handler (Asio), as the asynchronous store interfaces take it.
template<class... Signatures>
using completion_handler = boost::asio::any_completion_handler<Signatures...>;

/** Asynchronous counterparts of the store interfaces in storage.hpp, for vendors whose
    database client is asynchronous (Asio): the endpoints then run on one I/O thread with
    many requests in flight and no thread pool.

    Each operation completes its handler exactly once, with a null `std::exception_ptr` on
    success, or the exception the synchronous store would have thrown
    (@ref store_unavailable becomes a 503). Complete through the handler's associated
    executor (`asio::dispatch(asio::get_associated_executor(h), ...)` or `asio::post`).
    `std::string_view` and record arguments stay valid until the handler is invoked.
    The rules of the synchronous interfaces (atomicity, single use) are unchanged.

    @par Thread Safety
    Implementations must accept concurrent operations.
    @par Exception Safety
    An initiating function must not throw; report failures through the handler.
*/
class async_client_store
{
public:
    virtual ~async_client_store() = default;
    /// @ref client_store::find_client.
    virtual void async_find_client(std::string_view client_id,
                                   completion_handler<void(std::exception_ptr, std::shared_ptr<client const>)> h) = 0;
};

/// Asynchronous @ref code_store; see @ref async_client_store for the rules.
class async_code_store
{
public:
    virtual ~async_code_store() = default;
    /// @ref code_store::save_code.
    virtual void async_save_code(code_record const& record, completion_handler<void(std::exception_ptr)> h) = 0;
    /// @ref code_store::consume_code.
    virtual void async_consume_code(std::string_view signature,
                                    completion_handler<void(std::exception_ptr, consume_result)> h) = 0;
    /// @ref code_store::claim_code.
    virtual void async_claim_code(std::string_view jti, std::string_view grant_id, time_point expires_at,
                                  completion_handler<void(std::exception_ptr, consume_result)> h) = 0;
};

/// Asynchronous @ref token_store; see @ref async_client_store for the rules.
class async_token_store
{
public:
    virtual ~async_token_store() = default;
    /// @ref token_store::save_token.
    virtual void async_save_token(token_record const& record, completion_handler<void(std::exception_ptr, bool)> h) = 0;
    /// @ref token_store::find_token.
    virtual void async_find_token(std::string_view signature,
                                  completion_handler<void(std::exception_ptr, std::shared_ptr<token_record const>)> h) = 0;
    /// @ref token_store::revoke_grant.
    virtual void async_revoke_grant(std::string_view grant_id, completion_handler<void(std::exception_ptr)> h) = 0;
    /// @ref token_store::revoke_token.
    virtual void async_revoke_token(std::string_view signature, completion_handler<void(std::exception_ptr)> h) = 0;
    /// @ref token_store::rotate_refresh_token.
    virtual void async_rotate_refresh_token(
        refresh_rotation_request const& request,
        completion_handler<void(std::exception_ptr, rotate_status, std::shared_ptr<token_record const>)> h) = 0;
    /// @ref token_store::revoke_access_tokens.
    virtual void async_revoke_access_tokens(std::string_view grant_id, std::string_view keep_signature,
                                            completion_handler<void(std::exception_ptr)> h) = 0;
    /// @ref token_store::trim_access_tokens.
    virtual void async_trim_access_tokens(std::string_view grant_id, std::size_t keep,
                                          completion_handler<void(std::exception_ptr)> h) = 0;
    /** @ref token_store::claim_dpop_jti. The default completes with `std::logic_error` (no
        replay cache, so DPoP requests fail with 500): override it to accept DPoP. */
    BEAST_OAUTH_DECL virtual void async_claim_dpop_jti(std::string_view key, time_point expires_at, std::size_t capacity,
                                                       completion_handler<void(std::exception_ptr, dpop_jti_status)> h);
};

/// Asynchronous @ref user_authenticator; see @ref async_client_store for the rules.
class async_user_authenticator
{
public:
    virtual ~async_user_authenticator() = default;
    /// @ref user_authenticator::authenticate.
    virtual void async_authenticate(std::string_view username, std::string_view password,
                                    completion_handler<void(std::exception_ptr, std::optional<user_identity>)> h) = 0;
};

/** The asynchronous stores of a server. Mix freely: wrap a synchronous store that never
    blocks (the memory store, an in-process client table) with @ref sync_store_adapter.

    @par Thread Safety
    The stores must outlive the server; see the interfaces.
*/
struct async_store_set
{
    async_client_store* clients = nullptr;
    async_code_store* codes = nullptr;
    async_token_store* tokens = nullptr;
    async_user_authenticator* users = nullptr;
};

namespace detail {

/// Names an asynchronous store operation by the synchronous store function it stands for.
template<auto Fn>
struct store_fn
{
};

/** The asynchronous client, code and token store interfaces, implemented once over `Impl`
    (CRTP): each operation calls `Impl::start_operation(store_fn<&sync_function>{}, handler,
    arguments...)`. @ref sync_store_adapter and @ref postgres_async_store derive from it, so the
    list of overrides is declared in one place. Definitions: detail/impl/async_stores_over.ipp,
    instantiated once per store (in compiled mode, by the store's .ipp).
*/
template<class Impl>
class async_stores_over : public async_client_store, public async_code_store, public async_token_store
{
public:
    void async_find_client(std::string_view client_id,
                           completion_handler<void(std::exception_ptr, std::shared_ptr<client const>)> h) override;
    void async_save_code(code_record const& record, completion_handler<void(std::exception_ptr)> h) override;
    void async_consume_code(std::string_view signature,
                            completion_handler<void(std::exception_ptr, consume_result)> h) override;
    void async_claim_code(std::string_view jti, std::string_view grant_id, time_point expires_at,
                          completion_handler<void(std::exception_ptr, consume_result)> h) override;
    void async_save_token(token_record const& record, completion_handler<void(std::exception_ptr, bool)> h) override;
    void async_find_token(std::string_view signature,
                          completion_handler<void(std::exception_ptr, std::shared_ptr<token_record const>)> h) override;
    void async_revoke_grant(std::string_view grant_id, completion_handler<void(std::exception_ptr)> h) override;
    void async_revoke_token(std::string_view signature, completion_handler<void(std::exception_ptr)> h) override;
    void async_rotate_refresh_token(
        refresh_rotation_request const& request,
        completion_handler<void(std::exception_ptr, rotate_status, std::shared_ptr<token_record const>)> h) override;
    void async_revoke_access_tokens(std::string_view grant_id, std::string_view keep_signature,
                                    completion_handler<void(std::exception_ptr)> h) override;
    void async_trim_access_tokens(std::string_view grant_id, std::size_t keep,
                                  completion_handler<void(std::exception_ptr)> h) override;
    void async_claim_dpop_jti(std::string_view key, time_point expires_at, std::size_t capacity,
                              completion_handler<void(std::exception_ptr, dpop_jti_status)> h) override;

private:
    Impl& self() noexcept { return static_cast<Impl&>(*this); }
};

} // namespace detail

/** Presents synchronous stores as asynchronous ones: each operation runs inline and completes
    through the handler's associated executor. For stores that never block (memory); a store
    that blocks would block the I/O thread, so run the synchronous entry points on a pool instead.

    It implements @ref async_client_store, @ref async_code_store, @ref async_token_store (each
    operation calls the synchronous store's function of the same name) and
    @ref async_user_authenticator.

    @par Thread Safety
    As thread-safe as the wrapped stores.
*/
class sync_store_adapter : public detail::async_stores_over<sync_store_adapter>, public async_user_authenticator
{
public:
    /// Any pointer may be null if that part is not used.
    BEAST_OAUTH_DECL sync_store_adapter(client_store* clients, code_store* codes, token_store* tokens,
                                        user_authenticator const* users);

    /// All four interfaces of this adapter.
    async_store_set stores() noexcept { return {this, this, this, this}; }

    BEAST_OAUTH_DECL void async_authenticate(std::string_view username, std::string_view password,
                                             completion_handler<void(std::exception_ptr, std::optional<user_identity>)> h) override;

private:
    friend class detail::async_stores_over<sync_store_adapter>;
    // Runs the synchronous store function `Fn` with `args` and completes `h` with its result.
    template<auto Fn, class Handler, class... Args>
    void start_operation(detail::store_fn<Fn>, Handler h, Args const&... args);

    client_store* clients_;
    code_store* codes_;
    token_store* tokens_;
    user_authenticator const* users_;
};

#ifndef BEAST_OAUTH_HEADER_ONLY
// Instantiated once, by impl/async_storage.ipp (src/beast_oauth.cpp).
extern template class detail::async_stores_over<sync_store_adapter>;
#endif

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/async_storage.ipp>
#endif

#endif
