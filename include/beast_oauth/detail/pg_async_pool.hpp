#ifndef BEAST_OAUTH_DETAIL_PG_ASYNC_POOL_HPP
#define BEAST_OAUTH_DETAIL_PG_ASYNC_POOL_HPP

// postgres_async_store's connections: at most max_connections, each lent to one operation at a
// time; an operation that finds none free waits (on a timer, never a thread) up to acquire_timeout.

#include <beast_oauth/detail/pg_connection.hpp>
#include <beast_oauth/detail/pg_wire.hpp>
#include <beast_oauth/postgres_store.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace beast_oauth {
namespace detail {

/** @par Thread Safety
    Every member function may be called concurrently; callbacks are posted to the caller's strand. */
class pg_async_pool : public std::enable_shared_from_this<pg_async_pool>
{
public:
    using conn_ptr = std::unique_ptr<pg_async_connection>;
    /// Null exception_ptr and a connection, or store_unavailable and null.
    using acquire_fn = std::function<void(std::exception_ptr, conn_ptr)>;

    pg_async_pool(std::string conninfo, postgres_store_options options)
        : conninfo_(std::move(conninfo))
        , options_(std::move(options))
        , setup_(pg_session_setup(options_))
    {
    }

    postgres_store_options const& options() const noexcept { return options_; }

    void acquire(pg_strand strand, acquire_fn done)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        while(!idle_.empty())
        {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            if(c->alive())
            {
                lock.unlock();
                return boost::asio::post(strand, [done = std::move(done), c = std::move(c)]() mutable {
                    done(nullptr, std::move(c));
                });
            }
            --count_; // closed while idle (a restart, a failover): open another
        }
        auto const max = options_.max_connections == 0 ? std::size_t(1) : options_.max_connections;
        if(count_ < max)
        {
            ++count_;
            lock.unlock();
            return open(std::move(strand), std::move(done));
        }
        auto w = std::make_shared<waiter>(strand, std::move(done));
        waiters_.push_back(w);
        lock.unlock();
        w->timer.expires_after(options_.acquire_timeout);
        w->timer.async_wait([self = shared_from_this(), w](boost::system::error_code ec) {
            if(ec)
                return;
            {
                std::lock_guard<std::mutex> l(self->mutex_);
                if(w->served)
                    return;
                w->served = true;
            }
            w->done(self->unavailable("no connection free in time"), nullptr);
        });
    }

    /// Back from an operation: kept when idle and healthy, else closed; a waiter gets it (or its slot).
    void release(conn_ptr c) noexcept
    {
        bool const keep = c && c->alive();
        std::shared_ptr<waiter> w;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            w = next_waiter();
            if(!w && keep)
                idle_.push_back(std::move(c));
            else if(!w)
                --count_;
        }
        if(!w)
            return;
        w->timer.cancel();
        if(keep)
            boost::asio::post(w->strand, [w, c = std::move(c)]() mutable { w->done(nullptr, std::move(c)); });
        else
        {
            c.reset();
            open(w->strand, std::move(w->done)); // the slot passes to the waiter
        }
    }

    std::exception_ptr unavailable(std::string const& what) const
    {
        return std::make_exception_ptr(store_unavailable("postgres_async_store: " + what, options_.retry_after));
    }

private:
    struct waiter
    {
        waiter(pg_strand s, acquire_fn d) : strand(std::move(s)), done(std::move(d)), timer(strand) {}
        pg_strand strand;
        acquire_fn done;
        boost::asio::steady_timer timer;
        bool served = false;
    };

    // Opens a connection in the slot already counted (PQconnectStartParams, then PQconnectPoll on Asio).
    void open(pg_strand strand, acquire_fn done)
    {
        auto c = std::make_unique<pg_async_connection>();
        pg_connect_params params(conninfo_, options_);
        c->conn = PQconnectStartParams(params.keys, params.values, 1);
        if(!c->conn || PQstatus(c->conn) == CONNECTION_BAD || PQsetnonblocking(c->conn, 1) != 0)
        {
            std::string msg = c->conn ? PQerrorMessage(c->conn) : "out of memory";
            return boost::asio::post(strand, [self = shared_from_this(), done = std::move(done), msg]() mutable {
                self->lost_slot();
                done(self->unavailable("cannot connect: " + msg), nullptr);
            });
        }
        PQsetNoticeProcessor(c->conn, [](void*, char const*) {}, nullptr); // NOTICEs are not errors
        auto raw = c.get();
        auto st = std::make_shared<opening>(std::move(c), std::move(done));
        st->wire = std::make_shared<pg_wire>(strand, *raw);
        auto const timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options_.connect_timeout);
        boost::asio::post(strand, [self = shared_from_this(), st, timeout] {
            st->wire->connect(timeout, [self, st](bool ok, std::string const& msg) {
                if(!ok)
                    return self->opened(st, "cannot connect: " + msg);
                if(self->setup_.empty())
                    return self->opened(st, {});
                st->wire->query(self->setup_.c_str(), pg_params(), self->options_.query_timeout,
                                [self, st](pg_failure f, std::string const& m, pg_result) {
                                    self->opened(st, f == pg_failure::none ? std::string() : m);
                                });
            });
        });
    }

    struct opening
    {
        opening(conn_ptr c, acquire_fn d) : conn(std::move(c)), done(std::move(d)) {}
        conn_ptr conn;
        acquire_fn done;
        std::shared_ptr<pg_wire> wire;
    };

    void opened(std::shared_ptr<opening> const& st, std::string const& error)
    {
        st->wire->release();
        auto done = std::move(st->done);
        if(error.empty())
            return done(nullptr, std::move(st->conn));
        st->conn.reset();
        lost_slot();
        done(unavailable(error), nullptr);
    }

    // A connection attempt failed: its slot passes to a waiter (which tries again), or is freed.
    void lost_slot()
    {
        std::shared_ptr<waiter> w;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            w = next_waiter();
            if(!w)
                --count_;
        }
        if(w)
        {
            w->timer.cancel();
            open(w->strand, std::move(w->done));
        }
    }

    // The oldest waiter not yet timed out, marked served; null if none. Under mutex_.
    std::shared_ptr<waiter> next_waiter()
    {
        while(!waiters_.empty())
        {
            auto w = std::move(waiters_.front());
            waiters_.pop_front();
            if(!w->served)
            {
                w->served = true;
                return w;
            }
        }
        return nullptr;
    }

    std::string const conninfo_;
    postgres_store_options const options_;
    std::string const setup_;
    std::mutex mutex_;
    std::vector<conn_ptr> idle_;
    std::deque<std::shared_ptr<waiter>> waiters_;
    std::size_t count_ = 0;
};

} // namespace detail
} // namespace beast_oauth

#endif
