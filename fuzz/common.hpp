// Shared pieces of the fuzz targets: a server over the in-memory stores configured like the
// example (client "seam" with Seam's registrations), fixed keys, and small independent
// helpers (base64, form encoding) used as oracles rather than the library's own.
#pragma once

#include <beast_oauth/beast_oauth.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

/// Stops the run with a message; libFuzzer reports it as a crash and saves the input.
[[noreturn]] inline void fail(char const* what, std::string_view detail = {})
{
    std::fprintf(stderr, "\nFUZZ INVARIANT VIOLATED: %s\n  detail: [%.*s]\n", what,
                 static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()), detail.data());
    std::abort();
}

#define FUZZ_CHECK(cond, detail)                                                      \
    do                                                                                \
    {                                                                                 \
        if(!(cond))                                                                   \
            ::fuzz::fail(#cond " (" __FILE__ ":" FUZZ_STR(__LINE__) ")", (detail));   \
    } while(0)
#define FUZZ_STR2(x) #x
#define FUZZ_STR(x) FUZZ_STR2(x)

/// Seam's registrations (examples/intercom_server/config.json) and the other shapes the tests use.
inline std::vector<std::string> const& seam_registrations()
{
    static std::vector<std::string> const r{
        "https://*.integrations.getseam.com/*", "https://connect.getseam.com/oauth/callback",
        "https://staging.connect.getseam.com/oauth/callback", "http://localhost:3020/oauth/callback"};
    return r;
}

inline std::vector<std::string> const& other_registrations()
{
    static std::vector<std::string> const r{"http://127.0.0.1/demo/callback", "http://[::1]/demo/callback",
                                            "https://app.example.test/cb?tenant=7",
                                            "https://app.example.test:8443/x/*"};
    return r;
}

inline std::string const seam_callback = "https://connect.getseam.com/oauth/callback";
inline std::string const owner_email = "owner@example.com";
inline std::string const owner_password = "correct horse battery staple";
inline std::string const owner_subject = "usr_7d3f9a2c41b8";
inline std::string const pkce_verifier = "dBjftJeZ4CVP-mJ92K9zuOCaWVz8sr8-HUk63nZCbLyf9ab";
inline std::string const csrf_nonce = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"; // 43 base64url chars

// Fixed, test-only keys (never used anywhere else): deterministic runs and reproducible findings.
inline char const* const ed25519_pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIDHNX6nuWYpvfN9dZw9UqrgEmGjJIXM1yLYJa9XIUn7H\n"
    "-----END PRIVATE KEY-----\n";
inline char const* const p256_pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYM2Hez910fGm8TOc\n"
    "h3vtZeW4Tc03kGa8dxG7mFOcusuhRANCAAQDOZt4pq0z1ZyIFKPsDMY6otflcnIW\n"
    "pT0dMEwgv4EW6bPM00CLS1bk8tYc2irDnlREQrrES872sdipskaiNHSM\n"
    "-----END PRIVATE KEY-----\n";
inline std::string const hs256_secret = "fuzz-only-hs256-secret-0123456789abcdef";

/// A key set with one key of each algorithm: kid "ed" (EdDSA, active), "ec" (ES256), "hs" (HS256).
inline std::shared_ptr<beast_oauth::key_set> make_keys()
{
    auto ks = std::make_shared<beast_oauth::key_set>();
    ks->add(beast_oauth::signing_key::from_pem(ed25519_pem, beast_oauth::jws_alg::eddsa, "ed"));
    ks->add(beast_oauth::signing_key::from_pem(p256_pem, beast_oauth::jws_alg::es256, "ec"));
    ks->add(beast_oauth::signing_key::from_secret(hs256_secret, "hs"));
    return ks;
}

/// Standard base64 (RFC 4648 4) with padding.
inline std::string b64(std::string_view in, bool url = false)
{
    static char const std_tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static char const url_tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char const* tab = url ? url_tab : std_tab;
    std::string out;
    std::size_t i = 0;
    for(; i + 2 < in.size(); i += 3)
    {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += tab[v >> 18 & 63];
        out += tab[v >> 12 & 63];
        out += tab[v >> 6 & 63];
        out += tab[v & 63];
    }
    if(i + 1 == in.size())
    {
        unsigned v = (unsigned char)in[i] << 16;
        out += tab[v >> 18 & 63];
        out += tab[v >> 12 & 63];
        if(!url)
            out += "==";
    }
    else if(i + 2 == in.size())
    {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
        out += tab[v >> 18 & 63];
        out += tab[v >> 12 & 63];
        out += tab[v >> 6 & 63];
        if(!url)
            out += '=';
    }
    return out;
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
inline std::string pct(std::string_view s)
{
    static char const hex[] = "0123456789ABCDEF";
    std::string out;
    for(unsigned char c : s)
    {
        if((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~')
            out += static_cast<char>(c);
        else
        {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

/// Replaces every occurrence of `from` in `s`.
/// ASCII case-insensitive equality (an oracle's own, independent of the library's).
inline bool iequals(std::string_view a, std::string_view b)
{
    if(a.size() != b.size())
        return false;
    for(std::size_t i = 0; i < a.size(); ++i)
        if(std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

inline bool replace_all(std::string& s, std::string_view from, std::string_view to)
{
    bool any = false;
    for(std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    {
        s.replace(pos, from.size(), to);
        any = true;
    }
    return any;
}

struct world_config
{
    bool jwt_access_tokens = false;
    bool jwt_codes = false;
    bool strict_profile = false;
    /// Off: the worlds live for a whole fuzz run under a frozen clock, so a token bucket
    /// would never refill and every input after the tenth wrong secret would only see 429
    /// (the throttle itself is tested in tests/test_abuse_limits.cpp).
    bool rate_limiting = false;
};

/** An authorization server over fresh in-memory stores with a fixed clock and key.

    Any log event that reports an exception aborts: with in-memory stores nothing may throw,
    so a `server_error` answer means the library let an exception escape on some input.
*/
struct world
{
    static constexpr long long fixed_now = 1'800'000'000;

    beast_oauth::memory_store store{[] { return now(); }};
    beast_oauth::memory_user_store users;
    beast_oauth::authorization_server server;

    static beast_oauth::time_point now()
    {
        return beast_oauth::time_point(std::chrono::seconds(fixed_now));
    }

    static beast_oauth::server_options options(world_config const& cfg)
    {
        beast_oauth::server_options o;
        o.issuer = "https://intercom.example.test";
        o.profile = cfg.strict_profile ? beast_oauth::profile::strict : beast_oauth::profile::seam;
        o.clock = [] { return now(); };
        o.secret_key = std::string(32, 'k');
        o.rate_limiting = cfg.rate_limiting;
        if(cfg.jwt_access_tokens || cfg.jwt_codes)
        {
            static auto const keys = make_keys();
            o.signing_keys = keys;
            if(cfg.jwt_access_tokens)
                o.access_token_format = beast_oauth::token_format::jwt;
            if(cfg.jwt_codes)
                o.code_format = beast_oauth::token_format::jwt;
        }
        o.log = [](beast_oauth::log_event const& e) {
            if(e.name == "exception" || e.name == "store_exception")
                fail("the server caught an exception (answered server_error)", e.detail);
        };
        return o;
    }

    explicit world(world_config const& cfg = {})
        : server(options(cfg), store, store, store, users)
    {
        // PBKDF2 at 1 iteration: the same verification path as a weak secret, at fuzzing speed
        // (hash_client_secret would spend 100,000 iterations on every wrong secret the fuzzer sends).
        static std::string const seam_hash = beast_oauth::hash_password("seamsecret", 1);
        static std::string const owner_hash = beast_oauth::hash_password(owner_password, 1000);
        beast_oauth::client seam;
        seam.client_id = "seam";
        seam.name = "Seam";
        seam.secret_hash = seam_hash;
        for(auto const& uri : seam_registrations())
            seam.redirect_uris.emplace_back(uri);
        store.add_client(seam);

        beast_oauth::client native; // public client: PKCE required
        native.client_id = "native";
        native.name = "Native <app> & \"co\"";
        native.redirect_uris.emplace_back("http://127.0.0.1/callback");
        store.add_client(native);

        users.add_user(owner_email, owner_hash, beast_oauth::user_identity{owner_subject, "Demo <b>Owner</b>"});
    }

    /// A validated request for client seam to the connect callback (optionally with PKCE S256).
    beast_oauth::authorization_request seam_request(bool pkce) const
    {
        beast_oauth::param_list p;
        p.add("response_type", "code");
        p.add("client_id", "seam");
        p.add("redirect_uri", seam_callback);
        p.add("state", "xyz");
        if(pkce)
        {
            p.add("code_challenge", beast_oauth::make_s256_challenge(pkce_verifier));
            p.add("code_challenge_method", "S256");
        }
        auto r = server.validate_authorization_request(p);
        if(!r)
            fail("setup: the canonical authorization request is refused", r.error().description);
        return *r;
    }

    /// A fresh code for client seam, from the redirect the server builds.
    std::string issue_code(bool pkce) const
    {
        auto location = server.issue_code_redirect(seam_request(pkce), {owner_subject, "Owner"});
        auto pos = location.find("code=");
        if(pos == std::string::npos)
            fail("setup: no code in the redirect", location);
        auto end = location.find('&', pos);
        return location.substr(pos + 5, end == std::string::npos ? std::string::npos : end - pos - 5);
    }
};

} // namespace fuzz
