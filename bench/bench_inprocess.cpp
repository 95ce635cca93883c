// In-process figures for docs/performance.md: bearer validation, issuance, a whole token
// exchange and a refresh through handle_request (no sockets), JWT sign/verify against raw OpenSSL.
#include <beast_oauth/beast_oauth.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <benchmark/benchmark.h>
#ifdef BEAST_OAUTH_BENCH_SQLITE
#include <beast_oauth/sqlite_store.hpp>
#include <cstdio>
#include <unistd.h>
#endif
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <malloc.h>
#include <memory>
#include <string>
#include <mutex>
#include <vector>

namespace {

namespace http = boost::beast::http;
using namespace beast_oauth;

// One server over the in-memory store, with `live` access tokens already stored.
struct world
{
    memory_store store;
    memory_user_store users;
    std::unique_ptr<authorization_server> server;
    std::string token;

    explicit world(std::size_t live, server_options o = {})
    {
        client c;
        c.client_id = "seam";
        c.secret_hash = hash_client_secret("seamsecret");
        c.redirect_uris.emplace_back("https://connect.getseam.com/oauth/callback");
        store.add_client(c);
        o.issuer = "https://bench.test";
        o.secret_key = std::string(32, 'k');
        o.rate_limiting = false;
        server = std::make_unique<authorization_server>(o, store, store, store, users);
        auto now = std::chrono::system_clock::now();
        token_codec codec("unused-but-long-enough-key-0123456789");
        for(std::size_t i = 0; i < live; ++i)
        {
            token_record r;
            r.signature = codec.issue("x").signature;
            r.grant_id = r.signature.substr(0, 22);
            r.client_id = "seam";
            r.subject = "usr_1";
            r.expires_at = now + std::chrono::hours(1);
            store.save_token(r);
        }
        token = exchange(code());
    }

    std::string code()
    {
        authorization_request ar;
        ar.client = store.find_client("seam");
        ar.redirect_uri = "https://connect.getseam.com/oauth/callback";
        ar.redirect_uri_sent = true;
        auto loc = server->issue_code_redirect(ar, {"usr_1", "Owner"});
        auto start = loc.find("code=") + 5;
        return loc.substr(start, loc.find('&', start) - start);
    }

    http_request token_request(std::string const& c)
    {
        http_request req{http::verb::post, "/oauth/token", 11};
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = "grant_type=authorization_code&code=" + c +
                     "&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback"
                     "&client_id=seam&client_secret=seamsecret";
        return req;
    }

