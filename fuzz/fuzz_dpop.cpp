// Fuzz target: DPoP proofs (RFC 9449 4.3) through validate_dpop_proof, and normalize_htu.
//
// Input: byte 0 selects the mode, the rest is:
// - mode 0 ("raw"): a compact proof given to validate_dpop_proof as is.
// - mode 1 ("signed"): "<header JSON>\n<claims JSON>"; byte 1 picks the key (ES256 or EdDSA).
//   The harness puts the key's public jwk into the header when the header has none, then
//   base64url-encodes both and signs them, so the fuzzer reaches the claim checks.
// - mode 2 ("htu"): a URL given to normalize_htu.
// Invariants: a proof that validates has typ "dpop+jwt", an alg of the allow-list, a jwk
// without private members whose RFC 7638 thumbprint is the result's jkt (43 characters),
// htm "POST", an htu that normalizes to the request's, a jti of 1..256 characters, an iat in
// the window. normalize_htu is idempotent and never yields a query or fragment.
#include "common.hpp"

#include <beast_oauth/detail/crypto.hpp>
#include <boost/json.hpp>

namespace {

using beast_oauth::jws_alg;
using beast_oauth::signing_key;

constexpr long long now_s = 1'800'000'000;
constexpr char const* url = "https://intercom.example.test/oauth/token";

signing_key const& key(int i)
{
    static signing_key const ec = signing_key::generate(jws_alg::es256, "ec");
    static signing_key const ed = signing_key::generate(jws_alg::eddsa, "ed");
    return i ? ed : ec;
}

std::string b64(std::string_view s) { return beast_oauth::detail::base64url_encode(s.data(), s.size()); }

void check_valid(std::string_view proof, beast_oauth::dpop_proof const& p)
{
    // Re-read the parts independently of the validator.
    auto d1 = proof.find('.');
    auto d2 = proof.find('.', d1 + 1);
    std::string hj, cj;
    FUZZ_CHECK(beast_oauth::detail::base64url_decode(proof.substr(0, d1), hj), proof);
    FUZZ_CHECK(beast_oauth::detail::base64url_decode(proof.substr(d1 + 1, d2 - d1 - 1), cj), proof);
    auto h = boost::json::parse(hj).as_object();
    auto c = boost::json::parse(cj).as_object();
    FUZZ_CHECK(h.at("typ") == "dpop+jwt", hj);
    FUZZ_CHECK(h.at("alg") == "ES256" || h.at("alg") == "EdDSA", hj);
    auto const& jwk = h.at("jwk").as_object();
    FUZZ_CHECK(!jwk.contains("d") && !jwk.contains("k") && !jwk.contains("p"), hj);
    FUZZ_CHECK(p.jkt.size() == 43 && p.jkt == beast_oauth::jwk_thumbprint(jwk), hj);
    FUZZ_CHECK(c.at("htm") == "POST", cj);
    FUZZ_CHECK(beast_oauth::normalize_htu(c.at("htu").as_string()) == beast_oauth::normalize_htu(url), cj);
    FUZZ_CHECK(!p.jti.empty() && p.jti.size() <= 256, cj);
    auto iat = std::chrono::duration_cast<std::chrono::seconds>(p.iat.time_since_epoch()).count();
    FUZZ_CHECK(iat >= now_s - 301 && iat <= now_s + 30, cj);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if(size < 1)
        return 0;
    std::string_view in(reinterpret_cast<char const*>(data + 1), size - 1);
    beast_oauth::dpop_options o;
    beast_oauth::dpop_request rq{"POST", url, {}, beast_oauth::time_point(std::chrono::seconds(now_s))};
    switch(data[0] % 3)
    {
    case 0:
    {
        auto r = beast_oauth::validate_dpop_proof(in, rq, o);
        if(r)
            check_valid(in, *r);
        break;
    }
    case 1:
    {
        if(in.empty())
            return 0;
        auto const& k = key(static_cast<unsigned char>(in[0]) & 1);
        in.remove_prefix(1);
        auto nl = in.find('\n');
        if(nl == std::string_view::npos)
            return 0;
        std::string header(in.substr(0, nl));
        boost::system::error_code ec;
        auto hv = boost::json::parse(header, ec);
        if(!ec && hv.is_object() && !hv.as_object().contains("jwk"))
        {
            hv.as_object()["jwk"] = k.public_jwk();
            header = boost::json::serialize(hv);
        }
        auto input = b64(header) + "." + b64(in.substr(nl + 1));
        auto proof = input + "." + b64(k.sign(input));
        auto r = beast_oauth::validate_dpop_proof(proof, rq, o);
        if(r)
            check_valid(proof, *r);
        break;
    }
    default:
    {
        auto n = beast_oauth::normalize_htu(in);
        if(n)
        {
            FUZZ_CHECK(n->find('?') == std::string::npos && n->find('#') == std::string::npos, *n);
            FUZZ_CHECK(beast_oauth::normalize_htu(*n) == n, *n);
        }
        break;
    }
    }
    return 0;
}
