#ifndef BEAST_OAUTH_POSTGRES_ASYNC_STORE_HPP
#define BEAST_OAUTH_POSTGRES_ASYNC_STORE_HPP

#include <beast_oauth/async_storage.hpp>
#include <beast_oauth/config.hpp>
#include <beast_oauth/postgres_store.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>

/** @file
    The PostgreSQL store on libpq's non-blocking API, driven by Asio: many operations in
    flight on one I/O thread, no thread pool.

    Same component as @ref beast_oauth::postgres_store "postgres_store" (`beast_oauth::postgres`
    or `beast_oauth::postgres_compiled`); the libpq headers are not included here.
*/

namespace beast_oauth {

namespace detail {
struct pg_async_state;
} // namespace detail

/** The asynchronous @ref async_client_store, @ref async_code_store and @ref async_token_store
    in PostgreSQL, for an @ref async_store_set (the endpoints' `async_handle_request` and
    `async_validate_bearer` then run on the I/O threads with no work pool).

    Same schema, statements and row decoding as @ref postgres_store, so both kinds of store
    (and any number of instances) share one database. Each operation borrows a connection of
    its own (at most `max_connections`; one statement in flight per connection), sends its
    statements with `PQsendQueryParams` and waits on the connection's socket with Asio;
    the transactions (`rotate_refresh_token`, `revoke_grant`) run statement by statement,
    and are retried whole on a serialization failure or deadlock, as in the blocking store.

    When the database cannot be reached (refused, lost, shutting down, `connect_timeout`,
    `query_timeout`, no connection free within `acquire_timeout`) an operation completes with
    @ref store_unavailable (503 + Retry-After) and a lost connection is dropped; the next
    operation connects again. No operation waits without a deadline.

    Its DPoP replay cache (`async_claim_dpop_jti`, RFC 9449 11.1) is the table and statements of
    @ref postgres_store's, so the instances of both kinds share it.

    If the io_context stops, pending operations are abandoned: their handlers are destroyed
    without being called and their connections are closed (a transaction left open is rolled
    back by the server).

    @par Thread Safety
    Every member function is safe to call concurrently, from any thread. Completion handlers
    run through their associated executor (the store's executor when they have none).
    @par Exception Safety
    The constructor throws as @ref postgres_store's does; the asynchronous operations never
    throw, they report failures through the handler.
*/
class postgres_async_store : public detail::async_stores_over<postgres_async_store>
{
public:
    /// The schema version this library writes (the same as @ref postgres_store's).
    static constexpr int schema_version = postgres_store::schema_version;

    /** Creates or migrates the schema (blocking, once, on the calling thread: call it at start-up),
        then serves operations on `ex` with connections opened as needed.

        @throws store_unavailable when the database cannot be reached
        @throws std::runtime_error when its schema is newer than this library's
    */
    BEAST_OAUTH_DECL postgres_async_store(boost::asio::any_io_executor ex, std::string conninfo,
                                          postgres_store_options options = {});
    BEAST_OAUTH_DECL ~postgres_async_store() override;
    postgres_async_store(postgres_async_store const&) = delete;
    postgres_async_store& operator=(postgres_async_store const&) = delete;

    /// The three interfaces of this store (`users` stays null: set your own authenticator).
    async_store_set stores() noexcept { return {this, this, this, nullptr}; }

private:
    friend class detail::async_stores_over<postgres_async_store>;
    // Starts the operation standing for the synchronous store function `Fn`
    // (detail::pg_async_start, one overload per operation, in impl/postgres_async_store.ipp).
    template<auto Fn, class Handler, class... Args>
    void start_operation(detail::store_fn<Fn> fn, Handler h, Args const&... args)
    {
        pg_async_start(state_, fn, std::move(h), args...);
    }

    std::shared_ptr<detail::pg_async_state> state_; // shared with the operations in flight
};

#ifndef BEAST_OAUTH_HEADER_ONLY
// Instantiated once, by impl/postgres_async_store.ipp (src/postgres_store.cpp).
extern template class detail::async_stores_over<postgres_async_store>;
#endif

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/postgres_async_store.ipp>
#endif

#endif
