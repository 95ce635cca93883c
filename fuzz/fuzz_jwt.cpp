// Fuzz target: jws_verify with a key set holding an EdDSA, an ES256 and an HS256 key.
//
// Input: byte 0 selects the mode, the rest is:
// - mode 0 ("raw"): a compact token given to jws_verify as is (expected typ "at+jwt").
//   Invariant: nothing the fuzzer writes verifies unless its signature really is one of our
//   keys' over its first two parts, checked independently with OpenSSL (HMAC-SHA256 for "hs",
//   EVP_DigestVerify for "ed" and "ec"), and its header names that key's kid and pinned alg
//   and the expected typ, without "crit".
// - mode 1 ("signed"): "<header JSON>\n<claims JSON>" (split at the first newline); byte 1 picks
//   the key. The harness base64url-encodes both and signs them with that key, so the fuzzer
//   reaches the header and claims checks behind a valid signature.
//   Invariant: jws_verify succeeds exactly when the header is a JSON object without "crit"
//   whose "typ", "kid" and "alg" are strings equal to "at+jwt", the key's kid and its alg, the
//   claims are a JSON object and the token is at most 8 KiB; then it returns those claims.
#include "common.hpp"

#include <boost/json.hpp>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

namespace {

using beast_oauth::jws_alg;
using beast_oauth::key_set;

beast_oauth::key_set const& keys()
{
    static auto const ks = fuzz::make_keys();
    return *ks;
}

int b64url_val(char c)
{
    if(c >= 'A' && c <= 'Z') return c - 'A';
    if(c >= 'a' && c <= 'z') return c - 'a' + 26;
    if(c >= '0' && c <= '9') return c - '0' + 52;
    if(c == '-') return 62;
    if(c == '_') return 63;
    return -1;
}

// Reference base64url decoder (no padding; leftover bits must be zero, as RFC 7515 2 implies).
bool b64url_decode(std::string_view in, std::string& out)
{
    out.clear();
    if(in.size() % 4 == 1)
        return false;
    unsigned acc = 0;
    int bits = 0;
    for(char c : in)
    {
        int v = b64url_val(c);
        if(v < 0)
            return false;
        acc = (acc << 6) | unsigned(v);
        bits += 6;
        if(bits >= 8)
        {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return (acc & ((1u << bits) - 1)) == 0;
}

EVP_PKEY* load(char const* pem)
{
    BIO* bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if(!k)
        fuzz::fail("setup: cannot load a PEM key");
    return k;
}

// Independent signature check with OpenSSL, no library code.
bool reference_verify(std::string_view kid, std::string_view input, std::string_view sig)
{
    if(kid == "hs")
    {
        unsigned char mac[32];
        unsigned len = 0;
        HMAC(EVP_sha256(), fuzz::hs256_secret.data(), static_cast<int>(fuzz::hs256_secret.size()),
             reinterpret_cast<unsigned char const*>(input.data()), input.size(), mac, &len);
        return sig.size() == 32 && std::memcmp(mac, sig.data(), 32) == 0;
    }
    static EVP_PKEY* const ed = load(fuzz::ed25519_pem);
    static EVP_PKEY* const ec = load(fuzz::p256_pem);
    std::string der;
    EVP_PKEY* key = nullptr;
    EVP_MD const* md = nullptr;
    if(kid == "ed")
    {
        key = ed;
        der = std::string(sig);
    }
    else if(kid == "ec")
    {
        key = ec;
        md = EVP_sha256();
        if(sig.size() != 64)
            return false;
        ECDSA_SIG* s = ECDSA_SIG_new();
        ECDSA_SIG_set0(s, BN_bin2bn(reinterpret_cast<unsigned char const*>(sig.data()), 32, nullptr),
                       BN_bin2bn(reinterpret_cast<unsigned char const*>(sig.data()) + 32, 32, nullptr));
        unsigned char* p = nullptr;
        int n = i2d_ECDSA_SIG(s, &p);
        der.assign(reinterpret_cast<char*>(p), static_cast<std::size_t>(n));
        OPENSSL_free(p);
        ECDSA_SIG_free(s);
    }
    else
        return false;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key) == 1 &&
              EVP_DigestVerify(ctx, reinterpret_cast<unsigned char const*>(der.data()), der.size(),
                               reinterpret_cast<unsigned char const*>(input.data()), input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

std::string_view alg_of(std::string_view kid)
{
    return kid == "ed" ? "EdDSA" : kid == "ec" ? "ES256" : kid == "hs" ? "HS256" : "";
}

std::string str_member(boost::json::object const& o, char const* k, bool& is_string)
{
    auto it = o.find(k);
    is_string = it != o.end() && it->value().is_string();
    return is_string ? std::string(it->value().as_string()) : std::string();
}

// Whether a header (already a JSON object) is one jws_verify must accept for `kid`.
bool header_acceptable(boost::json::object const& h, std::string_view kid)
{
    bool s1, s2, s3;
    auto typ = str_member(h, "typ", s1);
    auto k = str_member(h, "kid", s2);
    auto alg = str_member(h, "alg", s3);
    return !h.contains("crit") && s1 && typ == "at+jwt" && s2 && k == kid && s3 && alg == alg_of(kid);
}

void raw_mode(std::string_view token)
{
    auto r = beast_oauth::jws_verify(token, keys(), "at+jwt");
    static bool const trace = std::getenv("FUZZ_TRACE") != nullptr;
    if(trace)
        std::fprintf(stderr, "raw: %s\n", r.ok() ? "verified" : r.error.c_str());
    if(!r.ok())
    {
        FUZZ_CHECK(r.claims.empty(), token);
        return;
    }
    FUZZ_CHECK(token.size() <= 8192, token);
    auto d1 = token.find('.');
    FUZZ_CHECK(d1 != std::string_view::npos, token);
    auto d2 = token.find('.', d1 + 1);
    FUZZ_CHECK(d2 != std::string_view::npos && token.find('.', d2 + 1) == std::string_view::npos, token);
    std::string header_json, claims_json, sig;
    FUZZ_CHECK(b64url_decode(token.substr(0, d1), header_json), token);
    FUZZ_CHECK(b64url_decode(token.substr(d1 + 1, d2 - d1 - 1), claims_json), token);
    FUZZ_CHECK(b64url_decode(token.substr(d2 + 1), sig), token);
    boost::system::error_code ec;
    auto h = boost::json::parse(header_json, ec);
    FUZZ_CHECK(!ec && h.is_object(), token);
    bool is_str;
    auto kid = str_member(h.as_object(), "kid", is_str);
    FUZZ_CHECK(header_acceptable(h.as_object(), kid), token);
    FUZZ_CHECK(reference_verify(kid, token.substr(0, d2), sig), token);
    auto c = boost::json::parse(claims_json, ec);
    FUZZ_CHECK(!ec && c.is_object() && c.as_object() == r.claims, token);
}

void signed_mode(std::uint8_t key_byte, std::string_view rest)
{
    static char const* const kids[] = {"ed", "ec", "hs"};
    std::string_view kid = kids[key_byte % 3];
    auto key = keys().find(kid);
    auto nl = rest.find('\n');
    auto header_text = rest.substr(0, nl);
    auto claims_text = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    auto input = fuzz::b64(header_text, true) + "." + fuzz::b64(claims_text, true);
    auto sig = key->sign(input);
    auto token = input + "." + fuzz::b64(sig, true);
    FUZZ_CHECK(reference_verify(kid, input, sig), token); // our oracle agrees with the signer

    auto r = beast_oauth::jws_verify(token, keys(), "at+jwt");
    boost::system::error_code ec1, ec2;
    auto h = boost::json::parse(boost::json::string_view(header_text.data(), header_text.size()), ec1);
    auto c = boost::json::parse(boost::json::string_view(claims_text.data(), claims_text.size()), ec2);
    bool const expected = token.size() <= 8192 && !ec1 && h.is_object() && header_acceptable(h.as_object(), kid) &&
                          !ec2 && c.is_object();
    static bool const trace = std::getenv("FUZZ_TRACE") != nullptr;
    if(trace)
        std::fprintf(stderr, "signed(%s): %s\n", std::string(kid).c_str(), r.ok() ? "verified" : r.error.c_str());
    FUZZ_CHECK(r.ok() == expected, token + " error=" + r.error);
    if(r.ok())
        FUZZ_CHECK(r.claims == c.as_object(), token);
    // Whatever the token, another expected typ never verifies it.
    FUZZ_CHECK(!beast_oauth::jws_verify(token, keys(), "boa-code+jwt").ok() ||
                   (h.is_object() && h.as_object().contains("typ") && h.as_object().at("typ") == "boa-code+jwt"),
               token);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if(size < 2 || size > 16 * 1024)
        return 0;
    std::string_view rest(reinterpret_cast<char const*>(data) + 1, size - 1);
    if(data[0] % 2 == 0)
        raw_mode(rest);
    else
        signed_mode(data[1], rest.substr(1));
    return 0;
}
