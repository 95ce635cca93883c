// GET/POST /authorize: RFC 6749 4.1.1 - 4.1.2.1, the sign-in page, CSRF, sessions, profiles.
#include "fixture.hpp"
#include "catch.hpp"

#include <beast_oauth/detail/crypto.hpp>

using namespace test;

namespace {
std::string location(http_response const& res) { return std::string(res[http::field::location]); }
bool has_location(http_response const& res) { return res.find(http::field::location) != res.end(); }
} // namespace

TEST_CASE("GET /authorize renders a self-contained, escaped sign-in page")
{
    fixture f;
    auto res = f.get(fixture::authorize_query("state=%3Cscript%3Ealert(1)%3C%2Fscript%3E&scope=intercoms.read"));
    REQUIRE(res.result_int() == 200);
    auto const& body = res.body();
    CHECK(res[http::field::content_type] == "text/html; charset=utf-8");
    CHECK(body.find("<script") == std::string::npos);
    CHECK(body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(body.find("Seam") != std::string::npos);
    CHECK(body.find("intercoms.read") != std::string::npos);
    CHECK(body.find("<label for=\"username\">") != std::string::npos);
    CHECK(body.find("<label for=\"password\">") != std::string::npos);
    CHECK(body.find("name=\"viewport\"") != std::string::npos);
    CHECK(body.find("http://") == std::string::npos);   // nothing loaded from elsewhere
    CHECK(body.find("src=") == std::string::npos);
    CHECK(std::string(res["Content-Security-Policy"]).find("default-src 'none'") != std::string::npos);
    CHECK(std::string(res["Content-Security-Policy"]).find("frame-ancestors 'none'") != std::string::npos);
    CHECK(std::string(res["Content-Security-Policy"]).find("form-action 'self' https://connect.getseam.com") != std::string::npos);
    CHECK(res[http::field::x_frame_options] == "DENY");
    CHECK(res["Referrer-Policy"] == "no-referrer");
    CHECK(res[http::field::cache_control] == "no-store");
    auto cookie = cookie_from(res, "__Host-boa_csrf");
    CHECK_FALSE(cookie.empty());
    std::string set_cookie;
    for(auto const& fld : res)
        if(fld.name() == http::field::set_cookie)
            set_cookie = std::string(fld.value());
    CHECK(set_cookie.find("HttpOnly") != std::string::npos);
    CHECK(set_cookie.find("SameSite=Lax") != std::string::npos);
    CHECK(set_cookie.find("Secure") != std::string::npos);
    CHECK(set_cookie.find("Path=/") != std::string::npos);
    CHECK(hidden_fields(body)["state"] == "<script>alert(1)</script>");
}

TEST_CASE("client names are escaped on the page")
{
    fixture f;
    auto res = f.get("/authorize?response_type=code&client_id=single");
    REQUIRE(res.result_int() == 200);
    CHECK(res.body().find("Single &lt;URI&gt; &amp; Co") != std::string::npos);
    CHECK(res.body().find("Single <URI>") == std::string::npos);
}

TEST_CASE("sign-in issues a code and redirects with state echoed exactly")
{
    fixture f;
    std::string const state = "a b+c&d=e%f/\xc3\xa9?#";
    auto res = f.sign_in(fixture::authorize_query("state=" + pct(state)));
    REQUIRE(res.result_int() == 303);
    auto loc = location(res);
    CHECK(loc.rfind(seam_callback + "?", 0) == 0);
    auto q = query_of(loc);
    CHECK(q["state"] == state);
    CHECK(q["code"].rfind("boa_ac_", 0) == 0);
    CHECK(res[http::field::cache_control] == "no-store");
    CHECK_FALSE(cookie_from(res, "__Host-boa_session").empty());
}

TEST_CASE("code and state merge into a redirect_uri that already has a query")
{
    fixture f;
    auto res = f.sign_in("/authorize?response_type=code&client_id=seam&redirect_uri="
                         "https%3A%2F%2Facme.integrations.getseam.com%2Fcallback%3Fsession%3Dabc%26x%3D1&state=s1");
    REQUIRE(res.result_int() == 303);
    auto loc = location(res);
    CHECK(loc.rfind("https://acme.integrations.getseam.com/callback?session=abc&x=1&code=", 0) == 0);
    auto q = query_of(loc);
    CHECK(q["session"] == "abc");
    CHECK(q["x"] == "1");
    CHECK(q["state"] == "s1");
    CHECK_FALSE(q["code"].empty());
}

TEST_CASE("a redirect_uri query carrying code, state or iss gets ours only, once each")
{
    // The wildcard registration admits any query; an attacker-chosen "code=evil&state=x&iss=y"
    // must not reach the client next to (or before) the real ones.
    fixture f;
    auto res = f.sign_in("/authorize?response_type=code&client_id=seam&redirect_uri="
                         "https%3A%2F%2Facme.integrations.getseam.com%2Fcb%3Fcode%3Devil%26keep%3D1%26state%3Dx%26iss%3Dy%26code%3Devil2"
                         "&state=s1");
    REQUIRE(res.result_int() == 303);
    auto loc = location(res);
    INFO(loc);
    auto count = [&](std::string const& key) {
        std::size_t n = 0;
        for(std::size_t at = loc.find('?'); at != std::string::npos; at = loc.find('&', at + 1))
            n += loc.compare(at + 1, key.size() + 1, key + "=") == 0;
        return n;
    };
    CHECK(count("code") == 1);
    CHECK(count("state") == 1);
    CHECK(count("iss") == 1);
    CHECK(count("keep") == 1);
    auto q = query_of(loc);
    CHECK(q["code"].rfind("boa_ac_", 0) == 0);
    CHECK(q["state"] == "s1");
    CHECK(q["iss"] != "y");
    CHECK(loc.find("evil") == std::string::npos);
}

TEST_CASE("no state sent: none comes back")
{
    fixture f;
    auto res = f.sign_in(fixture::authorize_query(""));
    REQUIRE(res.result_int() == 303);
    CHECK(query_of(location(res)).count("state") == 0);
}

TEST_CASE("wrong credentials re-render the page with a message and no redirect")
{
    fixture f;
    auto res = f.sign_in(fixture::authorize_query(), owner_email, "wrong");
    CHECK(res.result_int() == 200);
    CHECK_FALSE(has_location(res));
    CHECK(res.body().find("The email or password is incorrect.") != std::string::npos);
    CHECK(res.body().find("value=\"owner@example.com\"") != std::string::npos);
    CHECK(res.body().find("wrong") == std::string::npos);
    auto unknown = f.sign_in(fixture::authorize_query(), "nobody@example.com", "x");
    CHECK(unknown.body().find("The email or password is incorrect.") != std::string::npos);
}

TEST_CASE("deny redirects with access_denied and the state")
{
    fixture f;
    auto page = f.get(fixture::authorize_query("state=s9"));
    auto fields = hidden_fields(page.body());
    boost::urls::url u;
    for(auto const& [k, v] : fields)
        u.params().append({k, v});
    u.params().append({"action", "deny"});
    auto res = f.post_form("/authorize", std::string(u.encoded_query()), cookie_from(page, "__Host-boa_csrf"));
    REQUIRE(res.result_int() == 303);
    auto q = query_of(location(res));
    CHECK(q["error"] == "access_denied");
    CHECK(q["state"] == "s9");
    CHECK(q.count("code") == 0);
}

TEST_CASE("CSRF: the POST needs the cookie and a token bound to this request")
{
    fixture f;
    auto page = f.get(fixture::authorize_query("state=s1"));
    auto fields = hidden_fields(page.body());
    auto cookie = cookie_from(page, "__Host-boa_csrf");
    auto post_with = [&](std::map<std::string, std::string> flds, std::string const& c) {
        boost::urls::url u;
        for(auto const& [k, v] : flds)
            u.params().append({k, v});
        u.params().append({"username", owner_email});
        u.params().append({"password", owner_password});
        return f.post_form("/authorize", std::string(u.encoded_query()), c);
    };
    SECTION("no cookie")
    {
        auto res = post_with(fields, "");
        CHECK(res.result_int() == 403);
        CHECK_FALSE(has_location(res));
        CHECK(res.body().find("expired") != std::string::npos);
    }
    SECTION("another browser's cookie")
    {
        auto other = cookie_from(f.get(fixture::authorize_query("state=s1")), "__Host-boa_csrf");
        REQUIRE(other != cookie);
        CHECK(post_with(fields, other).result_int() == 403);
    }
    SECTION("no token")
    {
        fields.erase("csrf");
        CHECK(post_with(fields, cookie).result_int() == 403);
    }
    SECTION("token of another request (state changed in the hidden field)")
    {
        fields["state"] = "attacker";
        CHECK(post_with(fields, cookie).result_int() == 403);
    }
    SECTION("the untouched form works")
    {
        CHECK(post_with(fields, cookie).result_int() == 303);
    }
}

TEST_CASE("the POST re-validates the hidden fields: a swapped redirect_uri gets an error page")
{
    fixture f;
    auto page = f.get(fixture::authorize_query());
    auto fields = hidden_fields(page.body());
    fields["redirect_uri"] = "https://evil.test/cb";
    boost::urls::url u;
    for(auto const& [k, v] : fields)
        u.params().append({k, v});
    u.params().append({"username", owner_email});
    u.params().append({"password", owner_password});
    auto res = f.post_form("/authorize", std::string(u.encoded_query()), cookie_from(page, "__Host-boa_csrf"));
    CHECK(res.result_int() == 400);
    CHECK_FALSE(has_location(res));
}

TEST_CASE("a session skips the password; prompt=login forces it")
{
    fixture f;
    auto first = f.sign_in(fixture::authorize_query());
    REQUIRE(first.result_int() == 303);
    auto session = cookie_from(first, "__Host-boa_session");
    REQUIRE_FALSE(session.empty());
    CHECK(session.find(owner_password) == std::string::npos);

    auto page = f.get(fixture::authorize_query("state=s2"), session);
    REQUIRE(page.result_int() == 200);
    CHECK(page.body().find("Signed in as") != std::string::npos);
    CHECK(page.body().find("Owner &lt;b&gt;One&lt;/b&gt;") != std::string::npos);
    CHECK(page.body().find("type=\"password\"") == std::string::npos);
    auto fields = hidden_fields(page.body());
    boost::urls::url u;
    for(auto const& [k, v] : fields)
        u.params().append({k, v});
    u.params().append({"action", "allow"});
    auto cookies = session + "; " + cookie_from(page, "__Host-boa_csrf");
    auto allowed = f.post_form("/authorize", std::string(u.encoded_query()), cookies);
    REQUIRE(allowed.result_int() == 303);
    CHECK(query_of(location(allowed))["state"] == "s2");

    // prompt=login: the password form again, and "allow" alone is not enough.
    auto forced = f.get(fixture::authorize_query("state=s3&prompt=login"), session);
    REQUIRE(forced.result_int() == 200);
    CHECK(forced.body().find("type=\"password\"") != std::string::npos);
    auto ffields = hidden_fields(forced.body());
    boost::urls::url v;
    for(auto const& [k, val] : ffields)
        v.params().append({k, val});
    v.params().append({"action", "allow"});
    auto refused = f.post_form("/authorize", std::string(v.encoded_query()),
                               session + "; " + cookie_from(forced, "__Host-boa_csrf"));
    CHECK(refused.result_int() == 200);
    CHECK_FALSE(has_location(refused));

    // An expired session is ignored.
    f.advance(3601);
    auto later = f.get(fixture::authorize_query(), session);
    CHECK(later.body().find("type=\"password\"") != std::string::npos);
}

TEST_CASE("the session cookie is sealed: no display name or subject readable, any change refused")
{
    fixture f;
    auto first = f.sign_in(fixture::authorize_query());
    REQUIRE(first.result_int() == 303);
    auto session = cookie_from(first, "__Host-boa_session");
    auto value = session.substr(session.find('=') + 1);
    std::string decoded;
    REQUIRE(beast_oauth::detail::base64url_decode(value, decoded));
    for(std::string personal : {std::string("Owner <b>One</b>"), std::string("Owner"), owner_subject, owner_email})
    {
        CHECK(decoded.find(personal) == std::string::npos);
        CHECK(value.find(personal) == std::string::npos);
        // Nor base64url of it, which is how the unencrypted cookie carried the name.
        CHECK(value.find(beast_oauth::detail::base64url_encode(personal.data(), personal.size())) == std::string::npos);
    }
    // Still a working session that shows the owner's name (decrypted on the server).
    auto page = f.get(fixture::authorize_query("state=s2"), session);
    CHECK(page.body().find("Owner &lt;b&gt;One&lt;/b&gt;") != std::string::npos);
    // Any flipped character fails the AES-GCM tag: the password form again.
    for(std::size_t i : {std::size_t(0), value.size() / 2, value.size() - 1})
    {
        auto tampered = value;
        tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
        auto res = f.get(fixture::authorize_query("state=s3"), "__Host-boa_session=" + tampered);
        CHECK(res.body().find("type=\"password\"") != std::string::npos);
    }
    // Sealed with another server's key: refused too.
    fixture other(beast_oauth::profile::strict,
                  [](beast_oauth::server_options& o) { o.secret_key = std::string(32, 'z'); });
    auto foreign = other.get(fixture::authorize_query(), session);
    CHECK(foreign.body().find("type=\"password\"") != std::string::npos);
    // Two sign-ins of the same owner give different cookies (a fresh nonce each).
    auto second = f.sign_in(fixture::authorize_query("prompt=login"));
    CHECK(cookie_from(second, "__Host-boa_session") != session);
}

TEST_CASE("untrusted client or redirect_uri: an error page, never a redirect (RFC 6749 4.1.2.1)")
{
    fixture f;
    std::vector<std::string> const attacks = {
        "/authorize?response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback",
        "/authorize?response_type=code&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback",
        "/authorize?response_type=code&client_id=seam",  // several registrations: redirect_uri required
        "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fevil.test%2Fcb",
        "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fevilintegrations.getseam.com%2Fcb",
        "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fintegrations.getseam.com.evil.test%2Fcb",
        "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fevil.test%40connect.getseam.com%2Foauth%2Fcallback",
        "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fevil.test%5C%40connect.getseam.com%2Foauth%2Fcallback",
        "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback%23x",
        "/authorize?response_type=code&client_id=seam&redirect_uri=http%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback",
        "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fa.integrations.getseam.com%2F%252e%252e%2Fx",
        "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fconnect%252egetseam.com%2Foauth%2Fcallback",
        "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback&redirect_uri=https%3A%2F%2Fevil.test%2F",
        "/authorize?response_type=code&client_id=seam&client_id=evil&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback",
        "/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback%0d%0aSet-Cookie%3A+x%3D1",
        "/authorize?response_type=code&client_id=seam&redirect_uri=%zz",
    };
    for(auto const& target : attacks)
    {
        INFO(target);
        auto res = f.get(target);
        CHECK(res.result_int() == 400);
        CHECK_FALSE(has_location(res));
        CHECK(res[http::field::content_type] == "text/html; charset=utf-8");
        CHECK(res.body().find("evil") == std::string::npos);
    }
}

TEST_CASE("errors after the redirect_uri is trusted go back to the client with state")
{
    fixture f;
    auto check = [&](std::string const& extra, std::string const& expected) {
        INFO(extra);
        auto res = f.get("/authorize?client_id=seam&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback&state=st&" + extra);
        REQUIRE(res.result_int() == 302);
        auto q = query_of(location(res));
        CHECK(q["error"] == expected);
        CHECK(q["state"] == "st");
        CHECK(q.count("code") == 0);
    };
    check("scope=a", "invalid_request"); // no response_type in the strict profile
    check("response_type=token", "unsupported_response_type");
    check("response_type=code+id_token", "unsupported_response_type");
    check("response_type=code&scope=bad%22scope", "invalid_scope");
    check("response_type=code&scope=a++b", "invalid_scope");
    check("response_type=code&code_challenge=short", "invalid_request");
    check("response_type=code&code_challenge_method=S256", "invalid_request");
    check("response_type=code&code_challenge=" + std::string(43, 'a') + "&code_challenge_method=plain", "invalid_request");
    check("response_type=code&code_challenge=" + std::string(43, 'a') + "&code_challenge_method=S512", "invalid_request");
    check("response_type=code&code_challenge=" + std::string(43, 'a'), "invalid_request"); // plain by default
    auto too_long = f.get("/authorize?response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback&state=" + std::string(2000, 'x'));
    CHECK(query_of(location(too_long))["error"] == "invalid_request");

    auto scope_res = f.get("/authorize?response_type=code&client_id=single&scope=admin");
    REQUIRE(scope_res.result_int() == 302);
    CHECK(query_of(location(scope_res))["error"] == "invalid_scope");
    CHECK(location(scope_res).rfind("https://app.example.test/cb?tenant=7&error=", 0) == 0);

    auto unauthorized = f.get("/authorize?response_type=code&client_id=limited");
    REQUIRE(unauthorized.result_int() == 302);
    CHECK(query_of(location(unauthorized))["error"] == "unauthorized_client");

    auto public_no_pkce = f.get("/authorize?response_type=code&client_id=native&redirect_uri=http%3A%2F%2F127.0.0.1%3A4000%2Fcallback");
    REQUIRE(public_no_pkce.result_int() == 302);
    CHECK(query_of(location(public_no_pkce))["error"] == "invalid_request");
}

TEST_CASE("a client with one exact registration may omit redirect_uri")
{
    fixture f;
    auto res = f.sign_in("/authorize?response_type=code&client_id=single&state=z");
    REQUIRE(res.result_int() == 303);
    CHECK(location(res).rfind("https://app.example.test/cb?tenant=7&code=", 0) == 0);
}

TEST_CASE("Seam profile: an authorize request with only redirect_uri")
{
    fixture strict;
    auto rejected = strict.get("/authorize?redirect_uri=https%3A%2F%2Facme.integrations.getseam.com%2Fcb%3Fs%3D1");
    CHECK(rejected.result_int() == 400);

    fixture seam(beast_oauth::profile::seam);
    auto res = seam.sign_in("/authorize?redirect_uri=https%3A%2F%2Facme.integrations.getseam.com%2Fcb%3Fs%3D1");
    REQUIRE(res.result_int() == 303);
    auto loc = location(res);
    CHECK(loc.rfind("https://acme.integrations.getseam.com/cb?s=1&code=boa_ac_", 0) == 0);
    // Still strict where the guide says nothing: a foreign redirect_uri is refused.
    auto evil = seam.get("/authorize?redirect_uri=https%3A%2F%2Fevil.test%2Fcb");
    CHECK(evil.result_int() == 400);
    CHECK_FALSE(has_location(evil));
}

TEST_CASE("other methods and malformed POSTs get specific errors")
{
    fixture f;
    http_request req{http::verb::put, "/authorize", 11};
    auto res = beast_oauth::handle_request(f.server, std::move(req));
    REQUIRE(res);
    CHECK(res->result_int() == 405);
    auto wrong_type = f.post("/authorize", "text/plain", "x=1");
    CHECK(wrong_type.result_int() == 415);
    auto big = f.post_form("/authorize", std::string(20000, 'a'));
    CHECK(big.result_int() == 413);
}
