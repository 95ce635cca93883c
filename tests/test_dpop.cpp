// DPoP (RFC 9449) attack tests: proofs at the token endpoint and at resources, token binding,
// the replay cache. Every test names the section it enforces.
#include "fixture.hpp"
#include "catch.hpp"

#include <beast_oauth/detail/crypto.hpp>
#include <boost/json.hpp>

// proof_spec is filled positionally up to the member a test changes; the rest keep their defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace test;
namespace json = boost::json;
using beast_oauth::jws_alg;
using beast_oauth::signing_key;

namespace {

std::string const token_url = "https://intercom.example.test/oauth/token";
std::string const api_url = "https://intercom.example.test/api/intercoms";

std::string b64(std::string_view s) { return beast_oauth::detail::base64url_encode(s.data(), s.size()); }

struct proof_spec
{
    std::string htm = "POST";
    std::string htu = token_url;
    long long iat_offset = 0;
    std::string jti;
    json::object extra_claims;
    json::object header_override;
    signing_key const* signer = nullptr; // another key than the jwk's
    std::string access_token;            // ath
};

int jti_counter = 0;

std::string make_proof(fixture& f, signing_key const& key, proof_spec s = {})
{
    json::object h{{"typ", "dpop+jwt"}, {"alg", beast_oauth::jws_alg_name(key.alg())}, {"jwk", key.public_jwk()}};
    for(auto const& kv : s.header_override)
        h[kv.key()] = kv.value();
    json::object c{{"jti", s.jti.empty() ? "jti-" + std::to_string(++jti_counter) : s.jti},
                   {"htm", s.htm},
                   {"htu", s.htu},
                   {"iat", f.clock_seconds.load() + s.iat_offset}};
    if(!s.access_token.empty())
        c["ath"] = beast_oauth::dpop_access_token_hash(s.access_token);
    for(auto const& kv : s.extra_claims)
        c[kv.key()] = kv.value();
    auto input = b64(json::serialize(h)) + "." + b64(json::serialize(c));
    return input + "." + b64((s.signer ? *s.signer : key).sign(input));
}

http_response token_request(fixture& f, std::string const& body, std::string const& proof)
{
    http_request req{http::verb::post, "/oauth/token", 11};
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    if(!proof.empty())
        req.set("DPoP", proof);
    req.body() = body;
    req.prepare_payload();
    auto res = beast_oauth::handle_request(f.server, std::move(req), beast_oauth::request_context{f.address});
    REQUIRE(res);
    return std::move(*res);
}

json::object json_of(http_response const& res) { return json::parse(res.body()).as_object(); }
std::string str(json::object const& o, char const* k)
{
    auto const* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string native_code(fixture& f)
{
    return f.obtain_code("/authorize?response_type=code&client_id=native&redirect_uri=http%3A%2F%2F127.0.0.1%3A4000%2Fcallback"
                         "&code_challenge=" + beast_oauth::make_s256_challenge(verifier) + "&code_challenge_method=S256");
}

std::string native_exchange_body(std::string const& code)
{
    return form({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", "http://127.0.0.1:4000/callback"},
                 {"client_id", "native"}, {"code_verifier", verifier}});
}

struct bound_tokens
{
    std::string access, refresh;
};

bound_tokens connect_with_dpop(fixture& f, signing_key const& key)
{
    auto res = token_request(f, native_exchange_body(native_code(f)), make_proof(f, key));
    REQUIRE(res.result_int() == 200);
    auto o = json_of(res);
    REQUIRE(str(o, "token_type") == "DPoP");
    return {str(o, "access_token"), str(o, "refresh_token")};
}

struct resource_answer
{
    beast_oauth::bearer_result result;
    http_response response;
};

resource_answer resource(fixture& f, std::string const& authorization, std::string const& proof,
                         http::verb method = http::verb::get, std::string const& target = "/api/intercoms")
{
    http_request req{method, target, 11};
    req.set(http::field::authorization, authorization);
    if(!proof.empty())
        req.set("DPoP", proof);
    auto r = f.server.validate_bearer(req);
    auto res = r.ok() ? http_response{} : f.server.make_bearer_error(r, req);
    return {std::move(r), std::move(res)};
}

} // namespace

TEST_CASE("DPoP helpers: RFC 7638 thumbprint, htu normalization (RFC 9449 4.3), public JWKs only", "[dpop]")
{
    // RFC 8037 A.3: the thumbprint of the RFC 8037 A.2 Ed25519 public key.
    json::object jwk{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}};
    CHECK(beast_oauth::jwk_thumbprint(jwk) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    CHECK(beast_oauth::normalize_htu("HTTPS://Intercom.Example.TEST:443/oauth/%7etoken?x=1#f") ==
          std::optional<std::string>("https://intercom.example.test/oauth/~token"));
    CHECK(beast_oauth::normalize_htu("http://a.test:80") == std::optional<std::string>("http://a.test/"));
    CHECK(beast_oauth::normalize_htu("http://a.test:8080/x") == std::optional<std::string>("http://a.test:8080/x"));
    CHECK_FALSE(beast_oauth::normalize_htu("ftp://a.test/x"));
    CHECK_FALSE(beast_oauth::normalize_htu("/oauth/token"));
    auto priv = jwk;
    priv["d"] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    CHECK_THROWS_AS(signing_key::from_public_jwk(priv, jws_alg::eddsa), std::invalid_argument);
    CHECK_THROWS_AS(signing_key::from_public_jwk(jwk, jws_alg::es256), std::invalid_argument);
    // A P-256 "point" that is not on the curve.
    json::object off{{"kty", "EC"}, {"crv", "P-256"}, {"x", b64(std::string(32, '\x01'))}, {"y", b64(std::string(32, '\x02'))}};
    CHECK_THROWS_AS(signing_key::from_public_jwk(off, jws_alg::es256), std::invalid_argument);
}

TEST_CASE("RFC 9449 5, 6: a proof at the token endpoint binds the access and the public client's refresh token", "[dpop]")
{
    fixture f;
    auto key = signing_key::generate(jws_alg::es256, "client");
    auto t = connect_with_dpop(f, key);
    auto jkt = beast_oauth::jwk_thumbprint(key.public_jwk());

    auto ok = resource(f, "DPoP " + t.access, make_proof(f, key, {"GET", api_url, 0, {}, {}, {}, nullptr, t.access}));
    REQUIRE(ok.result.ok());
    CHECK(ok.result.token->jkt == jkt);

    SECTION("RFC 9449 7.2: a bound token presented as Bearer is refused")
    {
        auto r = resource(f, "Bearer " + t.access, {});
        CHECK(r.result.err == beast_oauth::error::invalid_token);
        CHECK(r.response.result_int() == 401);
        CHECK(std::string(r.response[http::field::www_authenticate]).rfind("DPoP ", 0) == 0);
    }
    SECTION("RFC 9449 7.1: a proof by another key than the token's is refused")
    {
        auto other = signing_key::generate(jws_alg::es256, "attacker");
        auto r = resource(f, "DPoP " + t.access, make_proof(f, other, {"GET", api_url, 0, {}, {}, {}, nullptr, t.access}));
        CHECK(r.result.err == beast_oauth::error::invalid_token);
        CHECK(r.response.result_int() == 401);
    }
    SECTION("RFC 9449 4.3 (12): ath must hash this access token")
    {
        auto r = resource(f, "DPoP " + t.access, make_proof(f, key, {"GET", api_url, 0, {}, {}, {}, nullptr, t.access + "x"}));
        CHECK(r.result.err == beast_oauth::error::invalid_dpop_proof);
        CHECK(r.response.result_int() == 401);
        CHECK(std::string(r.response[http::field::www_authenticate]).find("error=\"invalid_dpop_proof\"") != std::string::npos);
    }
    SECTION("RFC 9449 11.1: a proof replayed at the resource is refused")
    {
        auto p = make_proof(f, key, {"GET", api_url, 0, {}, {}, {}, nullptr, t.access});
        REQUIRE(resource(f, "DPoP " + t.access, p).result.ok());
        CHECK(resource(f, "DPoP " + t.access, p).result.err == beast_oauth::error::invalid_dpop_proof);
    }
    SECTION("RFC 9449 4.3 (8, 9): htm and htu of the resource request")
    {
        CHECK(resource(f, "DPoP " + t.access, make_proof(f, key, {"POST", api_url, 0, {}, {}, {}, nullptr, t.access}))
                  .result.err == beast_oauth::error::invalid_dpop_proof);
        CHECK(resource(f, "DPoP " + t.access,
                       make_proof(f, key, {"GET", "https://intercom.example.test/api/other", 0, {}, {}, {}, nullptr, t.access}))
                  .result.err == beast_oauth::error::invalid_dpop_proof);
        CHECK(resource(f, "DPoP " + t.access, {}).result.err == beast_oauth::error::invalid_dpop_proof);
    }
    SECTION("RFC 9449 5: the bound public refresh token needs a proof by the same key")
    {
        auto body = form({{"grant_type", "refresh_token"}, {"refresh_token", t.refresh}, {"client_id", "native"}});
        auto other = signing_key::generate(jws_alg::eddsa, "attacker");
        auto stolen = token_request(f, body, make_proof(f, other));
        CHECK(stolen.result_int() == 400);
        CHECK(str(json_of(stolen), "error") == "invalid_grant");
        auto bare = token_request(f, body, {});
        CHECK(str(json_of(bare), "error") == "invalid_grant");
        auto own = token_request(f, body, make_proof(f, key));
        REQUIRE(own.result_int() == 200);
        CHECK(str(json_of(own), "token_type") == "DPoP");
    }
}

TEST_CASE("RFC 9449 4.3, 11.1: proofs the token endpoint refuses", "[dpop]")
{
    fixture f;
    auto key = signing_key::generate(jws_alg::eddsa, "client");
    auto code = native_code(f);
    auto body = native_exchange_body(code);
    auto refused = [&](std::string const& proof) {
        auto res = token_request(f, body, proof);
        INFO(res.body());
        CHECK(res.result_int() == 400);
        CHECK(str(json_of(res), "error") == "invalid_dpop_proof");
    };
    SECTION("wrong htu, wrong htm (4.3 (8, 9))")
    {
        refused(make_proof(f, key, {"POST", "https://intercom.example.test/oauth/revoke"}));
        refused(make_proof(f, key, {"POST", "https://evil.example/oauth/token"}));
        refused(make_proof(f, key, {"GET", token_url}));
    }
    SECTION("iat outside the window (4.3 (11), 11.1)")
    {
        refused(make_proof(f, key, {"POST", token_url, -301}));
        refused(make_proof(f, key, {"POST", token_url, 31}));
    }
    SECTION("signed by another key than its jwk (4.3 (6, 7))")
    {
        auto other = signing_key::generate(jws_alg::eddsa, "other");
        refused(make_proof(f, key, {"POST", token_url, 0, {}, {}, {}, &other}));
    }
    SECTION("alg none and HS256 (4.3 (5): asymmetric algorithms only)")
    {
        auto p = make_proof(f, key, {"POST", token_url, 0, {}, {}, {{"alg", "none"}}});
        refused(p.substr(0, p.rfind('.') + 1));
        refused(make_proof(f, key, {"POST", token_url, 0, {}, {}, {{"alg", "HS256"}}}));
        auto mac = signing_key::from_secret(std::string(32, 's'), "mac");
        refused(make_proof(f, mac));
    }
    SECTION("a private key in the jwk (4.3 (7))")
    {
        auto jwk = key.public_jwk();
        jwk["d"] = b64(std::string(32, 'd'));
        refused(make_proof(f, key, {"POST", token_url, 0, {}, {}, {{"jwk", jwk}}}));
    }
    SECTION("typ other than dpop+jwt, two DPoP headers, garbage (4.3 (1, 2, 4))")
    {
        refused(make_proof(f, key, {"POST", token_url, 0, {}, {}, {{"typ", "JWT"}}}));
        refused("not.a.jwt");
        http_request req{http::verb::post, "/oauth/token", 11};
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.insert("DPoP", make_proof(f, key));
        req.insert("DPoP", make_proof(f, key));
        req.body() = body;
        req.prepare_payload();
        auto res = beast_oauth::handle_request(f.server, std::move(req), beast_oauth::request_context{f.address});
        CHECK(str(json_of(*res), "error") == "invalid_dpop_proof");
    }
    SECTION("a replayed proof is refused before the grant runs: the code stays usable (11.1)")
    {
        auto p = make_proof(f, key);
        REQUIRE(token_request(f, body, p).result_int() == 200);
        auto body2 = native_exchange_body(native_code(f));
        refused(p);
        CHECK(token_request(f, body2, p).result_int() == 400);
        CHECK(token_request(f, body2, make_proof(f, key)).result_int() == 200);
    }
}

TEST_CASE("RFC 9449 8: a required nonce: 400 use_dpop_nonce with DPoP-Nonce, then accepted", "[dpop]")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) { o.dpop.require_nonce = true; });
    auto key = signing_key::generate(jws_alg::es256, "client");
    auto body = native_exchange_body(native_code(f));
    auto first = token_request(f, body, make_proof(f, key));
    CHECK(first.result_int() == 400);
    CHECK(str(json_of(first), "error") == "use_dpop_nonce");
    std::string nonce(first["DPoP-Nonce"]);
    REQUIRE_FALSE(nonce.empty());
    auto wrong = token_request(f, body, make_proof(f, key, {"POST", token_url, 0, {}, {{"nonce", nonce + "x"}}}));
    CHECK(str(json_of(wrong), "error") == "use_dpop_nonce");
    f.advance(700); // two windows later the nonce has expired
    body = native_exchange_body(native_code(f));
    auto stale = token_request(f, body, make_proof(f, key, {"POST", token_url, 0, {}, {{"nonce", nonce}}}));
    CHECK(str(json_of(stale), "error") == "use_dpop_nonce");
    nonce = std::string(stale["DPoP-Nonce"]);
    auto ok = token_request(f, body, make_proof(f, key, {"POST", token_url, 0, {}, {{"nonce", nonce}}}));
    CHECK(ok.result_int() == 200);
}

