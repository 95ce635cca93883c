#ifndef BEAST_OAUTH_DETAIL_PG_ASYNC_OP_HPP
#define BEAST_OAUTH_DETAIL_PG_ASYNC_OP_HPP

// How postgres_async_store's operations start, complete their handler once, and sweep.

#include <beast_oauth/async_storage.hpp>
#include <beast_oauth/detail/pg_async_pool.hpp>
#include <beast_oauth/detail/pg_rows.hpp>
#include <beast_oauth/detail/pg_session.hpp>
#include <beast_oauth/detail/pg_sql.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <array>
#include <atomic>
#include <functional>
#include <tuple>

namespace beast_oauth {
namespace detail {

/// What the operations in flight share with the store (they may outlive it).
struct pg_async_state
{
    pg_async_state(boost::asio::any_io_executor e, std::string conninfo, postgres_store_options o)
        : ex(std::move(e))
        , pool(std::make_shared<pg_async_pool>(std::move(conninfo), std::move(o)))
        , clients(pool->options().client_cache_ttl)
    {
    }

    postgres_store_options const& options() const noexcept { return pool->options(); }
    time_point now() const { return store_now(options()); }

    boost::asio::any_io_executor ex;
    std::shared_ptr<pg_async_pool> pool;
    client_cache clients;
    std::atomic<unsigned> writes{0};
};

/// Completes `h` once, through its associated executor (`fallback` when it has none).
template<class... R>
class pg_finish
{
public:
    using handler_type = completion_handler<void(std::exception_ptr, R...)>;

    pg_finish(handler_type h, boost::asio::any_io_executor fallback)
        : h_(std::make_shared<handler_type>(std::move(h)))
        , fallback_(std::move(fallback))
    {
    }

    void operator()(std::exception_ptr ep, R... r) const
    {
        if(!*h_)
            return;
        auto h = std::move(*h_);
        auto ex = boost::asio::get_associated_executor(h, fallback_);
        boost::asio::dispatch(ex, [h = std::move(h), ep, t = std::make_tuple(std::move(r)...)]() mutable {
            std::apply([&](auto&&... v) { std::move(h)(ep, std::move(v)...); }, std::move(t));
        });
    }

    void fail(std::exception_ptr ep) const { (*this)(ep, R{}...); }

private:
    std::shared_ptr<handler_type> h_;
    boost::asio::any_io_executor fallback_;
};

/// Borrows a connection on a strand of its own, then runs `body(session, finish)`.
template<class... R, class Body>
void pg_launch(std::shared_ptr<pg_async_state> const& st, completion_handler<void(std::exception_ptr, R...)> h,
               Body body)
{
    pg_finish<R...> finish(std::move(h), st->ex);
    auto s = std::make_shared<pg_session>(st->pool, boost::asio::make_strand(st->ex));
    s->start([finish](std::exception_ptr ep) { finish.fail(ep); },
             [finish, body = std::move(body)](pg_session::ptr const& session) { body(session, finish); });
}

/// Every `sweep_every` writes, deletes up to `sweep_batch` expired rows per table, in the background.
inline void pg_after_write(std::shared_ptr<pg_async_state> const& st)
{
    sweep_after_write(st->options(), st->writes, [&st] {
        auto const now = st->now();
        auto const kept_until = now - st->options().replay_window;
        auto const batch = st->options().sweep_batch;
        auto s = std::make_shared<pg_session>(st->pool, boost::asio::make_strand(st->ex));
        // Best effort: a failure is forgotten, the next sweep catches up.
        s->start([](std::exception_ptr) {}, [=](pg_session::ptr const& s1) {
            s1->run(pg_sql::sweep_tokens, pg_sweep_params(now, batch), [=](pg_session::ptr const& s2, pg_result) {
                s2->run(pg_sql::sweep_codes, pg_sweep_params(kept_until, batch), [=](pg_session::ptr const& s3, pg_result) {
                    s3->run(pg_sql::sweep_grants, pg_sweep_params(kept_until, batch),
                            [](pg_session::ptr const& s4, pg_result) { s4->close(); });
                });
            });
        });
    });
}

// One statement whose result does not matter: revoke_token, revoke_access_tokens, trim_access_tokens.
inline void pg_run_one(std::shared_ptr<pg_async_state> const& st, completion_handler<void(std::exception_ptr)> h,
                       int statement, pg_params params)
{
    pg_launch(st, std::move(h), [statement, params = std::move(params)](pg_session::ptr const& s, auto finish) {
        s->run(statement, params, [finish](pg_session::ptr const& s2, pg_result) {
            s2->close();
            finish(nullptr);
        });
    });
}

/// Saves the non-null tokens of `list` from index `i` on, one statement each, then `next`.
inline void pg_save_tokens(pg_session::ptr const& s, std::array<token_record const*, 2> list, std::size_t i,
                           std::function<void(pg_session::ptr const&)> next)
{
    while(i < list.size() && !list[i])
        ++i;
    if(i == list.size())
        return next(s);
    s->run(pg_sql::token_save, pg_token_params(*list[i]),
           [list, i, next = std::move(next)](pg_session::ptr const& s2, pg_result) { pg_save_tokens(s2, list, i + 1, next); });
}

} // namespace detail
} // namespace beast_oauth

#endif
