// Fuzz target: the whole request path. Raw bytes go through Beast's request_parser (body and
// header limits as in the example server) into beast_oauth::handle_request on a fresh server
// over in-memory stores (client "seam" with Seam's registrations, a public client, one user).
//
// Input: byte 0 picks the configuration (bit 0: JWT access tokens, bit 1: JWT codes, bit 2:
// strict profile instead of seam); the rest is an HTTP/1.1 byte stream of up to 8 pipelined
// requests. After parsing, these placeholders in the target, header values and body are
// replaced with live values of this server, so the fuzzer gets past the secrets:
//   {CODE} a fresh code (no PKCE)   {PCODE} a fresh code with an S256 challenge of {VERIFIER}
//   {AT} {RT} an access and a refresh token   {BASIC} base64("seam:seamsecret")
//   {NONCE} the CSRF cookie value   {CSRF} the CSRF token for the canonical request
//   (response_type=code, client_id=seam, redirect_uri=the connect callback, state=xyz)
//   {SESSION} a signed-in session cookie value
//
// Invariants on every response:
// - no exception reaches the server's catch blocks (the log hook aborts), no 5xx;
// - no CR, LF or NUL in any header name or value;
// - a Location is an absolute redirect URI that the library's own parser accepts and that a
//   registered redirect URI allows (query aside: the server adds code and state);
// - HTML contains no script, frame, image, link or base tag and no event-handler, src, href,
//   style or formaction attribute (reflected values are escaped);
// - JSON bodies parse, Content-Length matches, and the message serializes;
// - an authorization code is redeemed (200) at most once per run.
#include "common.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <optional>
#include <set>
#include <sstream>

namespace {

namespace http = boost::beast::http;
using beast_oauth::http_request;
using beast_oauth::http_response;

std::string const canonical_query =
    "response_type=code&client_id=seam&redirect_uri=https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback&state=xyz";

struct run
{
    fuzz::world w;
    std::string cookie_prefix = "__Host-"; // issuer is https
    std::optional<std::string> code, pcode, at, rt, csrf, session;
    std::set<std::string> redeemed;

    explicit run(fuzz::world_config cfg) : w(cfg) {}

    http_response call(http_request req)
    {
        auto res = beast_oauth::handle_request(w.server, std::move(req));
        if(!res)
            fuzz::fail("setup: no response");
        return std::move(*res);
    }

    void tokens()
    {
        if(at)
            return;
        http_request req{http::verb::post, "/oauth/token", 11};
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = "grant_type=authorization_code&code=" + fuzz::pct(w.issue_code(false)) +
                     "&redirect_uri=" + fuzz::pct(fuzz::seam_callback) + "&client_id=seam&client_secret=seamsecret";
        req.prepare_payload();
        auto res = call(std::move(req));
        if(res.result_int() != 200)
            fuzz::fail("setup: token request failed", res.body());
        auto o = boost::json::parse(res.body()).as_object();
        at = std::string(o.at("access_token").as_string());
        rt = o.contains("refresh_token") ? std::string(o.at("refresh_token").as_string()) : std::string();
    }

    std::string const& get_csrf()
    {
        if(!csrf)
        {
            http_request req{http::verb::get, "/authorize?" + canonical_query, 11};
            req.set(http::field::cookie, cookie_prefix + "boa_csrf=" + fuzz::csrf_nonce);
            auto res = call(std::move(req));
            auto const& body = res.body();
            auto pos = body.find("name=\"csrf\" value=\"");
            if(res.result_int() != 200 || pos == std::string::npos)
                fuzz::fail("setup: no CSRF field on the sign-in page", body);
            pos += 19;
            csrf = body.substr(pos, body.find('"', pos) - pos);
        }
        return *csrf;
    }

    std::string const& get_session()
    {
        if(!session)
        {
            http_request req{http::verb::post, "/authorize", 11};
            req.set(http::field::content_type, "application/x-www-form-urlencoded");
            req.set(http::field::cookie, cookie_prefix + "boa_csrf=" + fuzz::csrf_nonce);
            req.body() = canonical_query + "&csrf=" + fuzz::pct(get_csrf()) + "&username=" + fuzz::pct(fuzz::owner_email) +
                         "&password=" + fuzz::pct(fuzz::owner_password) + "&action=sign_in";
            req.prepare_payload();
            auto res = call(std::move(req));
            std::string name = cookie_prefix + "boa_session=";
            for(auto const& f : res)
                if(f.name() == http::field::set_cookie && f.value().substr(0, name.size()) == name)
                {
                    auto v = std::string(f.value().substr(name.size()));
                    session = v.substr(0, v.find(';'));
                }
            if(!session)
                fuzz::fail("setup: sign-in set no session cookie", res.body());
        }
        return *session;
    }