TEST_CASE("dpop_bound_access_tokens: the client must send a proof (RFC 9449 5.2)", "[dpop]")
{
    fixture f;
    auto c = *f.store.find_client("native");
    c.dpop_bound_access_tokens = true;
    f.store.add_client(c);
    auto body = native_exchange_body(native_code(f));
    auto res = token_request(f, body, {});
    CHECK(res.result_int() == 400);
    CHECK(str(json_of(res), "error") == "invalid_dpop_proof");
}

TEST_CASE("RFC 9449 11.1: a full replay cache refuses new proofs (retryable) and never forgets a live one", "[dpop]")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) { o.dpop.replay_cache_capacity = 3; });
    auto key = signing_key::generate(jws_alg::es256, "client");
    auto t = connect_with_dpop(f, key); // one entry
    auto proof = [&] { return make_proof(f, key, {"GET", api_url, 0, {}, {}, {}, nullptr, t.access}); };
    auto first = proof();
    REQUIRE(resource(f, "DPoP " + t.access, first).result.ok());
    REQUIRE(resource(f, "DPoP " + t.access, proof()).result.ok()); // three entries: full
    auto full = resource(f, "DPoP " + t.access, proof());
    CHECK(full.result.err == beast_oauth::error::temporarily_unavailable);
    CHECK(full.response.result_int() == 503);
    CHECK_FALSE(std::string(full.response[http::field::retry_after]).empty());
    // No eviction: the first proof is still a replay.
    CHECK(resource(f, "DPoP " + t.access, first).result.err == beast_oauth::error::invalid_dpop_proof);
    // Once the entries pass max_age they are purged and the real client gets in again.
    f.advance(302);
    auto fresh = resource(f, "DPoP " + t.access, proof());
    CHECK(fresh.result.ok());
    // And the old proof is then refused by its iat, not by the cache.
    CHECK(resource(f, "DPoP " + t.access, first).result.err == beast_oauth::error::invalid_dpop_proof);
}

