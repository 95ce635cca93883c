// Header-only mode for the optional stores: this TU includes them without
// BEAST_OAUTH_SEPARATE_COMPILATION and links only beast_oauth::sqlite and beast_oauth::postgres.
#include <beast_oauth/sqlite_store.hpp>
#include <beast_oauth/postgres_store.hpp>
#include <beast_oauth/postgres_async_store.hpp>
#include "catch.hpp"

#include <cstdio>
#include <unistd.h>

#ifdef BEAST_OAUTH_SEPARATE_COMPILATION
#error this test must build in header-only mode
#endif

TEST_CASE("header-only build: sqlite_store consumes a code once")
{
    auto path = "/tmp/beast-oauth-header-only-" + std::to_string(::getpid()) + ".db";
    {
        beast_oauth::sqlite_store store(path);
        beast_oauth::code_record r;
        r.signature = "sig";
        r.grant_id = "grant";
        r.expires_at = std::chrono::system_clock::now() + std::chrono::seconds(60);
        store.save_code(r);
        CHECK(store.consume_code("sig").status == beast_oauth::consume_status::consumed);
        CHECK(store.consume_code("sig").status == beast_oauth::consume_status::already_used);
    }
    for(auto suffix : {"", "-wal", "-shm"})
        std::remove((path + suffix).c_str());
}

TEST_CASE("header-only build: postgres_store reports an unreachable server")
{
    beast_oauth::postgres_store_options o;
    o.connect_timeout = std::chrono::seconds(2);
    CHECK_THROWS_AS(beast_oauth::postgres_store("host=127.0.0.1 port=1 dbname=x user=x", o),
                    beast_oauth::store_unavailable);
}
