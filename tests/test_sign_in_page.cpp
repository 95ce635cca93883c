// The built-in sign-in page as the vendor's face: account field, product name, colours, logo,
// languages chosen by Accept-Language, scope descriptions, and a CSP that still allows it all.
#include <beast_oauth/sign_in_page.hpp>
#include "fixture.hpp"
#include "catch.hpp"

#include <beast_oauth/detail/crypto.hpp>

using namespace test;

namespace {

http_response get_page(fixture& f, std::string const& target, std::string const& accept_language = {},
                       std::string const& cookie = {})
{
    http_request req{http::verb::get, target, 11};
    req.set(http::field::host, "intercom.example.test");
    if(!accept_language.empty())
        req.set(http::field::accept_language, accept_language);
    if(!cookie.empty())
        req.set(http::field::cookie, cookie);
    return f.server.handle_authorize(req);
}

http_response post_credentials(fixture& f, http_response const& page, std::string const& password,
                               std::string const& accept_language)
{
    std::string body = form({{"username", owner_email}, {"password", password}, {"action", "sign_in"}});
    for(auto const& [k, v] : hidden_fields(page.body()))
        body += "&" + form({{k, v}});
    http_request req{http::verb::post, "/authorize", 11};
    req.set(http::field::host, "intercom.example.test");
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.set(http::field::cookie, cookie_from(page, "__Host-boa_csrf"));
    req.set(http::field::accept_language, accept_language);
    req.body() = body;
    req.prepare_payload();
    return f.server.handle_authorize(req);
}

std::string between(std::string const& s, std::string const& open, std::string const& close)
{
    auto a = s.find(open);
    if(a == std::string::npos)
        return {};
    a += open.size();
    auto b = s.find(close, a);
    return b == std::string::npos ? std::string() : s.substr(a, b - a);
}

bool has(std::string const& haystack, std::string const& needle) { return haystack.find(needle) != std::string::npos; }

// Every string member of sign_in_texts, for completeness checks.
std::vector<std::string beast_oauth::sign_in_texts::*> const text_fields = {
    &beast_oauth::sign_in_texts::title, &beast_oauth::sign_in_texts::heading,
    &beast_oauth::sign_in_texts::heading_no_product, &beast_oauth::sign_in_texts::heading_signed_in,
    &beast_oauth::sign_in_texts::heading_signed_in_no_product, &beast_oauth::sign_in_texts::asks_access,
    &beast_oauth::sign_in_texts::asks_access_no_scopes, &beast_oauth::sign_in_texts::username_label,
    &beast_oauth::sign_in_texts::password_label, &beast_oauth::sign_in_texts::sign_in_button,
    &beast_oauth::sign_in_texts::allow_button, &beast_oauth::sign_in_texts::deny_button,
    &beast_oauth::sign_in_texts::switch_account_button, &beast_oauth::sign_in_texts::signed_in_as,
    &beast_oauth::sign_in_texts::form_expired, &beast_oauth::sign_in_texts::sign_in_required,
    &beast_oauth::sign_in_texts::missing_credentials, &beast_oauth::sign_in_texts::wrong_credentials,
    &beast_oauth::sign_in_texts::throttled, &beast_oauth::sign_in_texts::error_title,
    &beast_oauth::sign_in_texts::error_heading, &beast_oauth::sign_in_texts::error_hint};

} // namespace

TEST_CASE("the account field is an email field by default; type, autocomplete and inputmode are options")
{
    fixture plain;
    auto page = get_page(plain, fixture::authorize_query());
    REQUIRE(page.result_int() == 200);
    CHECK(has(page.body(), "<label for=\"username\">Email</label><input type=\"email\" id=\"username\" "
                           "name=\"username\" autocomplete=\"username\" required"));

    fixture phone(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.sign_in.field.input_type = "tel";
        o.sign_in.field.autocomplete = "tel";
        o.sign_in.field.inputmode = "tel";
        o.sign_in.languages["en"].username_label = "Phone number";
    });
    auto tel = get_page(phone, fixture::authorize_query());
    REQUIRE(tel.result_int() == 200);
    CHECK(has(tel.body(), "<label for=\"username\">Phone number</label><input type=\"tel\" id=\"username\" "
                          "name=\"username\" autocomplete=\"tel\" inputmode=\"tel\" required"));
    CHECK_FALSE(has(tel.body(), "type=\"email\""));

    auto text_field = [](std::string type) {
        return [type](beast_oauth::server_options& o) { o.sign_in.field.input_type = type; };
    };
    CHECK_NOTHROW(fixture(beast_oauth::profile::strict, text_field("text")));
    CHECK_THROWS_AS(fixture(beast_oauth::profile::strict, text_field("number")), std::invalid_argument);
    CHECK_THROWS_AS(fixture(beast_oauth::profile::strict, text_field("email\" onfocus=\"x")), std::invalid_argument);
    CHECK_THROWS_AS(fixture(beast_oauth::profile::strict,
                            [](beast_oauth::server_options& o) { o.sign_in.field.inputmode = "phone"; }),
                    std::invalid_argument);
}

