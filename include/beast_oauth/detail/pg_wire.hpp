#ifndef BEAST_OAUTH_DETAIL_PG_WIRE_HPP
#define BEAST_OAUTH_DETAIL_PG_WIRE_HPP

// libpq's non-blocking API driven by Asio: a connection attempt (PQconnectPoll) or statements
// (PQsendQueryParams, PQflush, PQconsumeInput, PQisBusy, PQgetResult), each with a deadline.
// The socket belongs to libpq: every wait wraps it in a fresh posix::stream_descriptor that is
// release()d when the wait ends, so Asio never closes it, and a fresh epoll registration reports
// data libpq has not read yet (an edge-triggered registration kept across waits could miss it).

#include <beast_oauth/detail/pg_rows.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <libpq-fe.h>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace beast_oauth {
namespace detail {

/// An open non-blocking libpq connection. It holds no Asio object, so an idle one may outlive
/// the io_context.
struct pg_async_connection
{
    PGconn* conn = nullptr;
    bool broken = false;

    pg_async_connection() = default;
    pg_async_connection(pg_async_connection const&) = delete;
    pg_async_connection& operator=(pg_async_connection const&) = delete;
    ~pg_async_connection() { PQfinish(conn); }

    /// Lent again only when idle, outside a transaction, and not closed by the server meanwhile.
    bool alive() noexcept
    {
        // Twice: a server that ended the session sent a FATAL message, then closed; the first read
        // takes the message, the second sees the end of the stream (each reads once, never blocks).
        return conn && !broken && PQconsumeInput(conn) == 1 && PQconsumeInput(conn) == 1 && !PQisBusy(conn) &&
               PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
    }
};

using pg_strand = boost::asio::strand<boost::asio::any_io_executor>;

/** One conversation with the server on one connection: a connection attempt, then statements one
    at a time (one in flight per connection). Callbacks run on the strand. A missed deadline or a
    lost socket marks the connection broken (the pool drops it); the statement's fate is then
    unknown, which is why transactions commit with their last statement only.

    @par Thread Safety
    Use from the strand only.
*/
class pg_wire : public std::enable_shared_from_this<pg_wire>
{
public:
    /// failure (none on success), the message, and the last result of the statement.
    using result_fn = std::function<void(pg_failure, std::string const&, pg_result)>;

    pg_wire(pg_strand strand, pg_async_connection& c)
        : strand_(std::move(strand))
        , c_(c)
        , timer_(strand_)
    {
    }
    pg_wire(pg_wire const&) = delete;
    pg_wire& operator=(pg_wire const&) = delete;
    ~pg_wire() { release(); }

    /// Drives PQconnectPoll after PQconnectStartParams; `done(ok, message)`.
    void connect(std::chrono::milliseconds timeout, std::function<void(bool, std::string const&)> done)
    {
        arm(timeout);
        connect_done_ = std::move(done);
        poll_connect(PGRES_POLLING_WRITING); // libpq: act as if the last poll said WRITING
    }

    /// Sends `sql` with `params` (text format, an unnamed statement) and collects its result.
    void query(char const* sql, pg_params const& params, std::chrono::milliseconds timeout, result_fn done)
    {
        arm(timeout);
        done_ = std::move(done);
        auto p = params.pointers();
        if(!PQsendQueryParams(c_.conn, sql, params.size(), nullptr, p.data(), nullptr, nullptr, 0))
            return fail("send");
        flush();
    }

    /// Stops the deadline and hands the socket back to libpq (before the connection is lent again).
    void release() noexcept
    {
        timer_.cancel();
        if(sd_)
            sd_->release();
        sd_.reset();
    }

private:
    void arm(std::chrono::milliseconds timeout)
    {
        timed_out_ = false;
        timer_.expires_after(timeout);
        timer_.async_wait(boost::asio::bind_executor(strand_, [w = weak_from_this()](boost::system::error_code ec) {
            auto self = w.lock();
            if(ec || !self)
                return;
            self->timed_out_ = true;
            if(self->sd_)
                self->sd_->cancel();
        }));
    }

