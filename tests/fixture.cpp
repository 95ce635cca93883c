#include "fixture.hpp"

#include <beast_oauth/detail/crypto.hpp>
#include <openssl/evp.h>
#include <regex>

namespace test {

std::string base64(std::string_view in)
{
    std::string out(4 * ((in.size() + 2) / 3), '\0');
    auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<unsigned char const*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string pct(std::string_view s)
{
    return boost::urls::encode(boost::urls::string_view(s.data(), s.size()), boost::urls::unreserved_chars);
}

std::string form(std::initializer_list<std::pair<std::string, std::string>> params)
{
    std::string out;
    for(auto const& p : params)
        out += (out.empty() ? "" : "&") + pct(p.first) + "=" + pct(p.second);
    return out;
}

std::map<std::string, std::string> query_of(std::string_view url)
{
    std::map<std::string, std::string> out;
    auto q = url.find('?');
    auto query = q == std::string_view::npos ? url : url.substr(q + 1);
    std::string const copy(query); // Boost.URL 1.81 parse_query needs a NUL-terminated buffer
    auto rv = boost::urls::parse_query(copy);
    if(!rv)
        return out;
    for(auto p : *rv)
        out[p.key.decode()] = p.has_value ? p.value.decode(boost::urls::encoding_opts(true)) : "";
    return out;
}

namespace {
std::string html_unescape(std::string s)
{
    std::pair<char const*, char const*> const table[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
    for(auto [from, to] : table)
    {
        std::string f = from;
        for(std::size_t pos = 0; (pos = s.find(f, pos)) != std::string::npos; pos += std::strlen(to))
            s.replace(pos, f.size(), to);
    }
    return s;
}
} // namespace

std::map<std::string, std::string> hidden_fields(std::string const& html)
{
    std::map<std::string, std::string> out;
    std::regex re(R"re(<input type="hidden" name="([^"]*)" value="([^"]*)">)re");
    for(std::sregex_iterator it(html.begin(), html.end(), re), end; it != end; ++it)
        out[html_unescape((*it)[1])] = html_unescape((*it)[2]);
    return out;
}

std::string cookie_from(http_response const& res, std::string const& name)
{
    for(auto const& f : res)
    {
        if(f.name() != http::field::set_cookie)
            continue;
        std::string v(f.value());
        if(v.rfind(name + "=", 0) == 0)
            return v.substr(0, v.find(';'));
    }
    return {};
}

beast_oauth::server_options fixture::make_options(beast_oauth::profile profile,
                                                  std::function<void(beast_oauth::server_options&)> const& tweak,
                                                  fixture* self)
{
    beast_oauth::server_options o;
    o.issuer = "https://intercom.example.test";
    o.profile = profile;
    o.clock = [self] { return self->now(); };
    o.secret_key = std::string(32, 'k');
    if(tweak)
        tweak(o);
    return o;
}

fixture::fixture(beast_oauth::profile profile, std::function<void(beast_oauth::server_options&)> tweak)
    : server(make_options(profile, tweak, this), store, store, store, users)
{
    beast_oauth::client seam;
    seam.client_id = "seam";
    seam.name = "Seam";
    seam.secret_hash = beast_oauth::hash_password("seamsecret", 1000); // weak test secrets: cheap PBKDF2
    for(auto uri : {"https://*.integrations.getseam.com/*", "https://connect.getseam.com/oauth/callback",
                    "https://staging.connect.getseam.com/oauth/callback", "http://localhost:3020/oauth/callback"})
        seam.redirect_uris.emplace_back(uri);
    store.add_client(seam);

    beast_oauth::client single;
    single.client_id = "single";
    single.name = "Single <URI> & Co";
    single.secret_hash = beast_oauth::hash_password("singlesecret", 1000);
    single.redirect_uris.emplace_back("https://app.example.test/cb?tenant=7");
    single.allowed_scopes = {"intercoms.read", "intercoms.write"};
    single.default_scope = "intercoms.read";
    store.add_client(single);

    beast_oauth::client native;
    native.client_id = "native";
    native.name = "Native app";
    native.redirect_uris.emplace_back("http://127.0.0.1/callback");
    store.add_client(native);

    beast_oauth::client limited;
    limited.client_id = "limited";
    limited.secret_hash = beast_oauth::hash_password("limitedsecret", 1000);
    limited.redirect_uris.emplace_back("https://limited.example.test/cb");
    limited.grant_types = {"client_credentials"};
    limited.allowed_scopes = {"intercoms.read"};
    store.add_client(limited);

    users.add_user(owner_email, beast_oauth::hash_password(owner_password, 1000),
                   beast_oauth::user_identity{owner_subject, "Owner <b>One</b>"});
}

http_response fixture::get(std::string const& target, std::string const& cookie)
{
    http_request req{http::verb::get, target, 11};
    if(!cookie.empty())
        req.set(http::field::cookie, cookie);
    auto res = beast_oauth::handle_request(server, std::move(req), beast_oauth::request_context{address});
    return res ? std::move(*res) : http_response{http::status::not_found, 11};
}

http_response fixture::post(std::string const& target, std::string const& content_type,
                            std::string const& body, std::string const& authorization)
{
    http_request req{http::verb::post, target, 11};
    req.set(http::field::content_type, content_type);
    if(!authorization.empty())
        req.set(http::field::authorization, authorization);
    req.body() = body;
    req.prepare_payload();
    auto res = beast_oauth::handle_request(server, std::move(req), beast_oauth::request_context{address});
    return res ? std::move(*res) : http_response{http::status::not_found, 11};
}

http_response fixture::post_form(std::string const& target, std::string const& body,
                                 std::string const& cookie, std::string const& authorization)
{
    http_request req{http::verb::post, target, 11};
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    if(!cookie.empty())
        req.set(http::field::cookie, cookie);
    if(!authorization.empty())
        req.set(http::field::authorization, authorization);
    req.body() = body;
    req.prepare_payload();
    auto res = beast_oauth::handle_request(server, std::move(req), beast_oauth::request_context{address});
    return res ? std::move(*res) : http_response{http::status::not_found, 11};
}

std::string fixture::authorize_query(std::string const& extra)
{
    std::string q = "/authorize?response_type=code&client_id=seam&redirect_uri=" +
                    std::string("https%3A%2F%2Fconnect.getseam.com%2Foauth%2Fcallback");
    if(!extra.empty())
        q += "&" + extra;
    return q;
}

http_response fixture::sign_in(std::string const& authorize_target, std::string const& email,
                               std::string const& password)
{
    auto page = get(authorize_target);
    if(page.result_int() != 200)
        return page;
    auto fields = hidden_fields(page.body());
    auto cookie = cookie_from(page, "__Host-boa_csrf");
    std::string body = form({{"username", email}, {"password", password}, {"action", "sign_in"}});
    for(auto const& [k, v] : fields)
        body += "&" + form({{k, v}});
    return post_form("/authorize", body, cookie);
}

std::string fixture::obtain_code(std::string const& authorize_target)
{
    auto res = sign_in(authorize_target);
    if(res.result_int() != 303)
        return {};
    return query_of(std::string(res[http::field::location]))["code"];
}

http_response fixture::exchange(std::string const& code, std::string const& extra)
{
    auto body = form({{"grant_type", "authorization_code"},
                      {"code", code},
                      {"redirect_uri", seam_callback},
                      {"client_id", "seam"},
                      {"client_secret", "seamsecret"}});
    if(!extra.empty())
        body += "&" + extra;
    return post_form("/oauth/token", body);
}

} // namespace test