// The replay cache is one shared, bounded resource: the attacker's side (one source cannot fill
// it) and the victim's (another client keeps getting in, and a client at a normal pace is never
// refused by the budget).
TEST_CASE("RFC 9449 11.1: one address cannot fill the replay cache for the others (token endpoint)", "[dpop][attack]")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.dpop.replay_cache_capacity = 12;
        o.dpop.proofs_per_source = {4, std::chrono::seconds(60)};
    });
    // A public client needs no secret: anyone can send proofs with made-up codes.
    auto attacker_key = signing_key::generate(jws_alg::es256, "attacker");
    auto const victim_address = f.address;
    f.address = "198.51.100.7";
    auto bogus = form({{"grant_type", "authorization_code"}, {"code", "made-up"}, {"client_id", "native"},
                       {"redirect_uri", "http://127.0.0.1:4000/callback"}, {"code_verifier", verifier}});
    int refused = 0;
    for(int i = 0; i < 40; ++i)
    {
        auto res = token_request(f, bogus, make_proof(f, attacker_key));
        if(res.result_int() == 429)
        {
            ++refused;
            CHECK(str(json_of(res), "error") == "temporarily_unavailable");
            CHECK_FALSE(std::string(res[http::field::retry_after]).empty());
        }
        else
            CHECK(str(json_of(res), "error") == "invalid_grant");
    }
    CHECK(refused == 36); // four proofs remembered, then refused before they take an entry
    // Another address (IPv6 in the attacker's /64 counts as one network).
    f.address = "2001:db8:1:2::1";
    for(int i = 0; i < 4; ++i)
        CHECK(token_request(f, bogus, make_proof(f, attacker_key)).result_int() == 400);
    f.address = "2001:db8:1:2:ffff::2";
    CHECK(token_request(f, bogus, make_proof(f, attacker_key)).result_int() == 429);
    // The victim, at its own address: the cache (12) still has room, its flow works.
    f.address = victim_address;
    auto key = signing_key::generate(jws_alg::es256, "client");
    auto t = connect_with_dpop(f, key);
    CHECK(resource(f, "DPoP " + t.access, make_proof(f, key, {"GET", api_url, 0, {}, {}, {}, nullptr, t.access})).result.ok());
    // The attacker's budget is earned back with time, one proof per refill.
    f.address = "198.51.100.7";
    f.advance(60);
    CHECK(token_request(f, bogus, make_proof(f, attacker_key)).result_int() == 400);
    CHECK(token_request(f, bogus, make_proof(f, attacker_key)).result_int() == 429);
}

