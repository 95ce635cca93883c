// The store conformance suite: one set of tests every client/code/token store must pass.
//
// To test your own adapter, write a factory that returns a fresh, empty store and call
// run_store_conformance from a Catch2 TEST_CASE (see test_store_conformance.cpp and
// docs/storage-backends.md). Every SECTION re-runs the test case, so each gets a new store.
#pragma once

#include <beast_oauth/grants.hpp>
#include <beast_oauth/storage.hpp>
#include <functional>
#include <memory>
#include <string>

namespace conformance {

/// A store as the suite sees it.
struct store_under_test
{
    /// Keeps the store alive (and cleans up its files or tables when released).
    std::shared_ptr<void> owner;
    beast_oauth::client_store* clients = nullptr;
    beast_oauth::code_store* codes = nullptr;
    beast_oauth::token_store* tokens = nullptr;
    /// The grant records (issue 14); null: the grant sections are skipped.
    beast_oauth::grant_store* grants = nullptr;
    /// Registers a client (the stores' own add_client).
    std::function<void(beast_oauth::client const&)> add_client;
    /** Everything the backend keeps at rest, as bytes: database files, or a text dump of
        every table. Empty function: nothing is kept at rest (memory_store). */
    std::function<std::string()> raw_contents;
    /// Deletes what expired by `now`; empty function: the store sweeps only on its own.
    std::function<std::size_t(beast_oauth::time_point)> sweep;
    /// Opens the same storage again, as a restarted or a second instance would; empty: not durable.
    std::function<store_under_test()> reopen;
};

/// Makes a fresh, empty store that reads time from `clock`.
using store_factory = std::function<store_under_test(std::function<beast_oauth::time_point()> clock)>;

/// Runs every conformance test (as SECTIONs) against stores from `factory`.
void run_store_conformance(store_factory const& factory);

} // namespace conformance