TEST_CASE("the heading names the client and the vendor's product")
{
    fixture f(beast_oauth::profile::strict,
              [](beast_oauth::server_options& o) { o.sign_in.product_name = "Acme <Intercoms>"; });
    auto page = get_page(f, fixture::authorize_query());
    REQUIRE(page.result_int() == 200);
    CHECK(between(page.body(), "<h1>", "</h1>") == "Sign in to connect Seam to Acme &lt;Intercoms&gt;");

    fixture unnamed;
    CHECK(between(get_page(unnamed, fixture::authorize_query()).body(), "<h1>", "</h1>") == "Sign in to connect Seam");
}

TEST_CASE("Accept-Language picks the page's language, q-values honoured")
{
    beast_oauth::sign_in_page_options o; // English and German
    auto lang = [&](std::string_view header) { return beast_oauth::choose_sign_in_language(o, header); };
    CHECK(lang("") == "en");
    CHECK(lang("de") == "de");
    CHECK(lang("DE-ch") == "de");                      // primary subtag, case-insensitive
    CHECK(lang("fr, de;q=0.5, en;q=0.4") == "de");     // first one we have
    CHECK(lang("en;q=0.2, de;q=0.9") == "de");         // q beats order
    CHECK(lang("de;q=0.5, en;q=0.5") == "de");         // ties keep header order
    CHECK(lang("de;q=0, fr") == "en");                 // q=0: never
    CHECK(lang("fr, *;q=0.1") == "en");                // * is the default
    CHECK(lang("de;q=abc, en;q=0.1") == "en");         // a malformed q counts as 0
    CHECK(lang("de;q=1.5") == "en");
    o.default_language = "de";
    CHECK(lang("fr") == "de");
    o.languages["pt-br"] = beast_oauth::sign_in_texts{};
    CHECK(lang("pt-BR, de") == "pt-br");
}

TEST_CASE("a German browser gets the German page with lang=de, and German messages")
{
    fixture f;
    auto page = get_page(f, fixture::authorize_query(), "de-DE,de;q=0.9,en;q=0.8");
    REQUIRE(page.result_int() == 200);
    CHECK(has(page.body(), "<html lang=\"de\">"));
    CHECK(between(page.body(), "<title>", "</title>") == "Anmelden");
    CHECK(has(page.body(), "<label for=\"username\">E-Mail-Adresse</label>"));
    CHECK(has(page.body(), ">Ablehnen</button>"));
    auto failed = post_credentials(f, page, "wrong", "de");
    REQUIRE(failed.result_int() == 200);
    CHECK(has(failed.body(), "E-Mail-Adresse oder Passwort ist falsch."));
    CHECK(has(failed.body(), "<html lang=\"de\">"));

    auto english = get_page(f, fixture::authorize_query(), "en-GB");
    CHECK(has(english.body(), "<html lang=\"en\">"));
    CHECK(has(english.body(), "<label for=\"username\">Email</label>"));

    // The error page (a request that cannot go back to its client) too.
    auto error = get_page(f, "/authorize?response_type=code&client_id=nobody", "de");
    REQUIRE(error.result_int() == 400);
    CHECK(has(error.body(), "<html lang=\"de\">"));
    CHECK(has(error.body(), "Dieser Anmeldelink kann nicht verwendet werden"));
}

TEST_CASE("sign_in_text_fields names every string of the table")
{
    auto const& named = beast_oauth::sign_in_text_fields();
    REQUIRE(named.size() == text_fields.size());
    for(std::size_t i = 0; i < named.size(); ++i)
        CHECK(named[i].second == text_fields[i]);
    CHECK(named[0].first == "title");
}

TEST_CASE("the German table translates every string")
{
    beast_oauth::sign_in_texts const en;
    auto const de = beast_oauth::german_sign_in_texts();
    for(auto field : text_fields)
    {
        CHECK_FALSE((de.*field).empty());
        CHECK(de.*field != en.*field);
    }
    // Same placeholders as the English original.
    for(auto field : text_fields)
        for(std::string ph : {"{client}", "{product}", "{account}", "{seconds}"})
            CHECK(has(de.*field, ph) == has(en.*field, ph));
}

