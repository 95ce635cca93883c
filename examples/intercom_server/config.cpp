#include "config.hpp"
#include "page_config.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace intercom {

namespace json = boost::json;

namespace {

[[noreturn]] void bad(std::string const& what)
{
    throw std::runtime_error("config: " + what);
}

std::string get_string(json::object const& o, char const* key, std::string const& where,
                       bool required = false, std::string def = {})
{
    auto it = o.find(key);
    if(it == o.end())
    {
        if(required)
            bad(where + ": \"" + key + "\" is required");
        return def;
    }
    if(!it->value().is_string())
        bad(where + ": \"" + key + "\" must be a string");
    return std::string(it->value().as_string());
}

long long get_int(json::object const& o, char const* key, long long def, long long lo, long long hi)
{
    auto it = o.find(key);
    if(it == o.end())
        return def;
    if(!it->value().is_int64())
        bad(std::string("\"") + key + "\" must be an integer");
    auto v = it->value().as_int64();
    if(v < lo || v > hi)
        bad(std::string("\"") + key + "\" must be between " + std::to_string(lo) + " and " +
            std::to_string(hi));
    return v;
}

std::vector<std::string> get_strings(json::object const& o, char const* key, std::string const& where)
{
    std::vector<std::string> out;
    auto it = o.find(key);
    if(it == o.end())
        return out;
    if(!it->value().is_array())
        bad(where + ": \"" + key + "\" must be an array of strings");
    for(auto const& v : it->value().as_array())
    {
        if(!v.is_string())
            bad(where + ": \"" + key + "\" must be an array of strings");
        out.emplace_back(v.as_string());
    }
    return out;
}

bool get_bool(json::object const& o, char const* key, bool def)
{
    auto it = o.find(key);
    if(it == o.end())
        return def;
    if(!it->value().is_bool())
        bad(std::string("\"") + key + "\" must be true or false");
    return it->value().as_bool();
}

json::array const* get_array(json::object const& o, char const* key)
{
    auto it = o.find(key);
    if(it == o.end())
        return nullptr;
    if(!it->value().is_array())
        bad(std::string("\"") + key + "\" must be an array of objects");
    for(auto const& v : it->value().as_array())
        if(!v.is_object())
            bad(std::string("\"") + key + "\" must be an array of objects");
    return &it->value().as_array();
}

// "intercoms" and "access_codes": every entry names its owner (a user_id); a code's intercom
// must exist and belong to the same owner. Neither key: the demo owner's built-in data.
device_data load_devices(json::object const& o)
{
    auto intercoms = get_array(o, "intercoms");
    auto codes = get_array(o, "access_codes");
    if(!intercoms && !codes)
        return demo_device_data();
    device_data d;
    auto unique = [](auto const& list, std::string const& id) {
        return std::none_of(list.begin(), list.end(), [&](auto const& x) { return x.first == id; });
    };
    std::vector<std::pair<std::string, std::string>> seen; // intercom_id -> owner_id
    for(auto const& v : intercoms ? *intercoms : json::array())
    {
        auto const& e = v.as_object();
        intercom_device dev;
        dev.intercom_id = get_string(e, "intercom_id", "intercom", true);
        auto where = "intercom \"" + dev.intercom_id + "\"";
        dev.owner_id = get_string(e, "owner_id", where, true);
        dev.name = get_string(e, "name", where, false, dev.intercom_id);
        dev.model = get_string(e, "model", where);
        dev.address = get_string(e, "address", where);
        dev.connected = get_bool(e, "connected", true);
        if(!unique(seen, dev.intercom_id))
            bad(where + " is listed twice");
        seen.emplace_back(dev.intercom_id, dev.owner_id);
        d.intercoms.push_back(std::move(dev));
    }
    std::vector<std::pair<std::string, std::string>> code_ids;
    for(auto const& v : codes ? *codes : json::array())
    {
        auto const& e = v.as_object();
        access_code c;
        c.access_code_id = get_string(e, "access_code_id", "access code", true);
        auto where = "access code \"" + c.access_code_id + "\"";
        c.intercom_id = get_string(e, "intercom_id", where, true);
        c.owner_id = get_string(e, "owner_id", where, true);
        c.code = get_string(e, "code", where, true);
        c.name = get_string(e, "name", where);
        c.removable = get_bool(e, "removable", true);
        auto dev = std::find_if(seen.begin(), seen.end(), [&](auto const& x) { return x.first == c.intercom_id; });
        if(dev == seen.end() || dev->second != c.owner_id)
            bad(where + ": \"intercom_id\" must name an intercom of the same owner_id");
        if(!unique(code_ids, c.access_code_id))
            bad(where + " is listed twice");
        code_ids.emplace_back(c.access_code_id, c.owner_id);
        d.access_codes.push_back(std::move(c));
    }
    return d;
}

} // namespace

