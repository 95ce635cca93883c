// Fuzz target: the Authorization header, as Bearer (validate_bearer, RFC 6750 2.1) and as
// Basic client authentication at the token endpoint (handle_request, RFC 6749 2.3.1).
//
// Input: the header value. "{AT}" is replaced by a valid access token of the server being
// tried (opaque, or a JWT for the JWT-configured server), "{BASIC}" by base64("seam:seamsecret").
//
// Invariants:
// - validate_bearer accepts only "Bearer" (any case) + spaces + exactly the issued token;
//   failures carry an RFC 6750 error and a description, and make_bearer_error answers
//   400/401/403 without CR/LF in its headers;
// - the token endpoint (with a bogus code) authenticates the client, i.e. gets as far as
//   invalid_grant, only when the header is "Basic" + base64 of form-encoded "seam:seamsecret"
//   (checked with an independent decoder); invalid_client is always 401 with a Basic challenge;
//   every answer is JSON with an "error" member; nothing throws.
#include "common.hpp"

#include <boost/json.hpp>

namespace {

namespace http = boost::beast::http;

struct tokens_world
{
    fuzz::world w;
    std::string access_token;

    explicit tokens_world(fuzz::world_config cfg)
        : w(cfg)
    {
        auto code = w.issue_code(false);
        beast_oauth::http_request req{http::verb::post, "/oauth/token", 11};
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = "grant_type=authorization_code&code=" + fuzz::pct(code) +
                     "&redirect_uri=" + fuzz::pct(fuzz::seam_callback) +
                     "&client_id=seam&client_secret=seamsecret";
        req.prepare_payload();
        auto res = beast_oauth::handle_request(w.server, std::move(req));
        if(!res || res->result_int() != 200)
            fuzz::fail("setup: code exchange failed", res ? res->body() : "no response");
        access_token = std::string(boost::json::parse(res->body()).as_object().at("access_token").as_string());
        if(!w.server.validate_bearer("Bearer " + access_token).ok())
            fuzz::fail("setup: the issued token does not validate", access_token);
    }
};

int b64val(char c)
{
    if(c >= 'A' && c <= 'Z') return c - 'A';
    if(c >= 'a' && c <= 'z') return c - 'a' + 26;
    if(c >= '0' && c <= '9') return c - '0' + 52;
    if(c == '+') return 62;
    if(c == '/') return 63;
    return -1;
}

// Lenient reference decoder: standard alphabet, optional '=' padding, leftover bits ignored.
bool reference_b64(std::string_view in, std::string& out)
{
    while(!in.empty() && in.back() == '=')
        in.remove_suffix(1);
    out.clear();
    unsigned acc = 0;
    int bits = 0;
    for(char c : in)
    {
        int v = b64val(c);
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
    return true;
}

int hexval(char c)
{
    if(c >= '0' && c <= '9') return c - '0';
    if(c >= 'a' && c <= 'f') return c - 'a' + 10;
    if(c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool form_decode(std::string_view in, std::string& out)
{
    out.clear();
    for(std::size_t i = 0; i < in.size(); ++i)
    {
        if(in[i] == '+')
            out += ' ';
        else if(in[i] == '%')
        {
            if(i + 2 >= in.size() || hexval(in[i + 1]) < 0 || hexval(in[i + 2]) < 0)
                return false;
            out += static_cast<char>(hexval(in[i + 1]) * 16 + hexval(in[i + 2]));
            i += 2;
        }
        else
            out += in[i];
    }
    return true;
}

// "Scheme" SP+ credentials, split by hand.
bool split_header(std::string_view v, std::string_view& scheme, std::string_view& creds)
{
    auto sp = v.find(' ');
    if(sp == std::string_view::npos)
        return false;
    scheme = v.substr(0, sp);
    creds = v.substr(sp);
    while(!creds.empty() && creds.front() == ' ')
        creds.remove_prefix(1);
    return true;
}

bool no_crlf(http::fields const& f)
{
    for(auto const& h : f)
        if(h.value().find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
            return false;
    return true;
}

void check_bearer(tokens_world const& tw, std::string_view value, std::string_view input)
{
    auto r = tw.w.server.validate_bearer(value);
    if(r.ok())
    {
        std::string_view scheme, creds;
        FUZZ_CHECK(split_header(value, scheme, creds), input);
        FUZZ_CHECK(fuzz::iequals(scheme, "Bearer"), input);
        FUZZ_CHECK(creds == tw.access_token, input);
        FUZZ_CHECK(r.token->subject == fuzz::owner_subject && r.token->client_id == "seam", input);
        return;
    }
    using beast_oauth::error;
    FUZZ_CHECK(r.err == error::invalid_request || r.err == error::invalid_token ||
                   r.err == error::insufficient_scope,
               input);
    FUZZ_CHECK(!r.description.empty(), input);
    if(value.empty())
        FUZZ_CHECK(!r.credentials_present, input);
    beast_oauth::http_request req{http::verb::get, "/intercoms", 11};
    auto res = tw.w.server.make_bearer_error(r, req);
    auto status = res.result_int();
    FUZZ_CHECK(status == 400 || status == 401 || status == 403, input);
    FUZZ_CHECK(no_crlf(res), input);
    if(status == 401)
        FUZZ_CHECK(res.count(http::field::www_authenticate) == 1, input);
}

void check_token_endpoint(tokens_world const& tw, std::string value, std::string_view input)
{
    beast_oauth::http_request req{http::verb::post, "/oauth/token", 11};
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.set(http::field::authorization, value);
    req.body() = "grant_type=authorization_code&code=not-a-real-code&redirect_uri=" + fuzz::pct(fuzz::seam_callback);
    req.prepare_payload();
    value = req[http::field::authorization]; // as the library will read it
    auto res = beast_oauth::handle_request(tw.w.server, std::move(req));
    FUZZ_CHECK(res.has_value(), input);
    auto status = res->result_int();
    FUZZ_CHECK(status == 400 || status == 401, input);
    FUZZ_CHECK(no_crlf(*res), input);
    boost::system::error_code ec;
    auto body = boost::json::parse(res->body(), ec);
    FUZZ_CHECK(!ec && body.is_object() && body.as_object().contains("error"), input);
    auto const error = std::string(body.as_object().at("error").as_string());
    if(error == "invalid_client")
    {
        FUZZ_CHECK(status == 401, input);
        FUZZ_CHECK(res->count(http::field::www_authenticate) == 1, input);
    }
    if(error == "invalid_grant" || (value.empty() ? false : error != "invalid_client"))
    {
        // The client got past authentication (or past the scheme check): the header must hold
        // the right credentials, as an independent decoder reads them.
        std::string_view scheme, creds;
        std::string decoded, id, secret;
        FUZZ_CHECK(split_header(value, scheme, creds), input);
        FUZZ_CHECK(fuzz::iequals(scheme, "Basic"), input);
        FUZZ_CHECK(reference_b64(creds, decoded), input);
        auto colon = decoded.find(':');
        FUZZ_CHECK(colon != std::string::npos, input);
        FUZZ_CHECK(form_decode(std::string_view(decoded).substr(0, colon), id), input);
        FUZZ_CHECK(form_decode(std::string_view(decoded).substr(colon + 1), secret), input);
        // client seam with its secret, or the public client "native" identifying itself without one
        FUZZ_CHECK((id == "seam" && secret == "seamsecret") || (id == "native" && secret.empty()),
                   std::string(input) + " -> " + decoded);
        FUZZ_CHECK(error == "invalid_grant", input);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    static tokens_world const opaque(fuzz::world_config{});
    static tokens_world const jwt(fuzz::world_config{true, false, false});
    static bool checked = [] {
        // Sanity: the oracles' positive cases hold.
        std::string basic = "Basic " + fuzz::b64("seam:seamsecret");
        beast_oauth::http_request req{http::verb::post, "/oauth/token", 11};
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.set(http::field::authorization, basic);
        req.body() = "grant_type=authorization_code&code=x";
        req.prepare_payload();
        auto res = beast_oauth::handle_request(opaque.w.server, std::move(req));
        if(!res || res->body().find("invalid_grant") == std::string::npos)
            fuzz::fail("setup: Basic authentication with the right secret is refused", res ? res->body() : "");
        return true;
    }();
    (void)checked;
    if(size > 16 * 1024)
        return 0;
    std::string_view input(reinterpret_cast<char const*>(data), size);
    for(auto const* tw : {&opaque, &jwt})
    {
        std::string value(input);
        fuzz::replace_all(value, "{AT}", tw->access_token);
        fuzz::replace_all(value, "{BASIC}", fuzz::b64("seam:seamsecret"));
        check_bearer(*tw, value, input);
        if(tw == &opaque)
            check_token_endpoint(*tw, value, input);
    }
    return 0;
}
