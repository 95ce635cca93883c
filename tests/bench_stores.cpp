// Flows per second per store, in process: each flow is the sign-in page (GET /authorize),
// the sign-in (POST /authorize: code saved), the code exchange (code consumed, access and
// refresh token saved) and one bearer check (token found), through handle_request.
// Passwords are compared in clear here so that PBKDF2 does not hide the stores' cost.
//
//   beast_oauth_store_bench [--seconds N] [--threads N] [--dir DIR]
//   BEAST_OAUTH_TEST_POSTGRES=<conninfo> adds PostgreSQL (tests/e2e/with_postgres.py sets it).
#include "store_flows.hpp"

#include <beast_oauth/memory_store.hpp>
#ifdef BEAST_OAUTH_TEST_SQLITE
#include <beast_oauth/sqlite_store.hpp>
#endif
#ifdef BEAST_OAUTH_TEST_POSTGRES
#include <beast_oauth/postgres_store.hpp>
#endif

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

struct plain_users : beast_oauth::user_authenticator
{
    std::optional<beast_oauth::user_identity> authenticate(std::string_view u, std::string_view p) const override
    {
        if(u == test::owner_email && p == test::owner_password)
            return beast_oauth::user_identity{test::owner_subject, "Owner"};
        return std::nullopt;
    }
};

template<class Store>
void bench(char const* name, Store& store, int seconds, int threads)
{
    store.add_client(conformance::flow_driver::seam_client());
    plain_users users;
    conformance::flow_driver f(store, store, store, users, {}, beast_oauth::refresh_rotation::none);
    std::atomic<long> flows{0}, failures{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    for(int i = 0; i < threads; ++i)
        pool.emplace_back([&] {
            while(!stop)
            {
                try
                {
                    auto res = f.exchange(f.obtain_code());
                    if(res.result_int() == 200 && f.api_accepts(conformance::flow_driver::field(res, "access_token")))
                        ++flows;
                    else
                        ++failures;
                }
                catch(std::exception const& e)
                {
                    if(failures++ == 0)
                        std::cerr << name << ": " << e.what() << "\n";
                }
            }
        });
    auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for(auto& t : pool)
        t.join();
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%-28s %8.0f flows/s  (%ld flows, %ld failed, %d threads, %.1f s)\n", name, flows / elapsed,
                flows.load(), failures.load(), threads, elapsed);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    int seconds = 5, threads = 2;
    std::string dir = "/tmp";
    for(int i = 1; i + 1 < argc; i += 2)
    {
        std::string a = argv[i];
        if(a == "--seconds")
            seconds = std::atoi(argv[i + 1]);
        else if(a == "--threads")
            threads = std::atoi(argv[i + 1]);
        else if(a == "--dir")
            dir = argv[i + 1];
    }
    {
        beast_oauth::memory_store store;
        bench("memory", store, seconds, threads);
    }
#ifdef BEAST_OAUTH_TEST_SQLITE
    for(bool full : {true, false})
    {
        auto path = dir + "/beast-oauth-bench-" + std::to_string(::getpid()) + ".db";
        {
            beast_oauth::sqlite_store_options o;
            o.synchronous_full = full;
            beast_oauth::sqlite_store store(path, o);
            bench(full ? "sqlite (synchronous=FULL)" : "sqlite (synchronous=NORMAL)", store, seconds, threads);
        }
        for(auto suffix : {"", "-wal", "-shm"})
            std::remove((path + suffix).c_str());
    }
#endif
#ifdef BEAST_OAUTH_TEST_POSTGRES
    if(char const* conninfo = std::getenv("BEAST_OAUTH_TEST_POSTGRES"))
    {
        beast_oauth::postgres_store store(conninfo);
        bench("postgres", store, seconds, threads);
    }
#endif
    return 0;
}
