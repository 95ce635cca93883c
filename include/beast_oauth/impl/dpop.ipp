#ifndef BEAST_OAUTH_IMPL_DPOP_IPP
#define BEAST_OAUTH_IMPL_DPOP_IPP

// DPoP proof validation, RFC 9449 4.2 (proof syntax), 4.3 (checking), 11.1 (replay window);
// JWK thumbprints per RFC 7638.

#include <beast_oauth/dpop.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <stdexcept>

namespace beast_oauth {

BEAST_OAUTH_DECL std::string jwk_thumbprint(boost::json::object const& jwk)
{
    auto str = [&jwk](char const* k) -> std::string_view {
        auto const* v = jwk.if_contains(k);
        return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
    };
    // RFC 7638 3.2: the required members only, lexicographic order, no whitespace. The values
    // are re-encoded from their bytes, so two spellings of one key have one thumbprint.
    std::string x, y, json;
    auto const kty = str("kty");
    if(kty == "EC" && str("crv") == "P-256" && detail::base64url_decode(str("x"), x) &&
       detail::base64url_decode(str("y"), y) && x.size() == 32 && y.size() == 32)
        json = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + detail::base64url_encode(x.data(), x.size()) +
               "\",\"y\":\"" + detail::base64url_encode(y.data(), y.size()) + "\"}";
    else if(kty == "OKP" && str("crv") == "Ed25519" && detail::base64url_decode(str("x"), x) && x.size() == 32)
        json = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + detail::base64url_encode(x.data(), x.size()) + "\"}";
    else
        return {};
    auto d = detail::sha256(json);
    return detail::base64url_encode(d.data(), d.size());
}

BEAST_OAUTH_DECL std::string dpop_access_token_hash(std::string_view access_token)
{
    auto d = detail::sha256(access_token);
    return detail::base64url_encode(d.data(), d.size());
}

namespace detail {

inline std::optional<std::string> normalize_htu_once(std::string_view url)
{
    auto r = boost::urls::parse_uri(url);
    if(!r)
        return std::nullopt;
    boost::urls::url u(*r);
    u.normalize(); // RFC 3986 6.2.2: case, percent-encoding, dot segments
    if(u.scheme_id() != boost::urls::scheme::http && u.scheme_id() != boost::urls::scheme::https)
        return std::nullopt;
    if(!u.has_authority() || u.host().empty())
        return std::nullopt;
    // RFC 3986 6.2.3: the scheme's default port and an empty path are the same URL.
    if(u.has_port() && (u.port().empty() || (u.scheme_id() == boost::urls::scheme::http && u.port_number() == 80) ||
                        (u.scheme_id() == boost::urls::scheme::https && u.port_number() == 443)))
        u.remove_port();
    u.remove_query();
    u.remove_fragment();
    u.remove_userinfo();
    auto b = u.buffer();
    std::string out(b.data(), b.size());
    if(u.path().empty())
        out += '/'; // (Boost 1.81's set_path("/") on an empty path writes "/./")
    return out;
}

} // namespace detail

BEAST_OAUTH_DECL std::optional<std::string> normalize_htu(std::string_view url)
{
    // A URL whose normal form is not a fixed point (fuzz_dpop found Boost.URL 1.81 quirks with
    // odd ports) is refused rather than compared.
    auto once = detail::normalize_htu_once(url);
    if(!once || detail::normalize_htu_once(*once) != once)
        return std::nullopt;
    return once;
}

namespace detail {

inline std::string_view json_str(boost::json::object const& o, char const* k)
{
    auto const* v = o.if_contains(k);
    return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

inline std::optional<jws_alg> dpop_alg(std::string_view name, dpop_options const& o)
{
    for(auto a : o.algorithms)
        if(a != jws_alg::hs256 && jws_alg_name(a) == name) // never a MAC: the key is public
            return a;
    return std::nullopt;
}

} // namespace detail

BEAST_OAUTH_DECL boost::system::result<dpop_proof, dpop_error>
validate_dpop_proof(std::string_view proof, dpop_request const& req, dpop_options const& o)
{
    auto bad = [](std::string why) { return dpop_error{false, std::move(why)}; };
    // RFC 9449 4.3 (1-2): one well-formed JWS compact serialization.
    if(proof.empty() || proof.size() > 8192)
        return bad("the DPoP proof is missing or too long");
    auto d1 = proof.find('.');
    auto d2 = d1 == std::string_view::npos ? d1 : proof.find('.', d1 + 1);
    if(d2 == std::string_view::npos || proof.find('.', d2 + 1) != std::string_view::npos)
        return bad("the DPoP proof is not a JWS");
    std::string header_json, claims_json, signature;
    if(!detail::base64url_decode(proof.substr(0, d1), header_json) ||
       !detail::base64url_decode(proof.substr(d1 + 1, d2 - d1 - 1), claims_json) ||
       !detail::base64url_decode(proof.substr(d2 + 1), signature))
        return bad("the DPoP proof is not base64url");
    boost::system::error_code ec;
    auto header = boost::json::parse(header_json, ec);
    if(ec || !header.is_object())
        return bad("the DPoP proof header is not a JSON object");
    auto const& h = header.as_object();
    // (4) typ; (5) an asymmetric allowed alg; (6) signature by (7) a public jwk.
    if(detail::json_str(h, "typ") != "dpop+jwt")
        return bad("the DPoP proof typ is not dpop+jwt");
    if(h.contains("crit"))
        return bad("the DPoP proof has a crit header");
    auto alg = detail::dpop_alg(detail::json_str(h, "alg"), o);
    if(!alg)
        return bad("the DPoP proof alg is not supported");
    auto const* jwk = h.if_contains("jwk");
    if(!jwk || !jwk->is_object())
        return bad("the DPoP proof has no jwk");
    dpop_proof out;
    try
    {
        auto key = signing_key::from_public_jwk(jwk->as_object(), *alg);
        if(!key.verify(proof.substr(0, d2), signature))
            return bad("the DPoP proof signature does not verify");
    }
    catch(std::invalid_argument const& e)
    {
        return bad(std::string(e.what()).find("private") != std::string::npos ? "the DPoP proof jwk is a private key"
                                                                              : "the DPoP proof jwk is not a public key for its alg");
    }
    out.jkt = jwk_thumbprint(jwk->as_object());
    auto claims_v = boost::json::parse(claims_json, ec);
    if(ec || !claims_v.is_object())
        return bad("the DPoP proof claims are not a JSON object");
    auto const& c = claims_v.as_object();
    // (3) the required claims; jti at most 256 characters (the replay cache keeps a hash).
    auto jti = detail::json_str(c, "jti");
    if(jti.empty() || jti.size() > 256)
        return bad("the DPoP proof has no valid jti");
    out.jti = std::string(jti);
    // (8) htm, (9) htu.
    if(detail::json_str(c, "htm") != req.method)
        return bad("the DPoP proof htm does not match the request method");
    auto htu = normalize_htu(detail::json_str(c, "htu"));
    auto want = normalize_htu(req.url);
    if(!htu || !want || *htu != *want)
        return bad("the DPoP proof htu does not match the request URL");
    // (11) iat within the window (RFC 9449 11.1).
    auto const* iat = c.if_contains("iat");
    if(!iat || !(iat->is_int64() || iat->is_uint64() || iat->is_double()))
        return bad("the DPoP proof has no iat");
    double const secs = iat->is_double() ? iat->as_double()
                        : iat->is_int64() ? static_cast<double>(iat->as_int64())
                                          : static_cast<double>(iat->as_uint64());
    auto const now = std::chrono::duration_cast<std::chrono::seconds>(req.now.time_since_epoch()).count();
    if(!(secs >= static_cast<double>(now - o.max_age.count())))
        return bad("the DPoP proof is too old");
    if(!(secs <= static_cast<double>(now + o.max_skew.count())))
        return bad("the DPoP proof iat is in the future");
    out.iat = time_point(std::chrono::seconds(static_cast<long long>(secs)));
    // (12) ath at resource servers.
    if(!req.access_token.empty())
    {
        auto ath = detail::json_str(c, "ath");
        if(ath.empty() || !detail::constant_time_equal(ath, dpop_access_token_hash(req.access_token)))
            return bad("the DPoP proof ath does not match the access token");
    }
    out.nonce = std::string(detail::json_str(c, "nonce"));
    return out;
}

} // namespace beast_oauth

#endif