TEST_CASE("RFC 9449 11.1: one token's holder cannot fill the replay cache at a resource", "[dpop][attack]")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.dpop.replay_cache_capacity = 12;
        o.dpop.proofs_per_source = {5, std::chrono::seconds(60)};
    });
    auto attacker_key = signing_key::generate(jws_alg::es256, "attacker");
    auto victim_key = signing_key::generate(jws_alg::es256, "victim");
    auto attacker = connect_with_dpop(f, attacker_key); // the attacker owns an account and a token
    auto victim = connect_with_dpop(f, victim_key);
    auto proof = [&](signing_key const& k, std::string const& at) {
        return make_proof(f, k, {"GET", api_url, 0, {}, {}, {}, nullptr, at});
    };
    int accepted = 0, refused = 0;
    for(int i = 0; i < 30; ++i)
    {
        auto r = resource(f, "DPoP " + attacker.access, proof(attacker_key, attacker.access));
        if(r.result.ok())
            ++accepted;
        else
        {
            ++refused;
            CHECK(r.result.err == beast_oauth::error::temporarily_unavailable);
            CHECK(r.response.result_int() == 429);
            CHECK_FALSE(std::string(r.response[http::field::retry_after]).empty());
        }
    }
    CHECK(accepted == 5);
    CHECK(refused == 25);
    // The victim's key has its own budget, and the cache (12) was not filled.
    for(int i = 0; i < 5; ++i)
        CHECK(resource(f, "DPoP " + victim.access, proof(victim_key, victim.access)).result.ok());
}

