// The store conformance suite (see store_conformance.hpp). Assertions stay on the test's own
// thread: worker threads only count outcomes, which are checked after they joined.
#include "store_conformance.hpp"
#include "store_flows.hpp"
#include "catch.hpp"

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace conformance {

namespace {

using namespace beast_oauth;

time_point at(long long s) { return time_point(std::chrono::seconds(s)); }

constexpr long long t0 = 1'800'000'000;

code_record make_code(std::string sig, std::string grant, long long expires)
{
    code_record r;
    r.signature = std::move(sig);
    r.grant_id = std::move(grant);
    r.client_id = "seam";
    r.subject = "usr_1";
    r.scope = "intercoms.read";
    r.redirect_uri = "https://connect.getseam.com/oauth/callback";
    r.issued_at = at(t0);
    r.expires_at = at(expires);
    return r;
}

token_record make_token(std::string sig, std::string grant, long long expires,
                        token_kind kind = token_kind::access)
{
    token_record t;
    t.signature = std::move(sig);
    t.kind = kind;
    t.grant_id = std::move(grant);
    t.client_id = "seam";
    t.subject = "usr_1";
    t.scope = "intercoms.read";
    t.issued_at = at(t0);
    t.expires_at = at(expires);
    return t;
}

// Runs `n` threads that start together; each calls fn(i).
template<class F>
void race(int n, F fn)
{
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for(int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            ++ready;
            while(!go)
                std::this_thread::yield();
            fn(i);
        });
    while(ready < n)
        std::this_thread::yield();
    go = true;
    for(auto& t : threads)
        t.join();
}

client make_client()
{
    client c;
    c.client_id = "seam";
    c.name = "Seam <Connect>";
    static std::string const hash = hash_client_secret("seamsecret"); // salted: hash once, compare equal
    c.secret_hash = hash;
    for(auto uri : {"https://*.integrations.getseam.com/*", "https://connect.getseam.com/oauth/callback",
                    "http://localhost:3020/oauth/callback"})
        c.redirect_uris.emplace_back(uri);
    c.allowed_scopes = {"intercoms.read", "intercoms.write"};
    c.default_scope = "intercoms.read";
    c.grant_types = {"authorization_code", "refresh_token"};
    c.require_pkce = true;
    c.rotation = refresh_rotation::rotate;
    c.may_introspect_any = true;
    c.require_pushed_authorization_requests = true; // RFC 9126 6 (schema 4)
    c.dpop_bound_access_tokens = true;              // RFC 9449 5.2 (schema 4)
    return c;
}

void check_same_client(client const& a, client const& b)
{
    CHECK(a.client_id == b.client_id);
    CHECK(a.name == b.name);
    CHECK(a.secret_hash == b.secret_hash);
    REQUIRE(a.redirect_uris.size() == b.redirect_uris.size());
    for(std::size_t i = 0; i < a.redirect_uris.size(); ++i)
        CHECK(a.redirect_uris[i].text() == b.redirect_uris[i].text());
    CHECK(a.allowed_scopes == b.allowed_scopes);
    CHECK(a.default_scope == b.default_scope);
    CHECK(a.grant_types == b.grant_types);
    CHECK(a.require_pkce == b.require_pkce);
    CHECK(a.rotation == b.rotation);
    CHECK(a.may_introspect_any == b.may_introspect_any);
    CHECK(a.require_pushed_authorization_requests == b.require_pushed_authorization_requests);
    CHECK(a.dpop_bound_access_tokens == b.dpop_bound_access_tokens);
}

bool matches(client const& c, std::string const& uri)
{
    parsed_redirect_uri p;
    if(parse_redirect_uri(uri, p))
        return false;
    for(auto const& r : c.redirect_uris)
        if(r.matches(p))
            return true;
    return false;
}

} // namespace