    // Waits until libpq's socket can be read (or written); `next` runs when it can.
    template<class Next>
    void wait(bool write, Next next)
    {
        int const fd = PQsocket(c_.conn);
        boost::system::error_code ec;
        if(fd >= 0 && !timed_out_)
        {
            sd_.emplace(strand_);
            sd_->assign(fd, ec);
        }
        if(fd < 0 || timed_out_ || ec)
        {
            sd_.reset();
            return next(false);
        }
        using sd_t = boost::asio::posix::stream_descriptor;
        sd_->async_wait(write ? sd_t::wait_write : sd_t::wait_read,
                        boost::asio::bind_executor(strand_, [self = shared_from_this(), next](boost::system::error_code e) mutable {
                            if(self->sd_)
                                self->sd_->release();
                            self->sd_.reset();
                            next(!e && !self->timed_out_);
                        }));
    }

    void poll_connect(PostgresPollingStatusType st)
    {
        for(;;)
        {
            if(st == PGRES_POLLING_OK)
            {
                timer_.cancel();
                return finish_connect(true, {});
            }
            if(st == PGRES_POLLING_FAILED)
                return finish_connect(false, PQerrorMessage(c_.conn));
            if(st == PGRES_POLLING_READING || st == PGRES_POLLING_WRITING)
                return wait(st == PGRES_POLLING_WRITING, [this, self = shared_from_this()](bool ok) {
                    if(!ok)
                        return finish_connect(false, timed_out_ ? "connect timed out" : "socket lost");
                    poll_connect(PQconnectPoll(c_.conn));
                });
            st = PQconnectPoll(c_.conn);
        }
    }

    void finish_connect(bool ok, std::string const& msg)
    {
        if(!ok)
            c_.broken = true;
        auto done = std::move(connect_done_);
        done(ok, msg);
    }

    void flush()
    {
        int const r = PQflush(c_.conn);
        if(r < 0)
            return fail("send");
        if(r == 0)
            return read();
        wait(true, [this, self = shared_from_this()](bool ok) {
            if(!ok)
                return fail("send");
            flush();
        });
    }

    void read()
    {
        if(!PQconsumeInput(c_.conn))
            return fail("read");
        while(!PQisBusy(c_.conn))
        {
            PGresult* r = PQgetResult(c_.conn);
            if(!r)
                return finish();
            last_.emplace(r); // one statement: one result (the last one wins)
        }
        wait(false, [this, self = shared_from_this()](bool ok) {
            if(!ok)
                return fail("read");
            read();
        });
    }

    void finish()
    {
        timer_.cancel();
        pg_result r(last_ ? last_->release() : nullptr);
        last_.reset();
        std::string msg;
        auto f = pg_classify(r.get(), c_.conn, "statement", msg);
        if(f == pg_failure::broken)
            c_.broken = true;
        auto done = std::move(done_);
        done(f, msg, std::move(r));
    }

    // The socket failed or the deadline passed: the statement's fate is unknown, drop the connection.
    void fail(char const* what)
    {
        timer_.cancel();
        c_.broken = true;
        last_.reset();
        std::string msg = std::string("postgres_async_store: ") + what + ": " +
                          (timed_out_ ? std::string("timed out") : std::string(PQerrorMessage(c_.conn)));
        auto done = std::move(done_);
        done(pg_failure::broken, msg, pg_result(nullptr));
    }

    // An owned result while later ones are drained.
    struct held
    {
        explicit held(PGresult* r) noexcept : r_(r) {}
        held(held const&) = delete;
        held& operator=(held const&) = delete;
        ~held() { PQclear(r_); }
        PGresult* release() noexcept { return std::exchange(r_, nullptr); }
        PGresult* r_;
    };

    pg_strand strand_;
    pg_async_connection& c_;
    boost::asio::steady_timer timer_;
    std::optional<boost::asio::posix::stream_descriptor> sd_;
    std::optional<held> last_;
    bool timed_out_ = false;
    result_fn done_;
    std::function<void(bool, std::string const&)> connect_done_;
};

} // namespace detail
} // namespace beast_oauth

#endif