TEST_CASE("every user-visible string of the pages comes from the translation table")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        beast_oauth::sign_in_texts marked;
        int i = 0;
        for(auto field : text_fields)
            marked.*field = "@" + std::to_string(i++) + "@ {client}";
        o.sign_in.languages = {{"xx", marked}};
        o.sign_in.default_language = "xx";
    });
    beast_oauth::sign_in_texts const en;
    auto const sign_in = get_page(f, fixture::authorize_query());
    auto const first = f.sign_in(fixture::authorize_query());
    REQUIRE(first.result_int() == 303);
    auto const consent = get_page(f, fixture::authorize_query(), {}, cookie_from(first, "__Host-boa_session"));
    auto const failed = post_credentials(f, sign_in, "wrong", {});
    for(auto const* res : {&sign_in, &consent, &failed})
    {
        REQUIRE(res->result_int() == 200);
        CHECK(has(res->body(), "<html lang=\"xx\">"));
        for(auto field : text_fields)
            CHECK_FALSE(has(res->body(), en.*field));
        for(std::string word : {"Sign in", "Email", "Password", "Allow", "Deny", "asking", "Signed in as"})
            CHECK_FALSE(has(res->body(), word));
    }
    CHECK(has(consent.body(), "@4@ Seam")); // heading_signed_in_no_product
    CHECK(has(failed.body(), "@17@")); // wrong_credentials
}

TEST_CASE("colours are CSS colours or the server refuses them: none can leave the stylesheet")
{
    auto with_accent = [](std::string c) {
        return [c](beast_oauth::server_options& o) { o.sign_in.colors.accent = c; };
    };
    for(std::string good : {"#abc", "#AABBCC", "#aabbcc80", "rgb(10 20 30 / 50%)", "rgba(1,2,3,.5)",
                             "hsl(220deg 80% 40%)", "rebeccapurple"})
        CHECK_NOTHROW(fixture(beast_oauth::profile::strict, with_accent(good)));
    for(std::string bad : {"", "#12345", "red;}body{display:none", "red}</style><script>", "url(https://x.test/a)",
                           "rgb(1,2,3);x", "expression(alert(1))", "#fff;", "var(--x)"})
        CHECK_THROWS_AS(fixture(beast_oauth::profile::strict, with_accent(bad)), std::invalid_argument);
}

TEST_CASE("the CSP allows exactly the stylesheet sent, whatever the colours")
{
    fixture branded(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.sign_in.colors.accent = "#7c2d12";
        o.sign_in.colors.background = "rgb(250 245 240)";
    });
    fixture plain;
    for(auto* f : {&branded, &plain})
    {
        auto page = get_page(*f, fixture::authorize_query());
        REQUIRE(page.result_int() == 200);
        auto style = between(page.body(), "<style>", "</style>");
        REQUIRE_FALSE(style.empty());
        auto d = beast_oauth::detail::sha256(style);
        std::string b64 = beast_oauth::detail::base64url_encode(d.data(), d.size());
        for(auto& c : b64)
            c = c == '-' ? '+' : c == '_' ? '/' : c;
        b64 += "=";
        auto csp = std::string(page["Content-Security-Policy"]);
        CHECK(has(csp, "style-src 'sha256-" + b64 + "'"));
        CHECK_FALSE(has(csp, "unsafe-inline"));
        CHECK_FALSE(has(csp, "img-src")); // no logo, no image source
    }
    auto branded_style = between(get_page(branded, fixture::authorize_query()).body(), "<style>", "</style>");
    CHECK(has(branded_style, "--accent:#7c2d12"));
    CHECK(beast_oauth::page_style_csp_source(branded.server.options().sign_in) != beast_oauth::page_style_csp_source());
    CHECK(beast_oauth::page_style_csp_source(plain.server.options().sign_in) == beast_oauth::page_style_csp_source());
}

