#ifndef BEAST_OAUTH_IMPL_ASYNC_STORAGE_IPP
#define BEAST_OAUTH_IMPL_ASYNC_STORAGE_IPP

#include <beast_oauth/async_storage.hpp>
#include <beast_oauth/detail/require_store.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace beast_oauth {

namespace detail {

// Runs `fn` (a synchronous store call) and completes `h` with its result, or with what it threw,
// through the handler's associated executor.
template<class Handler, class Fn>
void complete_sync(Handler h, Fn fn)
{
    std::exception_ptr ep;
    using result_t = decltype(fn());
    auto ex = boost::asio::get_associated_executor(h);
    if constexpr(std::is_void_v<result_t>)
    {
        try { fn(); } catch(...) { ep = std::current_exception(); }
        boost::asio::dispatch(ex, [h = std::move(h), ep]() mutable { std::move(h)(ep); });
    }
    else
    {
        result_t r{};
        try { r = fn(); } catch(...) { ep = std::current_exception(); }
        boost::asio::dispatch(ex, [h = std::move(h), ep, r = std::move(r)]() mutable {
            std::apply([&](auto&&... v) { std::move(h)(ep, std::move(v)...); }, std::move(r));
        });
    }
}

template<class Store>
Store& adapted(Store* s)
{
    return require_store(s, "beast_oauth: sync_store_adapter has no store for this operation");
}

} // namespace detail

BEAST_OAUTH_DECL sync_store_adapter::sync_store_adapter(client_store* clients, code_store* codes,
                                                        token_store* tokens, user_authenticator const* users)
    : clients_(clients)
    , codes_(codes)
    , tokens_(tokens)
    , users_(users)
{
}

BEAST_OAUTH_DECL void sync_store_adapter::async_find_client(
    std::string_view id, completion_handler<void(std::exception_ptr, std::shared_ptr<client const>)> h)
{
    detail::complete_sync(std::move(h), [&] { return std::make_tuple(detail::adapted(clients_).find_client(id)); });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_save_code(code_record const& r, completion_handler<void(std::exception_ptr)> h)
{
    detail::complete_sync(std::move(h), [&] { detail::adapted(codes_).save_code(r); });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_consume_code(std::string_view sig,
                                                             completion_handler<void(std::exception_ptr, consume_result)> h)
{
    detail::complete_sync(std::move(h), [&] { return std::make_tuple(detail::adapted(codes_).consume_code(sig)); });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_claim_code(std::string_view jti, std::string_view grant_id,
                                                           time_point expires_at,
                                                           completion_handler<void(std::exception_ptr, consume_result)> h)
{
    detail::complete_sync(std::move(h), [&] {
        return std::make_tuple(detail::adapted(codes_).claim_code(jti, grant_id, expires_at));
    });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_save_token(token_record const& r,
                                                           completion_handler<void(std::exception_ptr, bool)> h)
{
    detail::complete_sync(std::move(h), [&] { return std::make_tuple(detail::adapted(tokens_).save_token(r)); });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_find_token(
    std::string_view sig, completion_handler<void(std::exception_ptr, std::shared_ptr<token_record const>)> h)
{
    detail::complete_sync(std::move(h), [&] { return std::make_tuple(detail::adapted(tokens_).find_token(sig)); });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_revoke_grant(std::string_view grant_id,
                                                             completion_handler<void(std::exception_ptr)> h)
{
    detail::complete_sync(std::move(h), [&] { detail::adapted(tokens_).revoke_grant(grant_id); });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_revoke_token(std::string_view sig,
                                                             completion_handler<void(std::exception_ptr)> h)
{
    detail::complete_sync(std::move(h), [&] { detail::adapted(tokens_).revoke_token(sig); });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_rotate_refresh_token(
    refresh_rotation_request const& request,
    completion_handler<void(std::exception_ptr, rotate_status, std::shared_ptr<token_record const>)> h)
{
    detail::complete_sync(std::move(h), [&] {
        std::shared_ptr<token_record const> old;
        auto status = detail::adapted(tokens_).rotate_refresh_token(request, old);
        return std::make_tuple(status, std::move(old));
    });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_revoke_access_tokens(std::string_view grant_id,
                                                                     std::string_view keep,
                                                                     completion_handler<void(std::exception_ptr)> h)
{
    detail::complete_sync(std::move(h), [&] { detail::adapted(tokens_).revoke_access_tokens(grant_id, keep); });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_trim_access_tokens(std::string_view grant_id, std::size_t keep,
                                                                   completion_handler<void(std::exception_ptr)> h)
{
    detail::complete_sync(std::move(h), [&] { detail::adapted(tokens_).trim_access_tokens(grant_id, keep); });
}

BEAST_OAUTH_DECL void async_token_store::async_claim_dpop_jti(std::string_view, time_point, std::size_t,
                                                              completion_handler<void(std::exception_ptr, dpop_jti_status)> h)
{
    detail::complete_sync(std::move(h), []() -> std::tuple<dpop_jti_status> {
        throw std::logic_error("beast_oauth: this async_token_store has no DPoP replay cache");
    });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_claim_dpop_jti(std::string_view key, time_point expires_at,
                                                               std::size_t capacity,
                                                               completion_handler<void(std::exception_ptr, dpop_jti_status)> h)
{
    detail::complete_sync(std::move(h), [&] {
        return std::make_tuple(detail::adapted(tokens_).claim_dpop_jti(key, expires_at, capacity));
    });
}

BEAST_OAUTH_DECL void sync_store_adapter::async_authenticate(
    std::string_view username, std::string_view password,
    completion_handler<void(std::exception_ptr, std::optional<user_identity>)> h)
{
    detail::complete_sync(std::move(h), [&] {
        return std::make_tuple(detail::adapted(users_).authenticate(username, password));
    });
}

} // namespace beast_oauth

#endif