TEST_CASE("DPoP proof budget: a client at a steady pace is never refused; no address means no shared budget", "[dpop]")
{
    fixture f(beast_oauth::profile::strict,
              [](beast_oauth::server_options& o) { o.dpop.proofs_per_source = {3, std::chrono::seconds(1)}; });
    auto key = signing_key::generate(jws_alg::es256, "client");
    auto t = connect_with_dpop(f, key);
    for(int i = 0; i < 50; ++i)
    {
        f.advance(1);
        REQUIRE(resource(f, "DPoP " + t.access, make_proof(f, key, {"GET", api_url, 0, {}, {}, {}, nullptr, t.access}))
                    .result.ok());
    }
    // A vendor that passes no address: every request would share one budget, a lockout switch;
    // so there is none at the token endpoint (the cache's capacity still bounds memory).
    f.address.clear();
    for(int i = 0; i < 6; ++i)
        CHECK(connect_with_dpop(f, signing_key::generate(jws_alg::es256, "c" + std::to_string(i))).access.size() > 0);
}

TEST_CASE("DPoP is off by default in the Seam profile: the header is ignored, metadata is silent", "[dpop]")
{
    fixture seam(beast_oauth::profile::seam);
    auto meta = seam.get("/.well-known/oauth-authorization-server");
    CHECK_FALSE(json_of(meta).contains("dpop_signing_alg_values_supported"));
    auto key = signing_key::generate(jws_alg::es256, "client");
    auto res = token_request(seam, native_exchange_body(native_code(seam)), make_proof(seam, key));
    REQUIRE(res.result_int() == 200);
    CHECK(str(json_of(res), "token_type") == "Bearer");

    fixture strict;
    auto algs = json_of(strict.get("/.well-known/oauth-authorization-server")).at("dpop_signing_alg_values_supported");
    CHECK(algs == json::value(json::array{"ES256", "EdDSA"}));
    // Without a proof a strict server issues Bearer tokens as before.
    auto plain = token_request(strict, native_exchange_body(native_code(strict)), {});
    CHECK(str(json_of(plain), "token_type") == "Bearer");
}

