// JWS (RFC 7515/7518/8037), JWT access tokens (RFC 9068), key rotation, JWKS,
// self-contained codes kept single-use.
#include "fixture.hpp"
#include "catch.hpp"

#include <beast_oauth/detail/crypto.hpp>
#include <boost/json.hpp>

using namespace test;
using beast_oauth::jws_alg;
using beast_oauth::key_set;
using beast_oauth::signing_key;

namespace {

std::string b64(std::string_view s) { return beast_oauth::detail::base64url_encode(s.data(), s.size()); }

boost::json::object json_of(http_response const& res) { return boost::json::parse(res.body()).as_object(); }

boost::json::object claims_of(std::string const& jwt)
{
    auto a = jwt.find('.'), b = jwt.find('.', a + 1);
    std::string json;
    beast_oauth::detail::base64url_decode(jwt.substr(a + 1, b - a - 1), json);
    return boost::json::parse(json).as_object();
}

boost::json::object header_of(std::string const& jwt)
{
    std::string json;
    beast_oauth::detail::base64url_decode(jwt.substr(0, jwt.find('.')), json);
    return boost::json::parse(json).as_object();
}

std::shared_ptr<key_set> keys_with(jws_alg alg, std::string kid = "k1")
{
    auto ks = std::make_shared<key_set>();
    ks->add(signing_key::generate(alg, std::move(kid)));
    return ks;
}

} // namespace

TEST_CASE("JWS round trip for EdDSA, ES256 and HS256")
{
    for(auto alg : {jws_alg::eddsa, jws_alg::es256, jws_alg::hs256})
    {
        INFO(beast_oauth::jws_alg_name(alg));
        auto ks = keys_with(alg);
        auto token = beast_oauth::jws_sign(*ks->active(), "at+jwt", {{"sub", "u1"}});
        auto r = beast_oauth::jws_verify(token, *ks, "at+jwt");
        REQUIRE(r.ok());
        CHECK(r.claims.at("sub").as_string() == "u1");
        CHECK(header_of(token).at("alg").as_string() == beast_oauth::jws_alg_name(alg));
        CHECK(header_of(token).at("kid").as_string() == "k1");
        // Tampered claims fail.
        auto dot = token.find('.');
        auto forged = token.substr(0, dot + 1) + b64(R"({"sub":"admin"})") + token.substr(token.rfind('.'));
        CHECK_FALSE(beast_oauth::jws_verify(forged, *ks, "at+jwt").ok());
        CHECK_FALSE(beast_oauth::jws_verify(token, *ks, "other+jwt").ok());
        CHECK_FALSE(beast_oauth::jws_verify(token, *keys_with(alg), "at+jwt").ok()); // other key, same kid
        CHECK_FALSE(beast_oauth::jws_verify(token + ".x", *ks, "at+jwt").ok());
        CHECK_FALSE(beast_oauth::jws_verify(token.substr(0, token.size() - 2), *ks, "at+jwt").ok());
    }
}

TEST_CASE("JWS attacks: alg none, algorithm confusion, unknown kid, crit")
{
    auto ks = keys_with(jws_alg::eddsa);
    auto claims = b64(R"({"sub":"admin"})");
    auto none = b64(R"({"alg":"none","kid":"k1","typ":"at+jwt"})") + "." + claims + ".";
    CHECK_FALSE(beast_oauth::jws_verify(none, *ks, "at+jwt").ok());
    CHECK_FALSE(beast_oauth::jws_verify(none + b64("sig"), *ks, "at+jwt").ok());
    // HS256 keyed with the public key (the classic confusion attack).
    auto pub = ks->active()->public_jwk().at("x").as_string();
    auto input = b64(R"({"alg":"HS256","kid":"k1","typ":"at+jwt"})") + "." + claims;
    auto mac = beast_oauth::detail::hmac_sha256(std::string(pub), input);
    auto confused = input + "." + beast_oauth::detail::base64url_encode(mac.data(), mac.size());
    CHECK(beast_oauth::jws_verify(confused, *ks, "at+jwt").error == "alg does not match the key");
    auto unknown = beast_oauth::jws_sign(*keys_with(jws_alg::eddsa, "k9")->active(), "at+jwt", {{"sub", "x"}});
    CHECK(beast_oauth::jws_verify(unknown, *ks, "at+jwt").error == "unknown kid");
    auto crit_input = b64(R"({"alg":"EdDSA","kid":"k1","typ":"at+jwt","crit":["exp"]})") + "." + claims;
    auto crit = crit_input + "." + b64(ks->active()->sign(crit_input));
    CHECK(beast_oauth::jws_verify(crit, *ks, "at+jwt").error == "crit header not supported");
    CHECK_FALSE(beast_oauth::jws_verify(std::string(9000, 'a'), *ks, "at+jwt").ok());
    CHECK_FALSE(beast_oauth::jws_verify("a.b", *ks, "at+jwt").ok());
}

