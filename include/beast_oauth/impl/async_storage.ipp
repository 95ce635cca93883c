#ifndef BEAST_OAUTH_IMPL_ASYNC_STORAGE_IPP
#define BEAST_OAUTH_IMPL_ASYNC_STORAGE_IPP

#include <beast_oauth/async_storage.hpp>
#include <beast_oauth/detail/require_store.hpp>
#include <beast_oauth/detail/impl/async_stores_over.ipp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <stdexcept>
#include <tuple>
#include <type_traits>
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

namespace detail {
// The store a synchronous store function belongs to: its class, from the member pointer.
template<class F>
struct store_of_fn;
template<class R, class S, class... A>
struct store_of_fn<R (S::*)(A...)>
{
    using type = S;
};
template<class R, class S, class... A>
struct store_of_fn<R (S::*)(A...) const>
{
    using type = S;
};
} // namespace detail

template<auto Fn, class Handler, class... Args>
void sync_store_adapter::start_operation(detail::store_fn<Fn>, Handler h, Args const&... args)
{
    using store_t = typename detail::store_of_fn<decltype(Fn)>::type;
    store_t* store = nullptr;
    if constexpr(std::is_same_v<store_t, client_store>)
        store = clients_;
    else if constexpr(std::is_same_v<store_t, code_store>)
        store = codes_;
    else
        store = tokens_;
    detail::complete_sync(std::move(h), [&] {
        auto& s = detail::adapted(store);
        if constexpr(std::is_same_v<detail::store_fn<Fn>, detail::store_fn<&token_store::rotate_refresh_token>>)
        {
            // The one out-parameter of the synchronous interface: the old token.
            std::shared_ptr<token_record const> old;
            auto status = s.rotate_refresh_token(args..., old);
            return std::make_tuple(status, std::move(old));
        }
        else if constexpr(std::is_void_v<decltype((s.*Fn)(args...))>)
            (s.*Fn)(args...);
        else
            return std::make_tuple((s.*Fn)(args...));
    });
}

BEAST_OAUTH_DECL void async_token_store::async_claim_dpop_jti(std::string_view, time_point, std::size_t,
                                                              completion_handler<void(std::exception_ptr, dpop_jti_status)> h)
{
    detail::complete_sync(std::move(h), []() -> std::tuple<dpop_jti_status> {
        throw std::logic_error("beast_oauth: this async_token_store has no DPoP replay cache");
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

#ifndef BEAST_OAUTH_HEADER_ONLY
// The instantiation async_storage.hpp declares extern (src/beast_oauth.cpp).
template class detail::async_stores_over<sync_store_adapter>;
#endif

} // namespace beast_oauth

#endif
