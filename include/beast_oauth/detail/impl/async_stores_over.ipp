#ifndef BEAST_OAUTH_DETAIL_IMPL_ASYNC_STORES_OVER_IPP
#define BEAST_OAUTH_DETAIL_IMPL_ASYNC_STORES_OVER_IPP

// async_stores_over: every asynchronous store operation forwards to Impl::start_operation,
// named by the synchronous function it stands for. Included by the .ipp of each store that
// derives from it, which instantiates it.

#include <beast_oauth/async_storage.hpp>
#include <utility>

namespace beast_oauth {
namespace detail {

template<class Impl>
void async_stores_over<Impl>::async_find_client(std::string_view client_id,
                                                completion_handler<void(std::exception_ptr, std::shared_ptr<client const>)> h)
{
    self().start_operation(store_fn<&client_store::find_client>{}, std::move(h), client_id);
}

template<class Impl>
void async_stores_over<Impl>::async_save_code(code_record const& record, completion_handler<void(std::exception_ptr)> h)
{
    self().start_operation(store_fn<&code_store::save_code>{}, std::move(h), record);
}

template<class Impl>
void async_stores_over<Impl>::async_consume_code(std::string_view signature,
                                                 completion_handler<void(std::exception_ptr, consume_result)> h)
{
    self().start_operation(store_fn<&code_store::consume_code>{}, std::move(h), signature);
}

template<class Impl>
void async_stores_over<Impl>::async_claim_code(std::string_view jti, std::string_view grant_id, time_point expires_at,
                                               completion_handler<void(std::exception_ptr, consume_result)> h)
{
    self().start_operation(store_fn<&code_store::claim_code>{}, std::move(h), jti, grant_id, expires_at);
}

template<class Impl>
void async_stores_over<Impl>::async_save_token(token_record const& record,
                                               completion_handler<void(std::exception_ptr, bool)> h)
{
    self().start_operation(store_fn<&token_store::save_token>{}, std::move(h), record);
}

template<class Impl>
void async_stores_over<Impl>::async_find_token(
    std::string_view signature, completion_handler<void(std::exception_ptr, std::shared_ptr<token_record const>)> h)
{
    self().start_operation(store_fn<&token_store::find_token>{}, std::move(h), signature);
}

template<class Impl>
void async_stores_over<Impl>::async_revoke_grant(std::string_view grant_id, completion_handler<void(std::exception_ptr)> h)
{
    self().start_operation(store_fn<&token_store::revoke_grant>{}, std::move(h), grant_id);
}

template<class Impl>
void async_stores_over<Impl>::async_revoke_token(std::string_view signature, completion_handler<void(std::exception_ptr)> h)
{
    self().start_operation(store_fn<&token_store::revoke_token>{}, std::move(h), signature);
}

template<class Impl>
void async_stores_over<Impl>::async_rotate_refresh_token(
    refresh_rotation_request const& request,
    completion_handler<void(std::exception_ptr, rotate_status, std::shared_ptr<token_record const>)> h)
{
    self().start_operation(store_fn<&token_store::rotate_refresh_token>{}, std::move(h), request);
}

template<class Impl>
void async_stores_over<Impl>::async_revoke_access_tokens(std::string_view grant_id, std::string_view keep_signature,
                                                         completion_handler<void(std::exception_ptr)> h)
{
    self().start_operation(store_fn<&token_store::revoke_access_tokens>{}, std::move(h), grant_id, keep_signature);
}

template<class Impl>
void async_stores_over<Impl>::async_trim_access_tokens(std::string_view grant_id, std::size_t keep,
                                                       completion_handler<void(std::exception_ptr)> h)
{
    self().start_operation(store_fn<&token_store::trim_access_tokens>{}, std::move(h), grant_id, keep);
}

template<class Impl>
void async_stores_over<Impl>::async_claim_dpop_jti(std::string_view key, time_point expires_at, std::size_t capacity,
                                                   completion_handler<void(std::exception_ptr, dpop_jti_status)> h)
{
    self().start_operation(store_fn<&token_store::claim_dpop_jti>{}, std::move(h), key, expires_at, capacity);
}

} // namespace detail
} // namespace beast_oauth

#endif