    std::string exchange(std::string const& c)
    {
        auto res = handle_request(*server, token_request(c));
        auto const& b = res->body();
        auto s = b.find("\"access_token\":\"") + 16;
        return b.substr(s, b.find('"', s) - s);
    }
};

void BM_opaque_bearer_validation(benchmark::State& state)
{
    world w(static_cast<std::size_t>(state.range(0)));
    auto header = "Bearer " + w.token;
    for(auto _ : state)
    {
        auto r = w.server->validate_bearer(header);
        benchmark::DoNotOptimize(r);
        if(!r.ok())
            state.SkipWithError("token did not validate");
    }
    state.counters["live_tokens"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_opaque_bearer_validation)->Arg(1000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kNanosecond);
// 10M live tokens take about a minute to store: a fixed iteration count builds the world once
// (Google Benchmark would otherwise call the function several times to size the run).
BENCHMARK(BM_opaque_bearer_validation)->Arg(10000000)->Iterations(2000000)->Unit(benchmark::kNanosecond);

// Both cores on one server: bearer validation from 1 and 2 threads sharing one server and
// store (items/s should double if no lock serializes them; the machine has 2 cores).
void BM_bearer_validation_shared(benchmark::State& state)
{
    static world w(100000);
    static std::string const header = "Bearer " + w.token;
    for(auto _ : state)
    {
        auto r = w.server->validate_bearer(header);
        benchmark::DoNotOptimize(r);
        if(!r.ok())
            state.SkipWithError("token did not validate");
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_bearer_validation_shared)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kNanosecond);

// Whole token exchanges through handle_request; codes are minted 1000 at a time with the
// clock paused (under `setup` when several threads share `w`).
void run_exchanges(benchmark::State& state, world& w, std::mutex* setup = nullptr)
{
    std::vector<http_request> batch;
    for(auto _ : state)
    {
        if(batch.empty())
        {
            state.PauseTiming();
            {
                std::unique_lock<std::mutex> lock;
                if(setup)
                    lock = std::unique_lock<std::mutex>(*setup);
                for(int i = 0; i < 1000; ++i)
                    batch.push_back(w.token_request(w.code()));
            }
            state.ResumeTiming();
        }
        auto res = beast_oauth::handle_request(*w.server, std::move(batch.back()));
        batch.pop_back();
        if(!res || res->result_int() != 200)
            state.SkipWithError("exchange failed");
        benchmark::DoNotOptimize(res);
    }
}

// The same server from 1 and 2 threads (each thread redeems its own codes).
void BM_token_exchange_shared(benchmark::State& state)
{
    static world w(1000);
    static std::mutex setup;
    run_exchanges(state, w, &setup);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_token_exchange_shared)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kNanosecond);

// The metrics hook's price (docs/operations.md): a bearer check and a whole exchange with no
// hook (0) and with a metrics_collector (1), which reads the steady clock twice and bumps two atomics.
server_options metered_options(bool on)
{
    static metrics_collector collector;
    server_options o;
    if(on)
        o.metrics = collector.hook();
    return o;
}

void BM_bearer_validation_metrics(benchmark::State& state)
{
    world w(1000, metered_options(state.range(0) != 0));
    auto header = "Bearer " + w.token;
    for(auto _ : state)
    {
        auto r = w.server->validate_bearer(header);
        benchmark::DoNotOptimize(r);
    }
    state.SetLabel(state.range(0) ? "metrics_collector" : "no hook");
}
BENCHMARK(BM_bearer_validation_metrics)->Arg(0)->Arg(1)->Unit(benchmark::kNanosecond);

void BM_token_exchange_metrics(benchmark::State& state)
{
    world w(1000, metered_options(state.range(0) != 0));
    run_exchanges(state, w);
    state.SetLabel(state.range(0) ? "metrics_collector" : "no hook");
}
BENCHMARK(BM_token_exchange_metrics)->Arg(0)->Arg(1)->Unit(benchmark::kNanosecond);

void BM_token_issuance(benchmark::State& state)
{
    token_codec codec(std::string(32, 'k'));
    for(auto _ : state)
        benchmark::DoNotOptimize(codec.issue("boa_at_"));
}
BENCHMARK(BM_token_issuance);

void BM_code_issuance(benchmark::State& state)
{
    world w(0);
    for(auto _ : state)
        benchmark::DoNotOptimize(w.code());
}
BENCHMARK(BM_code_issuance);

void BM_token_exchange_handle_request(benchmark::State& state)
{
    world w(static_cast<std::size_t>(state.range(0)));
    run_exchanges(state, w);
}
BENCHMARK(BM_token_exchange_handle_request)->Arg(1000)->Arg(1000000)->Iterations(100000);
BENCHMARK(BM_token_exchange_handle_request)->Arg(10000000)->Iterations(100000);

// Refreshes through handle_request (rotation none, Seam's guide): each one finds the refresh
// token, saves a new access token and writes the grant's row, where last_used_at is kept (at
// most once a minute; the comparison is inside that write). One grant, refreshed in a loop.
template<class Store>
void run_refreshes(benchmark::State& state, Store& store)
{
    memory_user_store users;
    client c;
    c.client_id = "seam";
    c.secret_hash = hash_client_secret("seamsecret");
    c.redirect_uris.emplace_back("https://connect.getseam.com/oauth/callback");
    store.add_client(c);
    server_options o;
    o.issuer = "https://bench.test";
    o.secret_key = std::string(32, 'k');
    o.rate_limiting = false;
    authorization_server server(o, store, store, store, users);
    authorization_request ar;
    ar.client = store.find_client("seam");
    ar.redirect_uri = "https://connect.getseam.com/oauth/callback";
    auto loc = server.issue_code_redirect(ar, {"usr_1", "Owner"});
    auto start = loc.find("code=") + 5;
    http_request ex{http::verb::post, "/oauth/token", 11};
    ex.set(http::field::content_type, "application/x-www-form-urlencoded");
    ex.body() = "grant_type=authorization_code&code=" + loc.substr(start, loc.find('&', start) - start) +
                "&client_id=seam&client_secret=seamsecret";
    auto first = handle_request(server, std::move(ex));
    auto const& b = first->body();
    auto rs = b.find("\"refresh_token\":\"") + 17;
    auto const body = "grant_type=refresh_token&refresh_token=" + b.substr(rs, b.find('"', rs) - rs) +
                      "&client_id=seam&client_secret=seamsecret";
    for(auto _ : state)
    {
        http_request req{http::verb::post, "/oauth/token", 11};
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = body;
        req.prepare_payload();
        auto res = handle_request(server, std::move(req));
        if(!res || res->result_int() != 200)
        {
            state.SkipWithError("refresh failed");
            break;
        }
        benchmark::DoNotOptimize(res);
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_refresh_memory(benchmark::State& state)
{
    memory_store store;
    run_refreshes(state, store);
}
BENCHMARK(BM_refresh_memory)->Unit(benchmark::kNanosecond);

#ifdef BEAST_OAUTH_BENCH_SQLITE
// The same on SQLite with synchronous=NORMAL (no fsync per commit, so the statements' own cost shows).
void BM_refresh_sqlite(benchmark::State& state)
{
    std::string path = "/tmp/beast-oauth-bench-refresh-" + std::to_string(::getpid()) + ".db";
    for(auto suffix : {"", "-wal", "-shm"})
        std::remove((path + suffix).c_str());
    {
        sqlite_store_options so;
        so.synchronous_full = false;
        sqlite_store store(path, so);
        run_refreshes(state, store);
    }
    for(auto suffix : {"", "-wal", "-shm"})
        std::remove((path + suffix).c_str());
}
BENCHMARK(BM_refresh_sqlite)->Unit(benchmark::kMicrosecond);
#endif

// JWT: ours against OpenSSL's own one-shot sign/verify of the same input.
void BM_jwt_sign(benchmark::State& state)
{
    auto alg = static_cast<jws_alg>(state.range(0));
    auto key = signing_key::generate(alg, "k");
    boost::json::object claims{{"iss", "https://bench.test"}, {"sub", "usr_1"}, {"aud", "https://bench.test"},
                               {"client_id", "seam"}, {"exp", 1800003600}, {"iat", 1800000000},
                               {"jti", "0123456789012345678901234567890123456789012"}, {"scope", "a b"}};
    for(auto _ : state)
        benchmark::DoNotOptimize(jws_sign(key, "at+jwt", claims));
    state.SetLabel(std::string(jws_alg_name(alg)));
}
BENCHMARK(BM_jwt_sign)->Arg(0)->Arg(1)->Arg(2);

void BM_jwt_verify(benchmark::State& state)
{
    auto alg = static_cast<jws_alg>(state.range(0));
    key_set ks;
    ks.add(signing_key::generate(alg, "k"));
    auto token = jws_sign(*ks.active(), "at+jwt", {{"sub", "usr_1"}, {"exp", 1800003600}});
    for(auto _ : state)
        benchmark::DoNotOptimize(jws_verify(token, ks, "at+jwt"));
    state.SetLabel(std::string(jws_alg_name(alg)));
}
BENCHMARK(BM_jwt_verify)->Arg(0)->Arg(1)->Arg(2);

// The floor: OpenSSL alone, same input size as a JWT signing input.
void BM_openssl_sign(benchmark::State& state)
{
    auto alg = static_cast<jws_alg>(state.range(0));
    std::string input(200, 'a');
    if(alg == jws_alg::hs256)
    {
        std::string key(32, 'k');
        unsigned char out[32];
        unsigned len = 0;
        for(auto _ : state)
            benchmark::DoNotOptimize(HMAC(EVP_sha256(), key.data(), 32,
                                          reinterpret_cast<unsigned char const*>(input.data()), input.size(), out, &len));
    }
    else
    {
        EVP_PKEY* pkey = alg == jws_alg::eddsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                                               : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        unsigned char sig[128];
        for(auto _ : state)
        {
            EVP_MD_CTX* ctx = EVP_MD_CTX_new();
            EVP_DigestSignInit(ctx, nullptr, alg == jws_alg::es256 ? EVP_sha256() : nullptr, nullptr, pkey);
            std::size_t len = sizeof(sig);
            EVP_DigestSign(ctx, sig, &len, reinterpret_cast<unsigned char const*>(input.data()), input.size());
            EVP_MD_CTX_free(ctx);
            benchmark::DoNotOptimize(sig);
        }
        EVP_PKEY_free(pkey);
    }
    state.SetLabel(std::string(jws_alg_name(alg)));
}
BENCHMARK(BM_openssl_sign)->Arg(0)->Arg(1)->Arg(2);

void BM_openssl_verify(benchmark::State& state)
{
    auto alg = static_cast<jws_alg>(state.range(0));
    std::string input(200, 'a');
    if(alg == jws_alg::hs256)
    {
        std::string key(32, 'k');
        unsigned char out[32];
        unsigned len = 0;
        for(auto _ : state)
            benchmark::DoNotOptimize(HMAC(EVP_sha256(), key.data(), 32,
                                          reinterpret_cast<unsigned char const*>(input.data()), input.size(), out, &len));
    }
    else
    {
        EVP_PKEY* pkey = alg == jws_alg::eddsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                                               : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        unsigned char sig[128];
        std::size_t siglen = sizeof(sig);
        EVP_MD_CTX* sctx = EVP_MD_CTX_new();
        EVP_DigestSignInit(sctx, nullptr, alg == jws_alg::es256 ? EVP_sha256() : nullptr, nullptr, pkey);
        EVP_DigestSign(sctx, sig, &siglen, reinterpret_cast<unsigned char const*>(input.data()), input.size());
        EVP_MD_CTX_free(sctx);
        for(auto _ : state)
        {
            EVP_MD_CTX* ctx = EVP_MD_CTX_new();
            EVP_DigestVerifyInit(ctx, nullptr, alg == jws_alg::es256 ? EVP_sha256() : nullptr, nullptr, pkey);
            benchmark::DoNotOptimize(EVP_DigestVerify(ctx, sig, siglen,
                                                      reinterpret_cast<unsigned char const*>(input.data()), input.size()));
            EVP_MD_CTX_free(ctx);
        }
        EVP_PKEY_free(pkey);
    }
    state.SetLabel(std::string(jws_alg_name(alg)));
}
BENCHMARK(BM_openssl_verify)->Arg(0)->Arg(1)->Arg(2);

// Memory per live token in the in-memory store: heap bytes in use (glibc mallinfo2) / tokens.
void BM_memory_per_live_token(benchmark::State& state)
{
    for(auto _ : state)
    {
        auto before = mallinfo2().uordblks;
        world w(static_cast<std::size_t>(state.range(0)));
        auto after = mallinfo2().uordblks;
        state.counters["bytes_per_token"] =
            static_cast<double>(after - before) / static_cast<double>(state.range(0));
    }
}
BENCHMARK(BM_memory_per_live_token)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
