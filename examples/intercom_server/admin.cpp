#include "admin.hpp"

#include <algorithm>
#include <beast_oauth/beast_oauth.hpp>
#include <map>
#include <stdexcept>

#ifdef INTERCOM_WITH_SQLITE
#include <beast_oauth/sqlite_store.hpp>
#endif
#ifdef INTERCOM_WITH_POSTGRES
#include <beast_oauth/postgres_store.hpp>
#endif

namespace intercom {

namespace {

struct usage_error : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

constexpr char const* usage_text =
    "usage: intercom_server admin add-client --store sqlite:PATH|postgres:CONNINFO --client-id ID --name NAME\n"
    "                                        --redirect-uri URI [URI...] [--scope SCOPE]...\n"
    "       intercom_server admin list-clients --store sqlite:PATH|postgres:CONNINFO\n"
    "       intercom_server admin rotate-secret --store sqlite:PATH|postgres:CONNINFO --client-id ID\n";

// --flag VALUE [VALUE...]: every value up to the next --flag.
std::map<std::string, std::vector<std::string>> parse_flags(std::vector<std::string> const& args, std::size_t from)
{
    std::map<std::string, std::vector<std::string>> flags;
    std::vector<std::string>* current = nullptr;
    for(auto i = from; i < args.size(); ++i)
    {
        if(args[i].rfind("--", 0) == 0)
        {
            current = &flags[args[i]];
            continue;
        }
        if(!current)
            throw usage_error("unexpected argument \"" + args[i] + "\"");
        current->push_back(args[i]);
    }
    for(auto const& [flag, values] : flags)
        if(values.empty())
            throw usage_error(flag + " needs a value");
    return flags;
}

std::string single(std::map<std::string, std::vector<std::string>> const& flags, std::string const& name)
{
    auto it = flags.find(name);
    if(it == flags.end())
        throw usage_error(name + " is required");
    if(it->second.size() != 1)
        throw usage_error(name + " takes one value");
    return it->second.front();
}

void check_known(std::map<std::string, std::vector<std::string>> const& flags,
                 std::initializer_list<char const*> known)
{
    for(auto const& [flag, values] : flags)
        if(std::find_if(known.begin(), known.end(), [&](char const* k) { return flag == k; }) == known.end())
            throw usage_error("unknown option " + flag);
}

void print_secret(std::ostream& out, std::string const& client_id, std::string const& secret)
{
    out << "client_id:     " << client_id << "\n"
        << "client_secret: " << secret << "\n"
        << "Give the secret to the client now (e.g. in Seam's integration settings): it is shown only\n"
           "this once and the store keeps only its hash.\n";
}

template<class Store>
int run(Store& store, std::string const& command, std::map<std::string, std::vector<std::string>> const& flags,
        std::ostream& out)
{
    if(command == "add-client")
    {
        check_known(flags, {"--store", "--client-id", "--name", "--redirect-uri", "--scope"});
        beast_oauth::client c;
        c.client_id = single(flags, "--client-id");
        c.name = single(flags, "--name");
        auto uris = flags.find("--redirect-uri");
        if(uris == flags.end())
            throw usage_error("--redirect-uri is required (one or more)");
        for(auto const& u : uris->second)
        {
            try
            {
                c.redirect_uris.emplace_back(u);
            }
            catch(std::invalid_argument const& e)
            {
                throw usage_error("--redirect-uri " + u + ": " + e.what());
            }
        }
        if(auto scopes = flags.find("--scope"); scopes != flags.end())
            for(auto const& s : scopes->second)
            {
                std::vector<std::string> tokens;
                if(!beast_oauth::parse_scope(s, tokens))
                    throw usage_error("--scope \"" + s + "\" is not a valid scope");
                c.allowed_scopes.insert(c.allowed_scopes.end(), tokens.begin(), tokens.end());
            }
        if(store.find_client(c.client_id))
            throw std::runtime_error("client \"" + c.client_id + "\" exists; use rotate-secret for a new secret");
        auto secret = beast_oauth::generate_client_secret();
        c.secret_hash = beast_oauth::hash_client_secret(secret);
        store.add_client(c);
        print_secret(out, c.client_id, secret);
        return 0;
    }
    if(command == "list-clients")
    {
        check_known(flags, {"--store"});
        for(auto const& id : store.client_ids())
        {
            auto c = store.find_client(id);
            if(!c)
                continue; // removed meanwhile
            out << c->client_id << "\tname=" << c->name << "\t" << (c->is_public() ? "public" : "confidential")
                << "\tredirect_uris=";
            for(std::size_t i = 0; i < c->redirect_uris.size(); ++i)
                out << (i ? "," : "") << c->redirect_uris[i].text();
            if(!c->allowed_scopes.empty())
            {
                out << "\tscopes=";
                for(std::size_t i = 0; i < c->allowed_scopes.size(); ++i)
                    out << (i ? " " : "") << c->allowed_scopes[i];
            }
            out << "\n";
        }
        return 0;
    }
    if(command == "rotate-secret")
    {
        check_known(flags, {"--store", "--client-id"});
        auto id = single(flags, "--client-id");
        auto existing = store.find_client(id);
        if(!existing)
            throw std::runtime_error("no client \"" + id + "\"");
        auto c = *existing;
        auto secret = beast_oauth::generate_client_secret();
        c.secret_hash = beast_oauth::hash_client_secret(secret);
        store.add_client(c);
        print_secret(out, c.client_id, secret);
        out << "The old secret no longer works (a running server notices within its client cache time, 60 s).\n";
        return 0;
    }
    throw usage_error("unknown admin command \"" + command + "\"");
}

} // namespace

int run_admin(std::vector<std::string> const& args, std::ostream& out, std::ostream& err)
{
    try
    {
        if(args.empty() || args[0] == "--help" || args[0] == "-h")
        {
            (args.empty() ? err : out) << usage_text;
            return args.empty() ? 2 : 0;
        }
        auto flags = parse_flags(args, 1);
        auto spec = single(flags, "--store");
        if(spec.rfind("sqlite:", 0) == 0 && spec.size() > 7)
        {
#ifdef INTERCOM_WITH_SQLITE
            beast_oauth::sqlite_store store(spec.substr(7));
            return run(store, args[0], flags, out);
#else
            throw std::runtime_error("this build has no SQLite store");
#endif
        }
        if(spec.rfind("postgres:", 0) == 0 && spec.size() > 9)
        {
#ifdef INTERCOM_WITH_POSTGRES
            beast_oauth::postgres_store store(spec.substr(9));
            return run(store, args[0], flags, out);
#else
            throw std::runtime_error("this build has no PostgreSQL store");
#endif
        }
        throw usage_error("--store must be sqlite:PATH or postgres:CONNINFO (the in-memory store keeps nothing)");
    }
    catch(usage_error const& e)
    {
        err << "error: " << e.what() << "\n" << usage_text;
        return 2;
    }
    catch(std::exception const& e)
    {
        err << "error: " << e.what() << "\n";
        return 1;
    }
}

} // namespace intercom
