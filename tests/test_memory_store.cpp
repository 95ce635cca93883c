#include <beast_oauth/memory_store.hpp>
#include "catch.hpp"

#include <atomic>
#include <thread>
#include <vector>

using namespace beast_oauth;

namespace {
time_point at(long long s) { return time_point(std::chrono::seconds(s)); }

code_record make_code(std::string sig, std::string grant, long long expires)
{
    code_record r;
    r.signature = std::move(sig);
    r.grant_id = std::move(grant);
    r.client_id = "seam";
    r.expires_at = at(expires);
    return r;
}

token_record make_token(std::string sig, std::string grant, long long expires)
{
    token_record t;
    t.signature = std::move(sig);
    t.grant_id = std::move(grant);
    t.client_id = "seam";
    t.subject = "usr";
    t.expires_at = at(expires);
    return t;
}
} // namespace

TEST_CASE("a code is consumed once; a second use reports its grant")
{
    memory_store store([] { return at(1000); });
    store.save_code(make_code("sig1", "grant1", 1060));
    auto first = store.consume_code("sig1");
    CHECK(first.status == consume_status::consumed);
    CHECK(first.record.grant_id == "grant1");
    auto second = store.consume_code("sig1");
    CHECK(second.status == consume_status::already_used);
    CHECK(second.record.grant_id == "grant1");
    CHECK(store.consume_code("nope").status == consume_status::not_found);
}

TEST_CASE("16 threads consuming one code: exactly one wins", "[concurrency]")
{
    for(int round = 0; round < 20; ++round)
    {
        memory_store store([] { return at(1000); });
        store.save_code(make_code("sig", "g", 1060));
        std::atomic<int> wins{0}, replays{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for(int i = 0; i < 16; ++i)
            threads.emplace_back([&] {
                while(!go) std::this_thread::yield(); // start together without starving the spawning thread (TSan)
                auto r = store.consume_code("sig");
                if(r.status == consume_status::consumed) ++wins;
                if(r.status == consume_status::already_used) ++replays;
            });
        go = true;
        for(auto& t : threads)
            t.join();
        CHECK(wins == 1);
        CHECK(replays == 15);
    }
}

TEST_CASE("revoking a grant removes its tokens and refuses later ones")
{
    memory_store store([] { return at(1000); });
    REQUIRE(store.save_token(make_token("t1", "g", 5000)));
    REQUIRE(store.save_token(make_token("t2", "other", 5000)));
    store.revoke_grant("g");
    CHECK(store.find_token("t1") == nullptr);
    CHECK(store.find_token("t2") != nullptr);
    CHECK_FALSE(store.save_token(make_token("t3", "g", 5000)));
    CHECK(store.find_token("t3") == nullptr);
}

TEST_CASE("expired entries are swept a few at a time as new ones arrive")
{
    long long now = 1000;
    memory_store store([&] { return at(now); });
    store.replay_window = std::chrono::seconds(0);
    for(int i = 0; i < 100; ++i)
        store.save_token(make_token("old" + std::to_string(i), "g" + std::to_string(i), 1100));
    CHECK(store.token_count() == 100);
    now = 2000;
    for(int i = 0; i < 400; ++i)
        store.save_token(make_token("new" + std::to_string(i), "h" + std::to_string(i), 5000));
    CHECK(store.token_count() == 400); // every old token reclaimed, none of the new
    CHECK(store.find_token("new7") != nullptr);
}

TEST_CASE("short-lived entries are reclaimed even when long-lived ones were stored before them")
{
    // A refresh token living 30 days must not hold back the hour-long access tokens stored
    // after it in the same shard (a FIFO expiry queue did: they stayed until the refresh expired).
    long long now = 1000;
    memory_store store([&] { return at(now); });
    store.replay_window = std::chrono::seconds(0);
    for(int i = 0; i < 64; ++i) // long-lived first, in every shard
        store.save_token(make_token("refresh" + std::to_string(i), "r" + std::to_string(i), 1000 + 30 * 86400));
    for(int i = 0; i < 200; ++i)
        store.save_token(make_token("access" + std::to_string(i), "a" + std::to_string(i), 1000 + 3600));
    REQUIRE(store.token_count() == 264);
    now = 1000 + 3601; // every access token expired, no refresh token
    for(int i = 0; i < 400; ++i)
        store.save_token(make_token("next" + std::to_string(i), "n" + std::to_string(i), now + 3600));
    CHECK(store.token_count() == 64 + 400);
    CHECK(store.find_token("refresh3") != nullptr);
    CHECK(store.find_token("access3") == nullptr);
}
