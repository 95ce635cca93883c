#ifndef BEAST_OAUTH_DETAIL_PG_SESSION_HPP
#define BEAST_OAUTH_DETAIL_PG_SESSION_HPP

// One operation of postgres_async_store: a pooled connection, and the statements it runs in
// turn (a transaction is a chain of callbacks, retried whole on a serialization failure).

#include <beast_oauth/detail/pg_async_pool.hpp>
#include <beast_oauth/detail/pg_sql.hpp>
#include <beast_oauth/detail/pg_wire.hpp>
#include <exception>
#include <functional>
#include <memory>

namespace beast_oauth {
namespace detail {

/** @par Thread Safety
    Runs on its strand only. */
class pg_session : public std::enable_shared_from_this<pg_session>
{
public:
    using ptr = std::shared_ptr<pg_session>;
    using fail_fn = std::function<void(std::exception_ptr)>;

    pg_session(std::shared_ptr<pg_async_pool> pool, pg_strand strand)
        : pool_(std::move(pool))
        , strand_(std::move(strand))
    {
    }
    pg_session(pg_session const&) = delete;
    pg_session& operator=(pg_session const&) = delete;
    ~pg_session() { close(); }

    /// Borrows a connection, then runs `next`; `fail` receives every failure of this operation.
    void start(fail_fn fail, std::function<void(ptr const&)> next)
    {
        fail_ = std::move(fail);
        pool_->acquire(strand_, [self = shared_from_this(), next = std::move(next)](
                                    std::exception_ptr ep, pg_async_pool::conn_ptr c) {
            if(ep)
                return self->failed(ep);
            self->conn_ = std::move(c);
            next(self);
        });
    }

    /// Runs statement `id` of pg_sql::text; `next(result)` on success.
    void run(int id, pg_params const& params, std::function<void(ptr const&, pg_result)> next)
    {
        send(pg_sql::text[id], params, std::move(next));
    }

    /// BEGIN, then `body`; a serialization failure or deadlock in it rolls back and runs it again.
    void transaction(std::function<void(ptr const&)> body)
    {
        body_ = std::move(body);
        attempt_ = 1;
        in_transaction_ = true;
        begin();
    }

    /// `body` (a single statement in autocommit), run again on a serialization failure or deadlock.
    void retrying(std::function<void(ptr const&)> body)
    {
        body_ = std::move(body);
        attempt_ = 1;
        in_transaction_ = false;
        body_(shared_from_this());
    }

    /// COMMIT (or ROLLBACK), then `next`.
    void commit(std::function<void(ptr const&)> next) { end("COMMIT", std::move(next)); }
    void rollback(std::function<void(ptr const&)> next) { end("ROLLBACK", std::move(next)); }

    /// Returns the connection to the pool (dropped there unless idle and healthy); idempotent.
    void close() noexcept
    {
        if(auto w = wire_.lock())
            w->release();
        fail_ = nullptr;
        body_ = nullptr;
        if(conn_)
            pool_->release(std::move(conn_));
    }

    postgres_store_options const& options() const noexcept { return pool_->options(); }

private:
    void send(char const* sql, pg_params const& params, std::function<void(ptr const&, pg_result)> next)
    {
        auto w = wire_.lock();
        if(!w)
        {
            w = std::make_shared<pg_wire>(strand_, *conn_);
            wire_ = w;
        }
        w->query(sql, params, options().statement_timeout + options().query_timeout,
                 [self = shared_from_this(), next = std::move(next)](pg_failure f, std::string const& msg,
                                                                      pg_result r) mutable {
                     if(f == pg_failure::none)
                         return next(self, std::move(r));
                     self->on_failure(f, msg);
                 });
    }

    void begin()
    {
        send("BEGIN", pg_params(), [](ptr const& s, pg_result) {
            if(s->body_)
                s->body_(s);
        });
    }

    void end(char const* sql, std::function<void(ptr const&)> next)
    {
        send(sql, pg_params(), [next = std::move(next)](ptr const& s, pg_result) { next(s); });
    }

    void on_failure(pg_failure f, std::string const& msg)
    {
        if(f == pg_failure::retry && body_ && !conn_->broken)
        {
            if(attempt_++ < 5 && in_transaction_)
                return send("ROLLBACK", pg_params(), [](ptr const& s, pg_result) { s->begin(); });
            if(attempt_ <= 5)
                return body_(shared_from_this());
            return failed(pool_->unavailable("transaction kept conflicting"));
        }
        // A failed transaction is left open: the pool drops a connection that is not idle.
        std::exception_ptr ep;
        try
        {
            pg_throw(f == pg_failure::retry ? pg_failure::unavailable : f, msg, options().retry_after);
        }
        catch(...)
        {
            ep = std::current_exception();
        }
        failed(ep);
    }

    void failed(std::exception_ptr ep)
    {
        auto fail = std::move(fail_);
        close();
        if(fail)
            fail(ep);
    }

    std::shared_ptr<pg_async_pool> pool_;
    pg_strand strand_;
    pg_async_pool::conn_ptr conn_;
    std::weak_ptr<pg_wire> wire_; // held by its pending wait while a statement runs
    fail_fn fail_;
    std::function<void(ptr const&)> body_;
    int attempt_ = 0;
    bool in_transaction_ = false;
};

} // namespace detail
} // namespace beast_oauth

#endif
