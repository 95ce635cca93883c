// Which store the example server keeps its clients, codes and tokens in ("store" in the config).
#pragma once

#include <beast_oauth/beast_oauth.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace intercom {

/// The open store and what the server needs to know about it.
struct store_set
{
    beast_oauth::client_store* clients = nullptr;
    beast_oauth::code_store* codes = nullptr;
    beast_oauth::token_store* tokens = nullptr;
    beast_oauth::grant_store* grants = nullptr; // the same store: Connected apps, revocations
    std::function<void(beast_oauth::client const&)> add_client;
    /// For the start-up banner, e.g. "sqlite data/intercom.db".
    std::string description;
    /// Grants survive a restart (so the token key must too).
    bool durable = false;
    /// Several instances may share it (so they must share one secret_key).
    bool shared = false;
    /// SQLite: the database file.
    std::string path;
    std::shared_ptr<void> owner;
    /// "postgres_async": the asynchronous stores (clients, codes, tokens); null members otherwise.
    beast_oauth::async_store_set async;
};

/** Opens `"memory"`, `"sqlite:PATH"` (directories created as needed) or `"postgres:CONNINFO"`.
    `replay_window`: how long a used code (and a revoked grant) is remembered after it expires.

    @throws std::runtime_error for another value, or a store this build lacks
    @throws beast_oauth::store_unavailable when the database cannot be opened
*/
store_set open_store(std::string const& spec, std::chrono::seconds replay_window);

/** With a postgres store, also opens a `postgres_async_store` on `ex` into `stores.async`
    (its operations run on `ex`, without blocking it).

    @throws std::runtime_error when the store is not postgres
*/
void open_async_store(store_set& stores, std::string const& spec, std::chrono::seconds replay_window,
                      boost::asio::any_io_executor ex);

/** The token HMAC key for a durable store: `configured` when set; otherwise, for SQLite, the
    key kept in a mode-0600 file next to the database (generated on first start). `note` says
    which, for the start-up output.

    @throws std::runtime_error for a shared store without a configured key
*/
std::string durable_secret_key(store_set const& stores, std::string const& configured, std::string& note);

} // namespace intercom
