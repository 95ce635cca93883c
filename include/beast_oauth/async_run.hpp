#ifndef BEAST_OAUTH_ASYNC_RUN_HPP
#define BEAST_OAUTH_ASYNC_RUN_HPP

#include <beast_oauth/async_storage.hpp>
#include <beast_oauth/store_op.hpp>
#include <beast_oauth/detail/require_store.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/compose.hpp>
#include <exception>

namespace beast_oauth {

namespace detail {

// Starts `op` on the asynchronous stores; `resume(ep)` runs when it has completed and its
// result is in `op`. `resume` is bound to `ex` so a store completes through it.
template<class Executor, class Resume>
void async_perform(store_op& op, async_store_set const& s, Executor ex, Resume resume)
{
    using k = store_op::kind;
    auto bind = [&ex](auto fn) { return boost::asio::bind_executor(ex, std::move(fn)); };
    auto need_async = [](auto* store) -> auto& {
        return require_store(store, "beast_oauth: this server has no asynchronous store for this operation");
    };
    switch(op.what)
    {
    case k::find_client:
        return need_async(s.clients).async_find_client(op.key, bind([&op, resume = std::move(resume)](std::exception_ptr ep, std::shared_ptr<client const> c) mutable {
            op.client = std::move(c);
            resume(ep);
        }));
    case k::save_code:
        return need_async(s.codes).async_save_code(*op.code, bind(std::move(resume)));
    case k::consume_code:
        return need_async(s.codes).async_consume_code(op.key, bind([&op, resume = std::move(resume)](std::exception_ptr ep, consume_result r) mutable {
            op.consumed = std::move(r);
            resume(ep);
        }));
    case k::claim_code:
        return need_async(s.codes).async_claim_code(op.key, op.key2, op.expires_at,
                                                    bind([&op, resume = std::move(resume)](std::exception_ptr ep, consume_result r) mutable {
                                                        op.consumed = std::move(r);
                                                        resume(ep);
                                                    }));
    case k::save_token:
        return need_async(s.tokens).async_save_token(*op.token, bind([&op, resume = std::move(resume)](std::exception_ptr ep, bool saved) mutable {
            op.saved = saved;
            resume(ep);
        }));
    case k::find_token:
        return need_async(s.tokens).async_find_token(op.key, bind([&op, resume = std::move(resume)](std::exception_ptr ep, std::shared_ptr<token_record const> t) mutable {
            op.found = std::move(t);
            resume(ep);
        }));
    case k::revoke_grant:
        return need_async(s.tokens).async_revoke_grant(op.key, bind(std::move(resume)));
    case k::revoke_token:
        return need_async(s.tokens).async_revoke_token(op.key, bind(std::move(resume)));
    case k::rotate_refresh_token:
        return need_async(s.tokens).async_rotate_refresh_token(
            *op.rotation, bind([&op, resume = std::move(resume)](std::exception_ptr ep, rotate_status st,
                                                                 std::shared_ptr<token_record const> old) mutable {
                op.rotated = st;
                op.found = std::move(old);
                resume(ep);
            }));
    case k::revoke_access_tokens:
        return need_async(s.tokens).async_revoke_access_tokens(op.key, op.key2, bind(std::move(resume)));
    case k::trim_access_tokens:
        return need_async(s.tokens).async_trim_access_tokens(op.key, op.keep, bind(std::move(resume)));
    case k::claim_dpop_jti:
        return need_async(s.tokens).async_claim_dpop_jti(op.key, op.expires_at, op.keep,
                                                         bind([&op, resume = std::move(resume)](std::exception_ptr ep, dpop_jti_status st) mutable {
                                                             op.jti = st;
                                                             resume(ep);
                                                         }));
    case k::authenticate:
        return need_async(s.users).async_authenticate(op.key, op.key2, bind([&op, resume = std::move(resume)](std::exception_ptr ep, std::optional<user_identity> u) mutable {
            op.user = std::move(u);
            resume(ep);
        }));
    }
}

template<class Algorithm>
struct async_run_op
{
    Algorithm& algo;
    async_store_set stores;

    template<class Self>
    void operator()(Self& self, std::exception_ptr ep = {})
    {
        if(ep)
            return self.complete(ep);
        store_op* op = nullptr;
        try
        {
            op = algo.step();
            if(op)
            {
                auto ex = boost::asio::get_associated_executor(self);
                async_perform(*op, stores, ex, [self = std::move(self)](std::exception_ptr e) mutable { self(e); });
                return;
            }
        }
        catch(...)
        {
            return self.complete(std::current_exception());
        }
        self.complete(nullptr);
    }
};

} // namespace detail

/** Runs an endpoint algorithm on asynchronous stores: each `store_op` it asks for is started on
    `stores` and the algorithm resumes when it completes. Completes with
    `void(std::exception_ptr)`: null, or what a store or the algorithm threw.

    `algo` must stay alive and unmoved until completion. No thread is blocked: with stores
    that complete on timers or sockets, many runs overlap on one I/O thread.
*/
template<class Algorithm, class CompletionToken>
auto async_run(Algorithm& algo, async_store_set const& stores, CompletionToken&& token)
{
    return boost::asio::async_compose<CompletionToken, void(std::exception_ptr)>(
        detail::async_run_op<Algorithm>{algo, stores}, token);
}

} // namespace beast_oauth

#endif