TEST_CASE("keys: PEM round trip, JWKS without secrets, rotation")
{
    auto k = signing_key::generate(jws_alg::es256, "ec1");
    auto again = signing_key::from_pem(k.private_pem(), jws_alg::es256, "ec1");
    CHECK((again.public_jwk() == k.public_jwk()));
    CHECK_THROWS(signing_key::from_pem(k.private_pem(), jws_alg::eddsa, "x"));
    CHECK_THROWS(signing_key::from_pem("not pem", jws_alg::eddsa, "x"));
    CHECK_THROWS(signing_key::from_secret("short", "h"));
    key_set ks;
    ks.add(signing_key::generate(jws_alg::eddsa, "a"));
    ks.add(signing_key::generate(jws_alg::hs256, "h"));
    auto jwks = ks.jwks();
    REQUIRE(jwks.at("keys").as_array().size() == 1); // the HS256 secret is never published
    auto const& jwk = jwks.at("keys").as_array()[0].as_object();
    CHECK(jwk.at("kty").as_string() == "OKP");
    CHECK(jwk.at("crv").as_string() == "Ed25519");
    CHECK_FALSE(jwk.contains("d"));
    CHECK_THROWS(ks.add(signing_key::generate(jws_alg::eddsa, "a")));
    CHECK_THROWS(ks.remove("a"));
}

namespace {
std::function<void(beast_oauth::server_options&)> jwt_options(std::shared_ptr<key_set> ks, bool check_revocation = true)
{
    return [ks, check_revocation](beast_oauth::server_options& o) {
        o.access_token_format = beast_oauth::token_format::jwt;
        o.signing_keys = ks;
        o.jwt_check_revocation = check_revocation;
    };
}
} // namespace

TEST_CASE("JWT access tokens carry the RFC 9068 claims and validate")
{
    auto ks = keys_with(jws_alg::eddsa);
    fixture f(beast_oauth::profile::strict, jwt_options(ks));
    auto res = f.exchange(f.obtain_code(fixture::authorize_query("scope=intercoms.read")));
    REQUIRE(res.result_int() == 200);
    auto token = std::string(json_of(res).at("access_token").as_string());
    CHECK(header_of(token).at("typ").as_string() == "at+jwt");
    auto c = claims_of(token);
    CHECK(c.at("iss").as_string() == "https://intercom.example.test");
    CHECK(c.at("aud").as_string() == "https://intercom.example.test");
    CHECK(c.at("sub").as_string() == owner_subject);
    CHECK(c.at("client_id").as_string() == "seam");
    CHECK(c.at("scope").as_string() == "intercoms.read");
    CHECK(c.at("exp").as_int64() == c.at("iat").as_int64() + 3600);
    CHECK(c.at("jti").as_string().size() == 43);
    auto v = f.server.validate_bearer("Bearer " + token);
    REQUIRE(v.ok());
    CHECK(v.token->subject == owner_subject);
    f.advance(3600);
    CHECK_FALSE(f.server.validate_bearer("Bearer " + token).ok()); // expired
}

TEST_CASE("JWT access tokens: wrong signer, revocation, stateless mode")
{
    auto ks = keys_with(jws_alg::eddsa);
    fixture f(beast_oauth::profile::strict, jwt_options(ks));
    auto token = std::string(json_of(f.exchange(f.obtain_code(fixture::authorize_query()))).at("access_token").as_string());
    // Signed by another server's key with the same kid.
    fixture other(beast_oauth::profile::strict, jwt_options(keys_with(jws_alg::eddsa)));
    auto foreign = std::string(json_of(other.exchange(other.obtain_code(fixture::authorize_query()))).at("access_token").as_string());
    CHECK_FALSE(f.server.validate_bearer("Bearer " + foreign).ok());
    // Revoked: refused at once.
    auto rev = f.post_form("/oauth/revoke", form({{"token", token}}), {}, "Basic " + base64("seam:seamsecret"));
    CHECK(rev.result_int() == 200);
    CHECK_FALSE(f.server.validate_bearer("Bearer " + token).ok());

    fixture stateless(beast_oauth::profile::strict, jwt_options(ks, false));
    auto t2 = std::string(json_of(stateless.exchange(stateless.obtain_code(fixture::authorize_query()))).at("access_token").as_string());
    stateless.post_form("/oauth/revoke", form({{"token", t2}}), {}, "Basic " + base64("seam:seamsecret"));
    CHECK(stateless.server.validate_bearer("Bearer " + t2).ok()); // documented: revocation waits for expiry
}