void parse_host_port(std::string const& text, std::string& host_out, unsigned short& port_out)
{
    auto colon = text.rfind(':');
    if(colon == std::string::npos || colon == 0 || colon + 1 == text.size())
        throw std::invalid_argument("listen must be HOST:PORT, got \"" + text + "\"");
    auto host = text.substr(0, colon);
    if(host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    unsigned long port = 0;
    for(char c : text.substr(colon + 1))
    {
        if(c < '0' || c > '9' || port > 65535)
            throw std::invalid_argument("listen port must be a number, got \"" + text + "\"");
        port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if(port > 65535)
        throw std::invalid_argument("listen port out of range: \"" + text + "\"");
    host_out = host;
    port_out = static_cast<unsigned short>(port);
}

void parse_listen(std::string const& text, server_config& cfg)
{
    parse_host_port(text, cfg.listen_host, cfg.listen_port);
}

void check_metrics_settings(server_config const& cfg)
{
    if(!cfg.metrics_listen.empty())
    {
        std::string host;
        unsigned short port = 0;
        try
        {
            parse_host_port(cfg.metrics_listen, host, port);
        }
        catch(std::invalid_argument const& e)
        {
            bad(std::string("metrics_listen: ") + e.what());
        }
    }
    // The counters tell an outsider how many owners connect and how often sign-ins fail:
    // on the public listener only behind a real secret.
    if(cfg.metrics_on_public_listener && cfg.metrics_token.size() < 16)
        bad("\"metrics_on_public_listener\" needs a \"metrics_token\" of at least 16 characters");
    if(!cfg.metrics_on_public_listener && !cfg.metrics_token.empty())
        bad("\"metrics_token\" is set but \"metrics_on_public_listener\" is not true");
}

server_config load_config(std::string const& path)
{
    std::ifstream in(path);
    if(!in)
        bad("cannot open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto root = json::parse(ss.str(), ec);
    if(ec)
        bad(path + " is not valid JSON: " + ec.message());
    if(!root.is_object())
        bad(path + " must hold a JSON object");
    auto const& o = root.as_object();

    server_config cfg;
    cfg.demo = o.contains("demo") && o.at("demo").is_bool() && o.at("demo").as_bool();
    cfg.access_log = !(o.contains("access_log") && o.at("access_log").is_bool() && !o.at("access_log").as_bool());
    cfg.audit_log = !(o.contains("audit_log") && o.at("audit_log").is_bool() && !o.at("audit_log").as_bool());
    parse_listen(get_string(o, "listen", "top level", false, "127.0.0.1:8080"), cfg);
    cfg.metrics_listen = get_string(o, "metrics_listen", "top level");
    cfg.metrics_on_public_listener = get_bool(o, "metrics_on_public_listener", false);
    cfg.metrics_token = get_string(o, "metrics_token", "top level");
    cfg.oauth.issuer = get_string(o, "issuer", "top level"); // empty: derived from the bound port
    auto profile = get_string(o, "profile", "top level", false, "seam");
    if(profile == "seam")
        cfg.oauth.profile = beast_oauth::profile::seam;
    else if(profile == "strict")
        cfg.oauth.profile = beast_oauth::profile::strict;
    else
        bad("\"profile\" must be \"seam\" or \"strict\"");
    // Pushed authorization requests (RFC 9126) at /oauth/par: on by default with the strict
    // profile, off with seam (Seam pushes no requests); required for every client, or per client.
    if(get_bool(o, "pushed_authorization_requests", profile == "strict"))
        cfg.oauth.par_path = "/oauth/par";
    cfg.oauth.par_ttl = std::chrono::seconds(get_int(o, "par_ttl", 60, 1, 600));
    cfg.oauth.require_pushed_authorization_requests = get_bool(o, "require_pushed_authorization_requests", false);
    if(cfg.oauth.require_pushed_authorization_requests && cfg.oauth.par_path.empty())
        bad("\"require_pushed_authorization_requests\" needs \"pushed_authorization_requests\": true");
    cfg.oauth.access_token_ttl = std::chrono::seconds(get_int(o, "access_token_ttl", 3600, 1, 86400 * 30));
    cfg.oauth.code_ttl = std::chrono::seconds(get_int(o, "code_ttl", 60, 1, 600));
    cfg.oauth.session_ttl = std::chrono::seconds(get_int(o, "session_ttl", 3600, 0, 86400 * 30));
    auto format = [&](char const* key) {
        auto v = get_string(o, key, "top level", false, "opaque");
        if(v == "opaque")
            return beast_oauth::token_format::opaque;
        if(v == "jwt")
            return beast_oauth::token_format::jwt;
        bad(std::string("\"") + key + "\" must be \"opaque\" or \"jwt\"");
    };
    cfg.oauth.access_token_format = format("token_format");
    cfg.oauth.code_format = format("code_format");
    cfg.uses_jwt = cfg.oauth.access_token_format == beast_oauth::token_format::jwt ||
                   cfg.oauth.code_format == beast_oauth::token_format::jwt;
    auto rotation = get_string(o, "refresh_rotation", "top level", false, "none");
    if(rotation == "none")
        cfg.oauth.rotation = beast_oauth::refresh_rotation::none;
    else if(rotation == "rotate")
        cfg.oauth.rotation = beast_oauth::refresh_rotation::rotate;
    else
        bad("\"refresh_rotation\" must be \"none\" or \"rotate\"");
    cfg.oauth.refresh_grace = std::chrono::seconds(get_int(o, "refresh_grace_seconds", 60, 0, 3600));
    // DPoP (RFC 9449): unset follows the profile (strict: on, seam: off).
    if(o.contains("dpop"))
        cfg.oauth.dpop.enabled = get_bool(o, "dpop", false);
    cfg.oauth.dpop.require_nonce = get_bool(o, "dpop_require_nonce", false);
    cfg.oauth.refresh_token_ttl = std::chrono::seconds(get_int(o, "refresh_token_ttl", 0, 0, 86400LL * 3650));
    cfg.signing_key_file = get_string(o, "signing_key_file", "top level");
    auto alg = get_string(o, "signing_alg", "top level", false, "EdDSA");
    if(alg == "EdDSA")
        cfg.signing_alg = beast_oauth::jws_alg::eddsa;
    else if(alg == "ES256")
        cfg.signing_alg = beast_oauth::jws_alg::es256;
    else
        bad("\"signing_alg\" must be \"EdDSA\" or \"ES256\" (HS256 keys are not published)");
    cfg.oauth.secret_key = get_string(o, "secret_key", "top level");
    if(!cfg.oauth.secret_key.empty() && cfg.oauth.secret_key.size() < 32)
        bad("\"secret_key\" must be at least 32 characters");
    cfg.store = get_string(o, "store", "top level", false, "memory");
    cfg.postgres_async = get_bool(o, "postgres_async", false);
    cfg.replay_window = std::chrono::seconds(get_int(o, "replay_window_seconds", 600, 60, 86400));
    cfg.threads = static_cast<unsigned>(get_int(o, "threads", 2, 1, 256));
    cfg.password_hash_iterations =
        static_cast<unsigned>(get_int(o, "password_hash_iterations", beast_oauth::default_password_iterations, 1, 10000000));
    cfg.api_base_path = get_string(o, "api_base_path", "top level");
    if(!cfg.api_base_path.empty() && (cfg.api_base_path.front() != '/' || cfg.api_base_path.back() == '/'))
        bad("\"api_base_path\" must start with '/' and not end with '/'");

    auto clients = o.find("clients");
    if(clients == o.end() || !clients->value().is_array() || clients->value().as_array().empty())
        bad("\"clients\" must be a non-empty array");
    for(auto const& v : clients->value().as_array())
    {
        if(!v.is_object())
            bad("each client must be an object");
        auto const& c = v.as_object();
        beast_oauth::client cl;
        cl.client_id = get_string(c, "client_id", "client", true);
        auto where = "client \"" + cl.client_id + "\"";
        cl.name = get_string(c, "name", where, false, cl.client_id);
        auto secret = get_string(c, "client_secret", where);
        auto secret_hash = get_string(c, "client_secret_hash", where);
        if(!secret.empty() && !secret_hash.empty())
            bad(where + ": give client_secret or client_secret_hash, not both");
        // A plain secret in the file is hashed now and forgotten.
        if(!secret.empty() && beast_oauth::is_weak_client_secret(secret))
            cfg.weak_secret_clients.push_back(cl.client_id);
        cl.secret_hash = !secret_hash.empty() ? secret_hash
                         : secret.empty()     ? std::string()
                                              : beast_oauth::hash_client_secret(secret);
        auto uris = get_strings(c, "redirect_uris", where);
        if(uris.empty())
            bad(where + ": \"redirect_uris\" must list at least one URI");
        for(auto const& u : uris)
        {
            try
            {
                cl.redirect_uris.emplace_back(u);
            }
            catch(std::invalid_argument const& e)
            {
                bad(where + ": " + e.what());
            }
        }
        cl.allowed_scopes = get_strings(c, "scopes", where);
        cl.default_scope = get_string(c, "default_scope", where);
        cl.require_pkce = c.contains("require_pkce") && c.at("require_pkce").is_bool() &&
                          c.at("require_pkce").as_bool();
        cl.require_pushed_authorization_requests = get_bool(c, "require_pushed_authorization_requests", false);
        cfg.clients.push_back(std::move(cl));
    }

    for(auto const& entry : get_strings(o, "trusted_proxies", "top level"))
        if(!cfg.trusted_proxies.add(entry))
            bad("\"trusted_proxies\": \"" + entry + "\" is not an IP address or a CIDR network");
    cfg.max_connections_per_address =
        static_cast<unsigned>(get_int(o, "max_connections_per_address", 64, 1, 1000000));
    cfg.devices = load_devices(o);
    load_sign_in_page(o, cfg.oauth.sign_in);

    if(auto users = o.find("users"); users != o.end())
    {
        if(!users->value().is_array())
            bad("\"users\" must be an array");
        for(auto const& v : users->value().as_array())
        {
            if(!v.is_object())
                bad("each user must be an object");
            auto const& u = v.as_object();
            user_config uc;
            uc.email = get_string(u, "email", "user", true);
            auto where = "user \"" + uc.email + "\"";
            uc.identity.subject = get_string(u, "user_id", where, true);
            uc.identity.display_name = get_string(u, "name", where, false, uc.email);
            auto password = get_string(u, "password", where);
            auto hash = get_string(u, "password_hash", where);
            if(password.empty() == hash.empty())
                bad(where + ": give exactly one of password or password_hash");
            uc.password_hash = hash.empty()
                                   ? beast_oauth::hash_password(password, cfg.password_hash_iterations)
                                   : hash;
            cfg.users.push_back(std::move(uc));
        }
    }
    return cfg;
}

} // namespace intercom