void run_store_conformance(store_factory const& factory)
{
    std::atomic<long long> clock_seconds{t0};
    std::function<time_point()> clock = [&clock_seconds] { return at(clock_seconds.load()); };
    auto s = factory(clock);
    REQUIRE(s.clients);
    REQUIRE(s.codes);
    REQUIRE(s.tokens);
    auto& codes = *s.codes;
    auto& tokens = *s.tokens;

    SECTION("unknown keys are reported as unknown")
    {
        CHECK(s.clients->find_client("nobody") == nullptr);
        CHECK(codes.consume_code("no-such-code").status == consume_status::not_found);
        CHECK(tokens.find_token("no-such-token") == nullptr);
        CHECK_NOTHROW(tokens.revoke_token("no-such-token"));
        CHECK_NOTHROW(tokens.revoke_access_tokens("no-such-grant", "x"));
        std::shared_ptr<token_record const> old;
        refresh_rotation_request rq;
        rq.old_signature = "no-such-token";
        rq.now = at(t0);
        CHECK(tokens.rotate_refresh_token(rq, old) == rotate_status::not_found);
        CHECK(old == nullptr);
        // Revoking a grant nobody saved yet still refuses its tokens later (a replay can win the race).
        tokens.revoke_grant("unseen-grant");
        CHECK_FALSE(tokens.save_token(make_token("late", "unseen-grant", t0 + 3600)));
        CHECK(tokens.find_token("late") == nullptr);
    }

    SECTION("codes and tokens keep every field")
    {
        auto c = make_code("code-sig", "grant-1", t0 + 60);
        c.scope_changed = true;
        c.redirect_uri_sent = true;
        c.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        c.code_challenge_method = "S256";
        c.issued_at = at(t0) + std::chrono::microseconds(123456);
        codes.save_code(c);
        auto r = codes.consume_code("code-sig");
        REQUIRE(r.status == consume_status::consumed);
        CHECK(r.record.signature == c.signature);
        CHECK(r.record.grant_id == c.grant_id);
        CHECK(r.record.client_id == c.client_id);
        CHECK(r.record.subject == c.subject);
        CHECK(r.record.scope == c.scope);
        CHECK(r.record.scope_changed);
        CHECK(r.record.redirect_uri == c.redirect_uri);
        CHECK(r.record.redirect_uri_sent);
        CHECK(r.record.code_challenge == c.code_challenge);
        CHECK(r.record.code_challenge_method == "S256");
        CHECK(r.record.issued_at == c.issued_at);
        CHECK(r.record.expires_at == c.expires_at);

        auto at1 = make_token("at-sig", "grant-1", t0 + 3600);
        auto rt1 = make_token("rt-sig", "grant-1", 0, token_kind::refresh);
        rt1.expires_at = time_point::max(); // refresh tokens that never expire
        rt1.scope = "intercoms.read intercoms.write";
        REQUIRE(tokens.save_token(at1));
        REQUIRE(tokens.save_token(rt1));
        auto a = tokens.find_token("at-sig");
        REQUIRE(a);
        CHECK(a->signature == "at-sig");
        CHECK(a->kind == token_kind::access);
        CHECK(a->grant_id == "grant-1");
        CHECK(a->client_id == "seam");
        CHECK(a->subject == "usr_1");
        CHECK(a->scope == "intercoms.read");
        CHECK(a->issued_at == at1.issued_at);
        CHECK(a->expires_at == at1.expires_at);
        CHECK(a->rotated_at == time_point{});
        auto rt = tokens.find_token("rt-sig");
        REQUIRE(rt);
        CHECK(rt->kind == token_kind::refresh);
        CHECK(rt->expires_at == time_point::max());
        CHECK(rt->scope == "intercoms.read intercoms.write");
    }

    SECTION("a code is consumed exactly once under 16 concurrent redeems")
    {
        for(int round = 0; round < 5; ++round)
        {
            auto sig = "race-" + std::to_string(round);
            codes.save_code(make_code(sig, "grant-" + sig, t0 + 60));
            std::atomic<int> consumed{0}, replays{0}, other{0};
            std::atomic<int> right_grant{0};
            race(16, [&](int) {
                auto r = codes.consume_code(sig);
                if(r.status == consume_status::consumed)
                    ++consumed;
                else if(r.status == consume_status::already_used)
                    ++replays;
                else
                    ++other;
                if(r.record.grant_id == "grant-" + sig)
                    ++right_grant;
            });
            CHECK(consumed == 1);
            CHECK(replays == 15);
            CHECK(other == 0);
            CHECK(right_grant == 16);
        }
    }

    SECTION("a replayed code names its grant, and revoking the grant cascades")
    {
        codes.save_code(make_code("c1", "g1", t0 + 60));
        REQUIRE(codes.consume_code("c1").status == consume_status::consumed);
        REQUIRE(tokens.save_token(make_token("g1-at", "g1", t0 + 3600)));
        REQUIRE(tokens.save_token(make_token("g1-rt", "g1", t0 + 86400, token_kind::refresh)));
        REQUIRE(tokens.save_token(make_token("g2-at", "g2", t0 + 3600)));
        auto replay = codes.consume_code("c1");
        REQUIRE(replay.status == consume_status::already_used);
        CHECK(replay.record.grant_id == "g1");
        tokens.revoke_grant(replay.record.grant_id);
        CHECK(tokens.find_token("g1-at") == nullptr);
        CHECK(tokens.find_token("g1-rt") == nullptr);
        CHECK(tokens.find_token("g2-at") != nullptr); // other grants untouched
        // The exchange still saving its tokens loses: the grant refuses them.
        CHECK_FALSE(tokens.save_token(make_token("g1-late", "g1", t0 + 3600)));
        CHECK(tokens.find_token("g1-late") == nullptr);
        // A later replay is still a replay; revoking again is harmless.
        CHECK(codes.consume_code("c1").status == consume_status::already_used);
        CHECK_NOTHROW(tokens.revoke_grant("g1"));
        std::shared_ptr<token_record const> old;
        refresh_rotation_request rq;
        rq.old_signature = "g1-rt";
        rq.now = at(t0 + 10);
        CHECK(tokens.rotate_refresh_token(rq, old) == rotate_status::not_found);
    }

    SECTION("save_token racing revoke_grant never leaves a working token")
    {
        for(int round = 0; round < 3; ++round)
        {
            auto grant = "contended-" + std::to_string(round);
            std::atomic<int> saved{0}, refused{0};
            race(8, [&](int i) {
                if(i == 0)
                {
                    tokens.revoke_grant(grant);
                    return;
                }
                for(int k = 0; k < 4; ++k)
                {
                    auto sig = grant + "-" + std::to_string(i) + "-" + std::to_string(k);
                    if(tokens.save_token(make_token(sig, grant, t0 + 3600)))
                        ++saved;
                    else
                        ++refused;
                }
            });
            CHECK(saved + refused == 28);
            for(int i = 1; i < 8; ++i)
                for(int k = 0; k < 4; ++k)
                    CHECK(tokens.find_token(grant + "-" + std::to_string(i) + "-" + std::to_string(k)) == nullptr);
            CHECK_FALSE(tokens.save_token(make_token(grant + "-after", grant, t0 + 3600)));
        }
    }

    SECTION("claim_code admits exactly one of 16 concurrent claims")
    {
        std::atomic<int> consumed{0}, replays{0}, right_grant{0};
        race(16, [&](int) {
            auto r = codes.claim_code("jti-1", "jwt-grant", at(t0 + 60));
            if(r.status == consume_status::consumed)
                ++consumed;
            if(r.status == consume_status::already_used)
                ++replays;
            if(r.record.grant_id == "jwt-grant")
                ++right_grant;
        });
        CHECK(consumed == 1);
        CHECK(replays == 15);
        CHECK(right_grant == 16);
        auto again = codes.claim_code("jti-1", "jwt-grant", at(t0 + 60));
        CHECK(again.status == consume_status::already_used);
        CHECK(again.record.grant_id == "jwt-grant");
        CHECK(codes.claim_code("jti-2", "other", at(t0 + 60)).status == consume_status::consumed);
    }

    SECTION("refresh rotation: rotated once, then in grace, then reused")
    {
        REQUIRE(tokens.save_token(make_token("rt0", "rg", t0 + 86400, token_kind::refresh)));
        auto at1 = make_token("at1", "rg", t0 + 3700);
        auto rt1 = make_token("rt1", "rg", t0 + 90000, token_kind::refresh);
        refresh_rotation_request rq;
        rq.old_signature = "rt0";
        rq.now = at(t0 + 100);
        rq.grace = std::chrono::seconds(60);
        rq.new_access = &at1;
        rq.new_refresh = &rt1;
        std::shared_ptr<token_record const> old;
        REQUIRE(tokens.rotate_refresh_token(rq, old) == rotate_status::rotated);
        REQUIRE(old);
        CHECK(old->signature == "rt0");
        CHECK(old->rotated_at == at(t0 + 100));
        CHECK(old->grant_id == "rg");
        REQUIRE(tokens.find_token("at1"));
        REQUIRE(tokens.find_token("rt1"));
        CHECK(tokens.find_token("rt1")->kind == token_kind::refresh);
        auto stored_old = tokens.find_token("rt0");
        REQUIRE(stored_old); // kept for reuse detection
        CHECK(stored_old->rotated_at == at(t0 + 100));

        // Inside the grace period: nothing stored, the first rotation's time reported.
        auto at_other = make_token("at-other", "rg", t0 + 3700);
        auto rt_other = make_token("rt-other", "rg", t0 + 90000, token_kind::refresh);
        rq.now = at(t0 + 150);
        rq.new_access = &at_other;
        rq.new_refresh = &rt_other;
        old = nullptr;
        CHECK(tokens.rotate_refresh_token(rq, old) == rotate_status::in_grace);
        REQUIRE(old);
        CHECK(old->rotated_at == at(t0 + 100));
        CHECK(tokens.find_token("at-other") == nullptr);
        CHECK(tokens.find_token("rt-other") == nullptr);

        // After it: a reuse (the caller then revokes the grant).
        rq.now = at(t0 + 161);
        CHECK(tokens.rotate_refresh_token(rq, old) == rotate_status::reused);
        tokens.revoke_grant("rg");
        CHECK(tokens.find_token("rt1") == nullptr);
        rq.old_signature = "rt1";
        CHECK(tokens.rotate_refresh_token(rq, old) == rotate_status::not_found);

        // An access token is not a refresh token.
        REQUIRE(tokens.save_token(make_token("plain-at", "pg", t0 + 3600)));
        rq.old_signature = "plain-at";
        CHECK(tokens.rotate_refresh_token(rq, old) == rotate_status::not_found);
    }

    SECTION("8 concurrent rotations of one refresh token: one rotated, seven in grace")
    {
        REQUIRE(tokens.save_token(make_token("crt0", "cg", t0 + 86400, token_kind::refresh)));
        auto at1 = make_token("cat1", "cg", t0 + 3700);
        auto rt1 = make_token("crt1", "cg", t0 + 90000, token_kind::refresh);
        std::atomic<int> rotated{0}, in_grace{0}, other{0}, same_time{0};
        race(8, [&](int) {
            refresh_rotation_request rq;
            rq.old_signature = "crt0";
            rq.now = at(t0 + 100);
            rq.new_access = &at1;
            rq.new_refresh = &rt1;
            std::shared_ptr<token_record const> old;
            auto st = tokens.rotate_refresh_token(rq, old);
            if(st == rotate_status::rotated)
                ++rotated;
            else if(st == rotate_status::in_grace)
                ++in_grace;
            else
                ++other;
            if(old && old->rotated_at == at(t0 + 100))
                ++same_time;
        });
        CHECK(rotated == 1);
        CHECK(in_grace == 7);
        CHECK(other == 0);
        CHECK(same_time == 8);
        CHECK(tokens.find_token("cat1"));
        CHECK(tokens.find_token("crt1"));
    }

    SECTION("revoke_token removes one token only")
    {
        REQUIRE(tokens.save_token(make_token("one", "rv", t0 + 3600)));
        REQUIRE(tokens.save_token(make_token("two", "rv", t0 + 3600)));
        tokens.revoke_token("one");
        CHECK(tokens.find_token("one") == nullptr);
        CHECK(tokens.find_token("two") != nullptr);
        CHECK(tokens.save_token(make_token("three", "rv", t0 + 3600))); // the grant lives on
    }

    SECTION("revoke_access_tokens keeps the refresh tokens and the kept access token")
    {
        REQUIRE(tokens.save_token(make_token("a1", "ra", t0 + 3600)));
        REQUIRE(tokens.save_token(make_token("a2", "ra", t0 + 3600)));
        REQUIRE(tokens.save_token(make_token("keep", "ra", t0 + 3600)));
        REQUIRE(tokens.save_token(make_token("r1", "ra", t0 + 86400, token_kind::refresh)));
        REQUIRE(tokens.save_token(make_token("b1", "rb", t0 + 3600)));
        tokens.revoke_access_tokens("ra", "keep");
        CHECK(tokens.find_token("a1") == nullptr);
        CHECK(tokens.find_token("a2") == nullptr);
        CHECK(tokens.find_token("keep") != nullptr);
        CHECK(tokens.find_token("r1") != nullptr);
        CHECK(tokens.find_token("b1") != nullptr);
    }

    SECTION("trim_access_tokens keeps the newest N access tokens of a grant, and the refresh tokens")
    {
        for(int i = 0; i < 25; ++i)
        {
            auto t = make_token("ta" + std::to_string(i), "tg", t0 + 3600);
            t.issued_at = at(t0 + i); // issue order
            REQUIRE(tokens.save_token(t));
        }
        REQUIRE(tokens.save_token(make_token("tr", "tg", t0 + 86400, token_kind::refresh)));
        REQUIRE(tokens.save_token(make_token("other", "tg2", t0 + 3600)));
        tokens.trim_access_tokens("tg", 10);
        for(int i = 0; i < 25; ++i)
        {
            INFO(i);
            CHECK((tokens.find_token("ta" + std::to_string(i)) != nullptr) == (i >= 15));
        }
        CHECK(tokens.find_token("tr") != nullptr);
        CHECK(tokens.find_token("other") != nullptr);
        CHECK_NOTHROW(tokens.trim_access_tokens("no-such-grant", 10));
    }

    // The DPoP replay cache (RFC 9449 11.1).
    SECTION("claim_dpop_jti: the first claim wins, a second is a replay, of 16 concurrent claims one wins")
    {
        CHECK(tokens.claim_dpop_jti("jkt-a.jti-1", at(t0 + 300), 100) == dpop_jti_status::claimed);
        CHECK(tokens.claim_dpop_jti("jkt-a.jti-1", at(t0 + 300), 100) == dpop_jti_status::replayed);
        CHECK(tokens.claim_dpop_jti("jkt-a.jti-2", at(t0 + 300), 100) == dpop_jti_status::claimed);
        std::atomic<int> claimed{0}, replayed{0};
        race(16, [&](int) {
            auto st = tokens.claim_dpop_jti("jkt-b.raced", at(t0 + 300), 100);
            (st == dpop_jti_status::claimed ? claimed : replayed)++;
        });
        CHECK(claimed == 1);
        CHECK(replayed == 15);
    }

    SECTION("claim_dpop_jti: a token with the jkt keeps it")
    {
        auto t = make_token("bound", "bg", t0 + 3600);
        t.jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
        REQUIRE(tokens.save_token(t));
        auto found = tokens.find_token("bound");
        REQUIRE(found);
        CHECK(found->jkt == t.jkt);
        REQUIRE(tokens.save_token(make_token("unbound", "bg", t0 + 3600)));
        CHECK(tokens.find_token("unbound")->jkt.empty());
    }

    SECTION("claim_dpop_jti: at capacity new proofs are refused, never evicted; expired entries are purged")
    {
        for(int i = 0; i < 3; ++i)
            REQUIRE(tokens.claim_dpop_jti("cap." + std::to_string(i), at(t0 + 60 + i), 3) == dpop_jti_status::claimed);
        CHECK(tokens.claim_dpop_jti("cap.new", at(t0 + 60), 3) == dpop_jti_status::full);
        // Full does not forget what is remembered: every replay is still refused.
        for(int i = 0; i < 3; ++i)
            CHECK(tokens.claim_dpop_jti("cap." + std::to_string(i), at(t0 + 60 + i), 3) == dpop_jti_status::replayed);
        // Past the first entry's expiry it is purged, which makes room for one new proof.
        clock_seconds = t0 + 60;
        CHECK(tokens.claim_dpop_jti("cap.new", at(t0 + 120), 3) == dpop_jti_status::claimed);
        CHECK(tokens.claim_dpop_jti("cap.newer", at(t0 + 120), 3) == dpop_jti_status::full);
        clock_seconds = t0 + 200;
        for(int i = 0; i < 3; ++i)
            CHECK(tokens.claim_dpop_jti("later." + std::to_string(i), at(t0 + 400), 3) == dpop_jti_status::claimed);
    }

    SECTION("used codes stay replays past their expiry; sweeping forgets what expired")
    {
        codes.save_code(make_code("old-code", "og", t0 + 60));
        REQUIRE(codes.consume_code("old-code").status == consume_status::consumed);
        REQUIRE(tokens.save_token(make_token("short", "og", t0 + 60)));
        auto forever = make_token("forever", "fg", 0, token_kind::refresh);
        forever.expires_at = time_point::max();
        REQUIRE(tokens.save_token(forever));
        codes.save_code(make_code("fresh-code", "ng", t0 + 10000));
        // Expired, but inside the replay window: still reported as a replay.
        clock_seconds = t0 + 120;
        CHECK(codes.consume_code("old-code").status == consume_status::already_used);
        if(s.sweep)
        {
            s.sweep(at(t0 + 120)); // within the replay window: the used code stays
            CHECK(codes.consume_code("old-code").status == consume_status::already_used);
            CHECK(tokens.find_token("short") == nullptr); // expired tokens go at once
            clock_seconds = t0 + 5000;
            CHECK(s.sweep(at(t0 + 5000)) >= 1);
            CHECK(codes.consume_code("old-code").status == consume_status::not_found);
            CHECK(tokens.find_token("forever") != nullptr);
            CHECK(codes.consume_code("fresh-code").status == consume_status::consumed);
            // A revoked grant refuses saves for the whole replay window after its revocation.
            tokens.revoke_grant("fg");
            CHECK(s.sweep(at(t0 + 5000)) == 0);
            CHECK_FALSE(tokens.save_token(make_token("again", "fg", t0 + 9000)));
        }
        else
        {
            CHECK(tokens.find_token("forever") != nullptr);
            CHECK(codes.consume_code("fresh-code").status == consume_status::consumed);
        }
    }

    SECTION("clients keep every field, redirect patterns included")
    {
        auto c = make_client();
        s.add_client(c);
        auto found = s.clients->find_client("seam");
        REQUIRE(found);
        check_same_client(*found, c);
        CHECK(matches(*found, "https://acme.integrations.getseam.com/cb?x=1"));
        CHECK_FALSE(matches(*found, "https://evilintegrations.getseam.com/cb"));
        CHECK(matches(*found, "http://localhost:4000/oauth/callback"));
        // Replacing a client replaces every field.
        c.name = "Seam 2";
        c.redirect_uris.clear();
        c.redirect_uris.emplace_back("https://other.example.test/cb");
        c.rotation.reset();
        c.require_pushed_authorization_requests = false;
        c.dpop_bound_access_tokens = false;
        s.add_client(c);
        found = s.clients->find_client("seam");
        REQUIRE(found);
        check_same_client(*found, c);
    }

    if(s.grants)
    {
        auto& grants = *s.grants;

        SECTION("grants: the first token creates the record, later ones move last_used_at at most once a minute")
        {
            auto a = make_token("ga-at", "ga", t0 + 3600);
            a.scope = "intercoms.read intercoms.write";
            REQUIRE(tokens.save_token(a));
            auto rt = make_token("ga-rt", "ga", t0 + 86400, token_kind::refresh);
            rt.scope = "intercoms.read intercoms.write";
            REQUIRE(tokens.save_token(rt));
            auto g = grants.find_grant("ga");
            REQUIRE(g);
            CHECK(g->grant_id == "ga");
            CHECK(g->subject == "usr_1");
            CHECK(g->client_id == "seam");
            CHECK(g->scope == "intercoms.read intercoms.write");
            CHECK(g->created_at == at(t0));
            CHECK(g->last_used_at == at(t0));
            CHECK_FALSE(g->revoked());
            CHECK(g->expires_at == at(t0 + 86400));

            // A refresh 30 s later: inside the resolution, nothing moves.
            auto a2 = make_token("ga-at2", "ga", t0 + 3630);
            a2.issued_at = at(t0 + 30);
            a2.scope = "intercoms.read"; // a narrowed refresh never narrows the grant
            REQUIRE(tokens.save_token(a2));
            CHECK(grants.find_grant("ga")->last_used_at == at(t0));
            CHECK(grants.find_grant("ga")->scope == "intercoms.read intercoms.write");
            auto a3 = make_token("ga-at3", "ga", t0 + 3660);
            a3.issued_at = at(t0 + 60);
            REQUIRE(tokens.save_token(a3));
            CHECK(grants.find_grant("ga")->last_used_at == at(t0 + 60));
            // A rotation counts as a use too.
            auto at4 = make_token("ga-at4", "ga", t0 + 3800);
            at4.issued_at = at(t0 + 200);
            auto rt4 = make_token("ga-rt4", "ga", t0 + 90000, token_kind::refresh);
            rt4.issued_at = at(t0 + 200);
            refresh_rotation_request rq;
            rq.old_signature = "ga-rt";
            rq.now = at(t0 + 200);
            rq.new_access = &at4;
            rq.new_refresh = &rt4;
            std::shared_ptr<token_record const> old;
            REQUIRE(tokens.rotate_refresh_token(rq, old) == rotate_status::rotated);
            g = grants.find_grant("ga");
            REQUIRE(g);
            CHECK(g->last_used_at == at(t0 + 200));
            CHECK(g->created_at == at(t0));
            CHECK(g->expires_at == at(t0 + 90000));

            // Listed per owner, oldest first; revoked and expired grants are not.
            auto b = make_token("gb-at", "gb", t0 + 3600);
            b.issued_at = at(t0 + 5);
            REQUIRE(tokens.save_token(b));
            auto other = make_token("go-at", "go", t0 + 3600);
            other.subject = "usr_2";
            REQUIRE(tokens.save_token(other));
            auto shortlived = make_token("gs-at", "gs", t0 + 100);
            REQUIRE(tokens.save_token(shortlived));
            auto mine = grants.list_grants("usr_1");
            REQUIRE(mine.size() == 3);
            CHECK(mine[0].grant_id == "ga");
            CHECK(mine[1].grant_id == "gs");
            CHECK(mine[2].grant_id == "gb");
            clock_seconds = t0 + 101;
            mine = grants.list_grants("usr_1");
            REQUIRE(mine.size() == 2);
            CHECK(mine[0].grant_id == "ga");
            CHECK(mine[1].grant_id == "gb");
            tokens.revoke_grant("gb");
            mine = grants.list_grants("usr_1");
            REQUIRE(mine.size() == 1);
            CHECK(mine[0].grant_id == "ga");
            auto gone = grants.find_grant("gb");
            REQUIRE(gone);
            CHECK(gone->revoked());
            CHECK(gone->subject == "usr_1");
            REQUIRE(grants.list_grants("usr_2").size() == 1);
            CHECK(grants.list_grants("nobody").empty());
            CHECK_FALSE(grants.find_grant("no-such-grant"));
            if(s.reopen)
            {
                auto again = s.reopen();
                REQUIRE(again.grants);
                auto g2 = again.grants->find_grant("ga");
                REQUIRE(g2);
                CHECK(g2->last_used_at == at(t0 + 200));
                CHECK(g2->scope == "intercoms.read intercoms.write");
                CHECK(again.grants->list_grants("usr_1").size() == 1);
            }
        }

        for(bool by_subject : {true, false})
        {
            SECTION(by_subject ? "revoking an owner's grants ends their tokens, refreshes and codes in flight, nobody else's"
                               : "revoking a client's grants ends their tokens, refreshes and codes in flight, nobody else's")
            {
                // Ours: two grants with tokens, a code not yet exchanged, a code consumed whose
                // tokens are still being saved. Theirs: another owner (or client).
                auto ours = [&](token_record t) {
                    if(!by_subject)
                        t.subject = "usr_" + t.grant_id; // one client, several owners
                    return t;
                };
                auto theirs = [&](auto r) {
                    if(by_subject)
                        r.subject = "usr_2";
                    else
                        r.client_id = "acme";
                    return r;
                };
                REQUIRE(tokens.save_token(ours(make_token("r1-at", "r1", t0 + 3600))));
                REQUIRE(tokens.save_token(ours(make_token("r1-rt", "r1", t0 + 86400, token_kind::refresh))));
                auto r2 = ours(make_token("r2-at", "r2", t0 + 3600));
                if(by_subject)
                    r2.client_id = "acme"; // the owner's grants of every client
                REQUIRE(tokens.save_token(r2));
                codes.save_code(make_code("rc-unused", "rc1", t0 + 60));
                codes.save_code(make_code("rc-used", "rc2", t0 + 60));
                REQUIRE(codes.consume_code("rc-used").status == consume_status::consumed);
                REQUIRE(tokens.save_token(theirs(make_token("x-at", "x1", t0 + 3600))));
                REQUIRE(tokens.save_token(theirs(make_token("x-rt", "x1", t0 + 86400, token_kind::refresh))));
                codes.save_code(theirs(make_code("x-code", "x2", t0 + 60)));

                clock_seconds = t0 + 10;
                auto revoked = by_subject ? grants.revoke_subject_grants("usr_1") : grants.revoke_client_grants("seam");
                std::set<std::string> ids;
                for(auto const& g : revoked)
                {
                    ids.insert(g.grant_id);
                    CHECK(g.revoked_at == at(t0 + 10));
                    CHECK((by_subject ? g.subject == "usr_1" : g.client_id == "seam"));
                }
                CHECK(ids == std::set<std::string>{"r1", "r2", "rc1", "rc2"});
                for(auto sig : {"r1-at", "r1-rt", "r2-at"})
                    CHECK(tokens.find_token(sig) == nullptr);
                std::shared_ptr<token_record const> old;
                refresh_rotation_request rq;
                rq.old_signature = "r1-rt";
                rq.now = at(t0 + 11);
                CHECK(tokens.rotate_refresh_token(rq, old) == rotate_status::not_found);
                // Codes in flight: the unused one is gone, the exchange still saving is refused.
                CHECK(codes.consume_code("rc-unused").status != consume_status::consumed);
                CHECK_FALSE(tokens.save_token(ours(make_token("rc2-at", "rc2", t0 + 3600))));
                CHECK_FALSE(tokens.save_token(ours(make_token("rc1-at", "rc1", t0 + 3600))));
                CHECK_FALSE(tokens.save_token(ours(make_token("r1-late", "r1", t0 + 3600))));
                if(by_subject)
                    CHECK(grants.list_grants("usr_1").empty());
                CHECK(grants.find_grant("r1")->revoked());
                // Nobody else's.
                CHECK(tokens.find_token("x-at") != nullptr);
                CHECK(tokens.find_token("x-rt") != nullptr);
                CHECK(codes.consume_code("x-code").status == consume_status::consumed);
                CHECK_FALSE(grants.find_grant("x1")->revoked());
                // Again: nothing left to revoke.
                CHECK((by_subject ? grants.revoke_subject_grants("usr_1") : grants.revoke_client_grants("seam")).empty());
            }
        }

        SECTION("a revocation racing refreshes and a code exchange never leaves a usable token issued after it")
        {
            for(int round = 0; round < 12; ++round)
            {
                bool const by_subject = round % 2 == 0;
                auto const tag = "race" + std::to_string(round) + "-";
                auto mine = [&](token_record t) {
                    t.subject = tag + "owner";
                    t.client_id = tag + "client";
                    return t;
                };
                constexpr int refreshers = 5;
                for(int i = 0; i < refreshers; ++i)
                {
                    auto g = tag + std::to_string(i);
                    REQUIRE(tokens.save_token(mine(make_token(g + "-rt0", g, t0 + 86400, token_kind::refresh))));
                }
                auto code = make_code(tag + "code", tag + "cg", t0 + 60);
                code.subject = tag + "owner";
                code.client_id = tag + "client";
                codes.save_code(code);
                std::vector<std::vector<std::string>> issued(refreshers + 2);
                race(refreshers + 2, [&](int i) {
                    if(i == refreshers)
                    {
                        if(by_subject)
                            grants.revoke_subject_grants(tag + "owner");
                        else
                            grants.revoke_client_grants(tag + "client");
                        return;
                    }
                    if(i == refreshers + 1)
                    {
                        // The exchange of a code issued before the revocation.
                        if(codes.consume_code(tag + "code").status == consume_status::consumed &&
                           tokens.save_token(mine(make_token(tag + "cg-at", tag + "cg", t0 + 3600))))
                            issued[i].push_back(tag + "cg-at");
                        return;
                    }
                    auto g = tag + std::to_string(i);
                    auto current = g + "-rt0";
                    for(int k = 1; k <= 6; ++k)
                    {
                        auto a = mine(make_token(g + "-at" + std::to_string(k), g, t0 + 3600));
                        if(k % 2)
                        {
                            // policy none: a new access token, the same refresh token
                            if(tokens.save_token(a))
                                issued[i].push_back(a.signature);
                            continue;
                        }
                        auto r = mine(make_token(g + "-rt" + std::to_string(k), g, t0 + 86400, token_kind::refresh));
                        refresh_rotation_request rq;
                        rq.old_signature = current;
                        rq.now = at(t0 + k);
                        rq.new_access = &a;
                        rq.new_refresh = &r;
                        std::shared_ptr<token_record const> old;
                        if(tokens.rotate_refresh_token(rq, old) == rotate_status::rotated)
                        {
                            issued[i].push_back(a.signature);
                            issued[i].push_back(r.signature);
                            current = r.signature;
                        }
                    }
                });
                INFO(tag);
                for(auto const& list : issued)
                    for(auto const& sig : list)
                    {
                        INFO(sig);
                        CHECK(tokens.find_token(sig) == nullptr);
                    }
                for(int i = 0; i < refreshers; ++i)
                {
                    auto g = tag + std::to_string(i);
                    CHECK(tokens.find_token(g + "-rt0") == nullptr);
                    CHECK_FALSE(tokens.save_token(mine(make_token(g + "-after", g, t0 + 3600))));
                }
                CHECK_FALSE(tokens.save_token(mine(make_token(tag + "cg-after", tag + "cg", t0 + 3600))));
                CHECK(grants.list_grants(tag + "owner").empty());
            }
        }
    }

    if(s.reopen)
    {
        SECTION("everything survives reopening the storage")
        {
            s.add_client(make_client());
            codes.save_code(make_code("durable-code", "dg", t0 + 60));
            codes.save_code(make_code("used-code", "ug", t0 + 60));
            REQUIRE(codes.consume_code("used-code").status == consume_status::consumed);
            REQUIRE(tokens.save_token(make_token("durable-at", "dg", t0 + 3600)));
            tokens.revoke_grant("rg");
            auto again = s.reopen();
            auto c = again.clients->find_client("seam");
            REQUIRE(c);
            check_same_client(*c, make_client());
            CHECK(again.tokens->find_token("durable-at") != nullptr);
            CHECK(again.codes->consume_code("used-code").status == consume_status::already_used);
            CHECK_FALSE(again.tokens->save_token(make_token("x", "rg", t0 + 3600)));
            // Two instances on one storage see each other's writes at once.
            CHECK(again.codes->consume_code("durable-code").status == consume_status::consumed);
            CHECK(codes.consume_code("durable-code").status == consume_status::already_used);
            REQUIRE(tokens.save_token(make_token("from-a", "dg", t0 + 3600)));
            CHECK(again.tokens->find_token("from-a") != nullptr);
            again.tokens->revoke_grant("dg");
            CHECK(tokens.find_token("from-a") == nullptr);
        }
    }

    if(s.raw_contents)
    {
        SECTION("no code or token is kept in clear: real flows, then the raw storage is read")
        {
            memory_user_store users;
            users.add_user(test::owner_email, hash_password(test::owner_password, 1000), {"usr_42", "Owner"});
            s.add_client(flow_driver::seam_client());
            flow_driver f(*s.clients, *s.codes, *s.tokens, users, clock, refresh_rotation::rotate);
            std::vector<std::string> secrets;
            auto code = f.obtain_code();
            secrets.push_back(code);
            auto res = f.exchange(code);
            REQUIRE(res.result_int() == 200);
            auto access = flow_driver::field(res, "access_token");
            auto refresh = flow_driver::field(res, "refresh_token");
            REQUIRE(f.api_accepts(access));
            auto refreshed = f.token({{"grant_type", "refresh_token"}, {"refresh_token", refresh}});
            REQUIRE(refreshed.result_int() == 200);
            auto access2 = flow_driver::field(refreshed, "access_token");
            REQUIRE(f.api_accepts(access2));
            for(auto const& t : {access, refresh, access2, flow_driver::field(refreshed, "refresh_token")})
                secrets.push_back(t);
            // And a second code, still unused, at rest.
            secrets.push_back(f.obtain_code());

            auto raw = s.raw_contents();
            for(auto const& secret : secrets)
            {
                INFO(secret);
                REQUIRE(secret.size() > 50);
                auto dot = secret.find('.');
                REQUIRE(dot != std::string::npos);
                auto random_part = secret.substr(0, dot); // prefix + 256 random bits
                auto signature = secret.substr(dot + 1);  // HMAC: what stores keep
                CHECK(raw.find(secret) == std::string::npos);
                CHECK(raw.find(random_part) == std::string::npos);
                CHECK(raw.find(random_part.substr(7)) == std::string::npos);
                // The dump really holds the rows: the signatures are there.
                CHECK(raw.find(signature) != std::string::npos);
            }
            // The replay of the first code still works through the raw storage: it revokes.
            auto replay = f.exchange(code);
            CHECK(replay.result_int() == 400);
            CHECK_FALSE(f.api_accepts(access2));
        }
    }
}

} // namespace conformance