    void expand(std::string& s)
    {
        if(s.find('{') == std::string::npos)
            return;
        if(s.find("{CODE}") != std::string::npos)
            fuzz::replace_all(s, "{CODE}", *(code ? code : (code = w.issue_code(false))));
        if(s.find("{PCODE}") != std::string::npos)
            fuzz::replace_all(s, "{PCODE}", *(pcode ? pcode : (pcode = w.issue_code(true))));
        if(s.find("{AT}") != std::string::npos)
            tokens(), fuzz::replace_all(s, "{AT}", *at);
        if(s.find("{RT}") != std::string::npos)
            tokens(), fuzz::replace_all(s, "{RT}", *rt);
        if(s.find("{CSRF}") != std::string::npos)
            fuzz::replace_all(s, "{CSRF}", get_csrf());
        if(s.find("{SESSION}") != std::string::npos)
            fuzz::replace_all(s, "{SESSION}", get_session());
        fuzz::replace_all(s, "{NONCE}", fuzz::csrf_nonce);
        fuzz::replace_all(s, "{VERIFIER}", fuzz::pkce_verifier);
        fuzz::replace_all(s, "{BASIC}", fuzz::b64("seam:seamsecret"));
    }
};

bool is_name_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':';
}

// A small HTML tokenizer: checks every tag and attribute name against what would run code,
// load something or restyle the page if an attacker got it into the markup.
void check_html(std::string const& body, std::string_view input)
{
    static char const* const bad_tags[] = {"script", "iframe", "frame", "frameset", "img", "svg", "math", "object",
                                           "embed", "link", "base", "a", "template", "video", "audio", "source",
                                           "isindex", "textarea", "select", "noscript", "xmp"};
    static char const* const bad_attrs[] = {"src", "href", "style", "formaction", "srcdoc", "http-equiv", "xlink:href",
                                            "action-override", "background", "poster", "data"};
    std::size_t i = 0;
    bool in_style = false;
    while((i = body.find('<', i)) != std::string::npos)
    {
        ++i;
        if(i < body.size() && (body[i] == '!' || body[i] == '/'))
        {
            auto end = body.find('>', i);
            auto name = body.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
            if(body[i] == '/' && fuzz::iequals(name, "style"))
                in_style = false;
            i = end == std::string::npos ? body.size() : end;
            continue;
        }
        FUZZ_CHECK(!in_style, std::string(input) + "\n--- '<' inside the stylesheet:\n" + body);
        std::size_t start = i;
        while(i < body.size() && is_name_char(body[i]))
            ++i;
        std::string tag = body.substr(start, i - start);
        FUZZ_CHECK(!tag.empty(), std::string(input) + "\n--- a bare '<' in the page:\n" + body);
        for(auto bad : bad_tags)
            FUZZ_CHECK(!fuzz::iequals(tag, bad), std::string(input) + "\n--- tag <" + tag + ">:\n" + body);
        if(fuzz::iequals(tag, "style"))
            in_style = true;
        // attributes: name[="value"] ...
        while(i < body.size() && body[i] != '>')
        {
            if(body[i] == ' ' || body[i] == '\n' || body[i] == '\t' || body[i] == '/')
            {
                ++i;
                continue;
            }
            start = i;
            while(i < body.size() && body[i] != '=' && body[i] != ' ' && body[i] != '>')
                ++i;
            std::string attr = body.substr(start, i - start);
            FUZZ_CHECK(!(attr.size() > 2 && fuzz::iequals(attr.substr(0, 2), "on")),
                       std::string(input) + "\n--- attribute " + attr + ":\n" + body);
            for(auto bad : bad_attrs)
                FUZZ_CHECK(!fuzz::iequals(attr, bad), std::string(input) + "\n--- attribute " + attr + ":\n" + body);
            for(char c : attr)
                FUZZ_CHECK(is_name_char(c), std::string(input) + "\n--- odd attribute name " + attr + ":\n" + body);
            if(i < body.size() && body[i] == '=')
            {
                ++i;
                FUZZ_CHECK(i < body.size() && body[i] == '"', std::string(input) + "\n--- unquoted value:\n" + body);
                auto close = body.find('"', i + 1);
                FUZZ_CHECK(close != std::string::npos, body);
                auto value = body.substr(i + 1, close - i - 1);
                FUZZ_CHECK(value.find('<') == std::string::npos && value.find('>') == std::string::npos,
                           std::string(input) + "\n--- raw angle bracket in a value:\n" + body);
                i = close + 1;
            }
        }
    }
}

void check_location(std::string_view location, std::string_view input)
{
    beast_oauth::parsed_redirect_uri p;
    auto why = beast_oauth::parse_redirect_uri(location, p);
    FUZZ_CHECK(why == nullptr, std::string(input) + "\n--- Location: " + std::string(location));
    p.has_query = false;
    p.query.clear();
    bool allowed = false;
    for(auto const& reg : fuzz::seam_registrations())
        allowed = allowed || beast_oauth::redirect_uri_pattern(reg).matches(p);
    allowed = allowed || beast_oauth::redirect_uri_pattern("http://127.0.0.1/callback").matches(p);
    FUZZ_CHECK(allowed, std::string(input) + "\n--- Location: " + std::string(location));
}