TEST_CASE("a logo: inline SVG and data: PNG under img-src data:, a same-origin path under 'self'")
{
    auto with_logo = [](std::string logo) {
        return [logo](beast_oauth::server_options& o) {
            o.sign_in.logo = logo;
            o.sign_in.product_name = "Acme";
        };
    };
    std::string const svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" "
                            "height=\"10\" fill=\"#123\"/></svg>";
    fixture inline_svg(beast_oauth::profile::strict, with_logo(svg));
    auto page = get_page(inline_svg, fixture::authorize_query());
    REQUIRE(page.result_int() == 200);
    CHECK(has(page.body(), "<img class=\"logo\" src=\"data:image/svg+xml;base64,"));
    CHECK(has(page.body(), "alt=\"Acme\""));
    CHECK_FALSE(has(page.body(), "<svg")); // never markup in the page: an <img> runs nothing
    CHECK(has(std::string(page["Content-Security-Policy"]), "; img-src data:;"));

    fixture png(beast_oauth::profile::strict, with_logo("data:image/png;base64,iVBORw0KGgo="));
    auto png_page = get_page(png, fixture::authorize_query());
    CHECK(has(png_page.body(), "src=\"data:image/png;base64,iVBORw0KGgo=\""));
    CHECK(has(std::string(png_page["Content-Security-Policy"]), "; img-src data:;"));

    fixture path(beast_oauth::profile::strict, with_logo("/static/logo.png"));
    auto path_page = get_page(path, fixture::authorize_query());
    CHECK(has(path_page.body(), "src=\"/static/logo.png\""));
    CHECK(has(std::string(path_page["Content-Security-Policy"]), "; img-src 'self';"));

    for(std::string bad : {"https://cdn.example/logo.png", "//cdn.example/logo.png", "data:image/svg+xml,<svg/>",
                           "data:image/png;base64,ab\"cd", "/logo.png\" onerror=\"x", "<svg onload=x>",
                           "javascript:alert(1)"})
        CHECK_THROWS_AS(fixture(beast_oauth::profile::strict, with_logo(bad)), std::invalid_argument);
}

TEST_CASE("requested scopes show as the vendor's descriptions per language, raw only without one; deny stays")
{
    fixture f(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
        o.sign_in.languages["en"].scope_descriptions = {{"intercoms.read", "See your intercoms"},
                                                        {"intercoms.write", "Unlock doors & manage codes"}};
        o.sign_in.languages["de"].scope_descriptions = {{"intercoms.read", "Ihre Sprechanlagen sehen"}};
    });
    auto const target = fixture::authorize_query("state=s&scope=intercoms.read%20intercoms.write%20other");
    auto en = get_page(f, target, "en");
    REQUIRE(en.result_int() == 200);
    CHECK(has(en.body(), "<ul><li>See your intercoms</li><li>Unlock doors &amp; manage codes</li><li>other</li></ul>"));
    CHECK(has(en.body(), "value=\"deny\""));
    auto de = get_page(f, target, "de");
    CHECK(has(de.body(), "<ul><li>Ihre Sprechanlagen sehen</li><li>intercoms.write</li><li>other</li></ul>"));
    CHECK(has(de.body(), ">Ablehnen</button>"));

    // A custom renderer receives the same descriptions.
    std::vector<std::string> seen;
    fixture custom(beast_oauth::profile::strict, [&seen](beast_oauth::server_options& o) {
        o.sign_in.languages["en"].scope_descriptions = {{"intercoms.read", "See your intercoms"}};
        o.render_sign_in_page = [&seen](beast_oauth::sign_in_page const& p) {
            seen = p.scope_descriptions;
            return std::string("custom");
        };
    });
    get_page(custom, fixture::authorize_query("scope=intercoms.read%20x"));
    CHECK(seen == std::vector<std::string>{"See your intercoms", "x"});
}

TEST_CASE("language tables are checked when the server is constructed")
{
    CHECK_THROWS_AS(fixture(beast_oauth::profile::strict,
                            [](beast_oauth::server_options& o) { o.sign_in.default_language = "fr"; }),
                    std::invalid_argument);
    CHECK_THROWS_AS(fixture(beast_oauth::profile::strict,
                            [](beast_oauth::server_options& o) { o.sign_in.languages["EN\"x"] = {}; }),
                    std::invalid_argument);
    CHECK_THROWS_AS(fixture(beast_oauth::profile::strict, [](beast_oauth::server_options& o) {
                        o.sign_in.languages.clear();
                    }),
                    std::invalid_argument);
}

TEST_CASE("fill_sign_in_text fills known placeholders and keeps unknown ones")
{
    CHECK(beast_oauth::fill_sign_in_text("Try again in {seconds} s {x}", {{"seconds", "30"}}) == "Try again in 30 s {x}");
    CHECK(beast_oauth::fill_sign_in_text("{a}{a}", {{"a", "1"}}) == "11");
    CHECK(beast_oauth::fill_sign_in_text("open { brace", {}) == "open { brace");
}
