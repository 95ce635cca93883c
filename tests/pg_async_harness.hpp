#pragma once
// postgres_async_store's tests: the server's conninfo, a psql helper, and a blocking adapter that
// runs each asynchronous operation to completion on an io_context thread (the conformance suite
// calls stores synchronously, from many threads at once).

#include "catch.hpp"

#include <beast_oauth/postgres_async_store.hpp>
#include <beast_oauth/postgres_store.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <libpq-fe.h>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <tuple>

namespace pg_async_test {

inline std::string conninfo()
{
    char const* c = std::getenv("BEAST_OAUTH_TEST_POSTGRES");
    if(!c || !*c)
        FAIL("set BEAST_OAUTH_TEST_POSTGRES to a conninfo (tests/e2e/with_postgres.py does)");
    return c;
}

// Runs SQL on a connection of its own; returns the rows' first column, one per line.
inline std::string psql(std::string const& conninfo, std::string const& sql)
{
    PGconn* c = PQconnectdb(conninfo.c_str());
    PQsetNoticeProcessor(c, [](void*, char const*) {}, nullptr);
    std::string out, error;
    if(PQstatus(c) != CONNECTION_OK)
        error = PQerrorMessage(c);
    else
    {
        PGresult* r = PQexec(c, sql.c_str());
        auto st = PQresultStatus(r);
        if(st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            error = PQresultErrorMessage(r);
        else
            for(int i = 0; i < PQntuples(r); ++i)
                out += std::string(PQgetvalue(r, i, 0)) + "\n";
        PQclear(r);
    }
    PQfinish(c);
    if(!error.empty())
        FAIL(error);
    return out;
}

// Waits for an asynchronous operation's handler; rethrows what it completed with.
template<class... R>
struct waiter
{
    std::promise<std::tuple<R...>> p;
    auto handler()
    {
        return [this](std::exception_ptr ep, R... r) {
            if(ep)
                p.set_exception(ep);
            else
                p.set_value(std::make_tuple(std::move(r)...));
        };
    }
    std::tuple<R...> get() { return p.get_future().get(); }
};

/// postgres_async_store presented as the synchronous interfaces, its io_context on a thread.
class blocking_async_store : public beast_oauth::client_store,
                             public beast_oauth::code_store,
                             public beast_oauth::token_store
{
public:
    blocking_async_store(std::string const& conninfo, beast_oauth::postgres_store_options o)
        : store_(io_.get_executor(), conninfo, std::move(o))
        , thread_([this] { io_.run(); })
    {
    }
    ~blocking_async_store() override
    {
        work_.reset();
        thread_.join();
    }

    beast_oauth::postgres_async_store& async() { return store_; }

    std::shared_ptr<beast_oauth::client const> find_client(std::string_view id) const override
    {
        waiter<std::shared_ptr<beast_oauth::client const>> w;
        store_.async_find_client(id, w.handler());
        return std::get<0>(w.get());
    }
    void save_code(beast_oauth::code_record const& r) override
    {
        waiter<> w;
        store_.async_save_code(r, w.handler());
        w.get();
    }
    beast_oauth::consume_result consume_code(std::string_view sig) override
    {
        waiter<beast_oauth::consume_result> w;
        store_.async_consume_code(sig, w.handler());
        return std::get<0>(w.get());
    }
    beast_oauth::consume_result claim_code(std::string_view jti, std::string_view grant_id,
                                           beast_oauth::time_point expires_at) override
    {
        waiter<beast_oauth::consume_result> w;
        store_.async_claim_code(jti, grant_id, expires_at, w.handler());
        return std::get<0>(w.get());
    }
    bool save_token(beast_oauth::token_record const& r) override
    {
        waiter<bool> w;
        store_.async_save_token(r, w.handler());
        return std::get<0>(w.get());
    }
    std::shared_ptr<beast_oauth::token_record const> find_token(std::string_view sig) const override
    {
        waiter<std::shared_ptr<beast_oauth::token_record const>> w;
        store_.async_find_token(sig, w.handler());
        return std::get<0>(w.get());
    }
    void revoke_grant(std::string_view grant_id) override
    {
        waiter<> w;
        store_.async_revoke_grant(grant_id, w.handler());
        w.get();
    }
    void revoke_token(std::string_view sig) override
    {
        waiter<> w;
        store_.async_revoke_token(sig, w.handler());
        w.get();
    }
    beast_oauth::rotate_status rotate_refresh_token(beast_oauth::refresh_rotation_request const& request,
                                                    std::shared_ptr<beast_oauth::token_record const>& old_out) override
    {
        waiter<beast_oauth::rotate_status, std::shared_ptr<beast_oauth::token_record const>> w;
        store_.async_rotate_refresh_token(request, w.handler());
        auto [status, old] = w.get();
        old_out = std::move(old);
        return status;
    }
    void revoke_access_tokens(std::string_view grant_id, std::string_view keep) override
    {
        waiter<> w;
        store_.async_revoke_access_tokens(grant_id, keep, w.handler());
        w.get();
    }
    void trim_access_tokens(std::string_view grant_id, std::size_t keep) override
    {
        waiter<> w;
        store_.async_trim_access_tokens(grant_id, keep, w.handler());
        w.get();
    }
    beast_oauth::dpop_jti_status claim_dpop_jti(std::string_view key, beast_oauth::time_point expires_at,
                                                std::size_t capacity) override
    {
        waiter<beast_oauth::dpop_jti_status> w;
        store_.async_claim_dpop_jti(key, expires_at, capacity, w.handler());
        return std::get<0>(w.get());
    }
    bool is_durable() const noexcept override { return true; }

private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
    mutable beast_oauth::postgres_async_store store_;
    std::thread thread_;
};

} // namespace pg_async_test