void check_response(run& r, http_request const& req, http_response& res, std::string_view input)
{
    auto const status = res.result_int();
    FUZZ_CHECK(status >= 200 && status < 500, std::string(input) + "\n--- status " + std::to_string(status));
    for(auto const& f : res)
    {
        std::string_view bad("\r\n\0", 3);
        FUZZ_CHECK(f.name_string().find_first_of(bad) == std::string_view::npos, input);
        FUZZ_CHECK(f.value().find_first_of(bad) == std::string_view::npos,
                   std::string(input) + "\n--- header " + std::string(f.name_string()) + ": " + std::string(f.value()));
    }
    if(res.count(http::field::location))
        check_location(res[http::field::location], input);
    auto type = res[http::field::content_type];
    if(type.substr(0, 9) == "text/html")
        check_html(res.body(), input);
    else if(type.substr(0, 16) == "application/json" && !res.body().empty()) // RFC 7009 2.2: empty 200
    {
        boost::system::error_code ec;
        auto v = boost::json::parse(res.body(), ec);
        FUZZ_CHECK(!ec && v.is_object(), std::string(input) + "\n--- body " + res.body());
    }
    if(res.count(http::field::content_length) && req.method() != http::verb::head)
        FUZZ_CHECK(res[http::field::content_length] == std::to_string(res.body().size()), input);

    // Single use of codes (RFC 6749 4.1.2).
    if(status == 200 && req.target().substr(0, 12) == "/oauth/token")
    {
        beast_oauth::param_list params;
        beast_oauth::param_error err;
        auto ct = req[http::field::content_type];
        if(ct.find("json") != boost::beast::string_view::npos)
            beast_oauth::parse_json_params(req.body(), params, err);
        else
            beast_oauth::parse_form(req.body(), params, err);
        if(auto c = params.get("code"); c && params.get_or_empty("grant_type") != "refresh_token")
            FUZZ_CHECK(r.redeemed.insert(std::string(*c)).second, std::string(input) + "\n--- code redeemed twice");
    }

    // The message serializes.
    std::ostringstream os;
    os << res;
    FUZZ_CHECK(os.good(), input);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if(size < 1 || size > 128 * 1024)
        return 0;
    fuzz::world_config cfg;
    cfg.jwt_access_tokens = data[0] & 1;
    cfg.jwt_codes = data[0] & 2;
    cfg.strict_profile = data[0] & 4;
    run r(cfg);
    std::string_view input(reinterpret_cast<char const*>(data) + 1, size - 1);
    std::string_view stream = input;

    for(int n = 0; n < 8 && !stream.empty(); ++n)
    {
        http::request_parser<http::string_body> parser;
        parser.body_limit(64 * 1024);
        parser.header_limit(16 * 1024);
        parser.eager(true);
        boost::system::error_code ec;
        std::size_t used = 0;
        while(!parser.is_done())
        {
            auto chunk = stream.substr(used);
            if(chunk.empty())
                break;
            auto k = parser.put(boost::asio::buffer(chunk.data(), chunk.size()), ec);
            if(ec == http::error::need_more)
            {
                // put() wants the whole header at once: nothing more will come.
                ec = {};
                break;
            }
            if(ec)
                break;
            used += k;
            if(k == 0)
                break;
        }
        if(!parser.is_done() && !ec && parser.is_header_done() && parser.need_eof())
        {
            parser.put_eof(ec); // body until end of stream
            used = stream.size();
        }
        if(ec || !parser.is_done())
            break; // the example server answers 400/413/431 and closes
        stream.remove_prefix(used);

        http_request req = parser.release();
        // Expand the placeholders.
        std::string target(req.target());
        r.expand(target);
        req.target(target);
        std::vector<std::pair<std::string, std::string>> fields;
        bool any = false;
        for(auto const& f : req)
        {
            fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
            if(fields.back().second.find('{') != std::string::npos)
                any = true, r.expand(fields.back().second);
        }
        if(any)
        {
            for(auto const& f : fields)
                req.erase(f.first);
            for(auto const& f : fields)
                req.insert(f.first, f.second);
        }
        if(req.body().find('{') != std::string::npos)
        {
            r.expand(req.body());
            if(req.has_content_length())
                req.content_length(req.body().size());
        }
        http_request copy = req;
        auto res = beast_oauth::handle_request(r.w.server, std::move(req));
        static bool const trace = std::getenv("FUZZ_HTTP_TRACE") != nullptr;
        if(trace)
            std::fprintf(stderr, "%s %.*s -> %d %.*s\n", std::string(copy.method_string()).c_str(),
                         static_cast<int>(std::min<std::size_t>(copy.target().size(), 60)), copy.target().data(),
                         res ? res->result_int() : 0, res ? static_cast<int>(std::min<std::size_t>(res->body().size(), 160)) : 0,
                         res ? res->body().data() : "");
        if(res)
            check_response(r, copy, *res, input);
    }
    return 0;
}