TEST_CASE("introspection reports cnf.jkt and token_type DPoP (RFC 9449 6.2)", "[dpop]")
{
    fixture f;
    auto key = signing_key::generate(jws_alg::es256, "client");
    auto code = f.obtain_code(f.authorize_query());
    auto res = token_request(f, form({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", seam_callback},
                                      {"client_id", "seam"}, {"client_secret", "seamsecret"}}),
                             make_proof(f, key));
    REQUIRE(res.result_int() == 200);
    auto o = json_of(res);
    CHECK(str(o, "token_type") == "DPoP");
    auto in = f.post_form("/oauth/introspect", form({{"token", str(o, "access_token")}, {"client_id", "seam"},
                                                     {"client_secret", "seamsecret"}}));
    auto j = json_of(in);
    CHECK(j.at("active") == true);
    CHECK(str(j, "token_type") == "DPoP");
    CHECK(j.at("cnf").at("jkt").as_string() == beast_oauth::jwk_thumbprint(key.public_jwk()));
    // A confidential client's refresh token stays unbound (RFC 9449 5: public clients only).
    auto again = token_request(f, form({{"grant_type", "refresh_token"}, {"refresh_token", str(o, "refresh_token")},
                                        {"client_id", "seam"}, {"client_secret", "seamsecret"}}), {});
    REQUIRE(again.result_int() == 200);
    CHECK(str(json_of(again), "token_type") == "Bearer");
}

TEST_CASE("JWT access tokens carry cnf.jkt (RFC 9449 6.1)", "[dpop]")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.access_token_format = beast_oauth::token_format::jwt;
        o.signing_keys = std::make_shared<beast_oauth::key_set>();
        o.signing_keys->add(signing_key::generate(jws_alg::eddsa, "srv"));
        o.jwt_check_revocation = false;
    });
    auto key = signing_key::generate(jws_alg::es256, "client");
    auto t = connect_with_dpop(f, key);
    auto claims = json::parse([&] {
        std::string out;
        auto a = t.access.find('.'), b = t.access.rfind('.');
        beast_oauth::detail::base64url_decode(std::string_view(t.access).substr(a + 1, b - a - 1), out);
        return out;
    }());
    CHECK(claims.at("cnf").at("jkt").as_string() == beast_oauth::jwk_thumbprint(key.public_jwk()));
    CHECK(resource(f, "Bearer " + t.access, {}).result.err == beast_oauth::error::invalid_token);
    CHECK(resource(f, "DPoP " + t.access, make_proof(f, key, {"GET", api_url, 0, {}, {}, {}, nullptr, t.access})).result.ok());

    // An expired JWT is refused as expired before any proof is looked at: no proof, or a
    // valid one, gets the same answer, and no proof is verified or remembered for it.
    f.advance(f.server.options().access_token_ttl.count() + 1);
    auto const no_proof = resource(f, "DPoP " + t.access, {});
    CHECK(no_proof.result.err == beast_oauth::error::invalid_token);
    CHECK(no_proof.result.description == "the access token expired");
    auto const with_proof = resource(f, "DPoP " + t.access, make_proof(f, key, {"GET", api_url, 0, {}, {}, {}, nullptr, t.access}));
    CHECK(with_proof.result.err == beast_oauth::error::invalid_token);
    CHECK(with_proof.result.description == "the access token expired");
}
