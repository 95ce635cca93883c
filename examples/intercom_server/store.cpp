#include "store.hpp"

#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/key_file.hpp>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#ifdef INTERCOM_WITH_SQLITE
#include <beast_oauth/sqlite_store.hpp>
#endif
#ifdef INTERCOM_WITH_POSTGRES
#include <beast_oauth/postgres_store.hpp>
#include <beast_oauth/postgres_async_store.hpp>
#endif

namespace intercom {

namespace {

template<class Store>
store_set view_of(std::shared_ptr<Store> store)
{
    store_set s;
    s.clients = store.get();
    s.codes = store.get();
    s.tokens = store.get();
    s.grants = store.get();
    s.add_client = [p = store.get()](beast_oauth::client const& c) { p->add_client(c); };
    s.owner = std::move(store);
    return s;
}

} // namespace

store_set open_store(std::string const& spec, std::chrono::seconds replay_window)
{
    if(spec == "memory")
    {
        auto store = std::make_shared<beast_oauth::memory_store>();
        store->replay_window = replay_window;
        auto s = view_of(std::move(store));
        s.description = "memory";
        return s;
    }
    if(spec.rfind("sqlite:", 0) == 0)
    {
#ifdef INTERCOM_WITH_SQLITE
        auto path = spec.substr(7);
        if(path.empty())
            throw std::runtime_error("store: \"sqlite:\" needs a file path, e.g. sqlite:data/intercom.db");
        auto dir = std::filesystem::path(path).parent_path();
        if(!dir.empty())
            std::filesystem::create_directories(dir);
        beast_oauth::sqlite_store_options options;
        options.replay_window = replay_window;
        auto s = view_of(std::make_shared<beast_oauth::sqlite_store>(path, options));
        s.description = "sqlite " + path;
        s.durable = true;
        s.path = path;
        return s;
#else
        throw std::runtime_error("store: this build has no SQLite store (configure with BEAST_OAUTH_WITH_SQLITE=ON)");
#endif
    }
    if(spec.rfind("postgres:", 0) == 0)
    {
#ifdef INTERCOM_WITH_POSTGRES
        beast_oauth::postgres_store_options options;
        options.replay_window = replay_window;
        auto s = view_of(std::make_shared<beast_oauth::postgres_store>(spec.substr(9), options));
        s.description = "postgres (shared; conninfo not shown: it may hold a password)";
        s.durable = true;
        s.shared = true;
        return s;
#else
        throw std::runtime_error("store: this build has no PostgreSQL store (configure with BEAST_OAUTH_WITH_POSTGRES=ON)");
#endif
    }
    throw std::runtime_error("store must be \"memory\", \"sqlite:PATH\" or \"postgres:CONNINFO\", got \"" + spec + "\"");
}

void open_async_store(store_set& stores, std::string const& spec, std::chrono::seconds replay_window,
                      boost::asio::any_io_executor ex)
{
#ifdef INTERCOM_WITH_POSTGRES
    if(spec.rfind("postgres:", 0) != 0)
        throw std::runtime_error("config: \"postgres_async\" needs a postgres store");
    beast_oauth::postgres_store_options options;
    options.replay_window = replay_window;
    auto store = std::make_shared<beast_oauth::postgres_async_store>(std::move(ex), spec.substr(9), options);
    stores.async = store->stores();
    stores.owner = std::make_shared<std::pair<std::shared_ptr<void>, std::shared_ptr<void>>>(stores.owner, store);
    stores.description += ", asynchronous (postgres_async)";
#else
    (void)stores, (void)spec, (void)replay_window, (void)ex;
    throw std::runtime_error("config: \"postgres_async\" needs a build with the PostgreSQL store");
#endif
}

std::string durable_secret_key(store_set const& stores, std::string const& configured, std::string& note)
{
    if(!configured.empty())
    {
        note = "secret_key: from the config";
        return configured;
    }
    if(stores.shared)
        throw std::runtime_error("config: a postgres store is shared by instances that must all sign tokens with "
                                 "one key: set \"secret_key\" (at least 32 characters, from your vault)");
    // Next to the database, readable by this user only (created 0600, atomically; a file
    // readable by others is refused). Of two instances starting together, both get one key.
    auto const file = stores.path + ".key";
    auto loaded = beast_oauth::load_or_create_secret_key(file);
    note = loaded.created ? "secret_key: generated and saved to " + file +
                                " (mode 0600); keep it with the database, or tokens stop working"
                          : "secret_key: read from " + file;
    return loaded.key;
}

} // namespace intercom