TEST_CASE("signing-key rotation keeps old tokens valid until their key is removed")
{
    auto ks = keys_with(jws_alg::eddsa, "2026-01");
    fixture f(beast_oauth::profile::strict, jwt_options(ks));
    auto issue = [&] {
        return std::string(json_of(f.exchange(f.obtain_code(fixture::authorize_query()))).at("access_token").as_string());
    };
    auto old_token = issue();
    ks->add(signing_key::generate(jws_alg::es256, "2026-02"));
    ks->set_active("2026-02");
    auto new_token = issue();
    CHECK(header_of(new_token).at("kid").as_string() == "2026-02");
    CHECK(header_of(new_token).at("alg").as_string() == "ES256");
    CHECK(f.server.validate_bearer("Bearer " + old_token).ok());
    CHECK(f.server.validate_bearer("Bearer " + new_token).ok());
    auto jwks = json_of(f.get("/.well-known/jwks.json"));
    CHECK(jwks.at("keys").as_array().size() == 2);
    CHECK(json_of(f.get("/.well-known/oauth-authorization-server")).at("jwks_uri").as_string() ==
          "https://intercom.example.test/.well-known/jwks.json");
    ks->remove("2026-01");
    CHECK_FALSE(f.server.validate_bearer("Bearer " + old_token).ok());
    CHECK(f.server.validate_bearer("Bearer " + new_token).ok());
}

TEST_CASE("rotated refresh in grace returns the same JWT access token id")
{
    auto ks = keys_with(jws_alg::eddsa);
    fixture f(beast_oauth::profile::strict, [ks](beast_oauth::server_options& o) {
        jwt_options(ks)(o);
        o.rotation = beast_oauth::refresh_rotation::rotate;
    });
    auto rt = std::string(json_of(f.exchange(f.obtain_code(fixture::authorize_query()))).at("refresh_token").as_string());
    auto body = form({{"grant_type", "refresh_token"}, {"refresh_token", rt}, {"client_id", "seam"}, {"client_secret", "seamsecret"}});
    auto a = json_of(f.post_form("/oauth/token", body));
    f.advance(5);
    auto b = json_of(f.post_form("/oauth/token", body));
    auto ja = claims_of(std::string(a.at("access_token").as_string()));
    auto jb = claims_of(std::string(b.at("access_token").as_string()));
    CHECK(ja.at("jti").as_string() == jb.at("jti").as_string());
    CHECK(ja.at("exp").as_int64() == jb.at("exp").as_int64());
    CHECK(a.at("refresh_token").as_string() == b.at("refresh_token").as_string());
    CHECK(f.server.validate_bearer("Bearer " + std::string(b.at("access_token").as_string())).ok());
}

TEST_CASE("self-contained JWT codes are single-use")
{
    auto ks = keys_with(jws_alg::eddsa);
    fixture f(beast_oauth::profile::strict, [ks](beast_oauth::server_options& o) {
        o.code_format = beast_oauth::token_format::jwt;
        o.signing_keys = ks;
    });
    auto code = f.obtain_code(fixture::authorize_query());
    REQUIRE(code.rfind("eyJ", 0) == 0);
    CHECK(header_of(code).at("typ").as_string() == "boa-code+jwt");
    CHECK(f.store.code_count() == 0); // nothing stored at issuance
    auto first = f.exchange(code);
    REQUIRE(first.result_int() == 200);
    auto token = std::string(json_of(first).at("access_token").as_string());
    auto replay = f.exchange(code);
    CHECK(replay.result_int() == 400);
    CHECK(json_of(replay).at("error").as_string() == "invalid_grant");
    CHECK_FALSE(f.server.validate_bearer("Bearer " + token).ok()); // the replay revoked the grant

    auto expired = f.obtain_code(fixture::authorize_query());
    f.advance(61);
    CHECK(json_of(f.exchange(expired)).at("error").as_string() == "invalid_grant");
    // A code signed by someone else's key.
    fixture other(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.code_format = beast_oauth::token_format::jwt;
        o.signing_keys = keys_with(jws_alg::eddsa);
    });
    CHECK(json_of(f.exchange(other.obtain_code(fixture::authorize_query()))).at("error").as_string() == "invalid_grant");
}

TEST_CASE("JWT formats need keys and an issuer")
{
    beast_oauth::memory_store store;
    beast_oauth::memory_user_store users;
    beast_oauth::server_options o;
    o.access_token_format = beast_oauth::token_format::jwt;
    CHECK_THROWS_AS(beast_oauth::authorization_server(o, store, store, store, users), std::invalid_argument);
    o.signing_keys = keys_with(jws_alg::eddsa);
    CHECK_THROWS_AS(beast_oauth::authorization_server(o, store, store, store, users), std::invalid_argument);
    o.issuer = "https://x.test";
    CHECK_NOTHROW(beast_oauth::authorization_server(o, store, store, store, users));
}
