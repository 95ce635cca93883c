// key_file.hpp (load or create the server secret) and the rule that a durable token store
// needs an explicit secret_key.
#include <beast_oauth/beast_oauth.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include "catch.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace {

// A fresh directory under $TMPDIR (or /tmp), removed with its files.
struct temp_dir
{
    std::string path;
    temp_dir()
    {
        char const* base = std::getenv("TMPDIR");
        std::string templ = std::string(base && *base ? base : "/tmp") + "/beast_oauth_key_XXXXXX";
        REQUIRE(::mkdtemp(templ.data()) != nullptr);
        path = templ;
    }
    ~temp_dir() { std::system(("rm -rf '" + path + "'").c_str()); }
    std::string file(std::string const& name) const { return path + "/" + name; }
};

unsigned mode_of(std::string const& path)
{
    struct stat st{};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return static_cast<unsigned>(st.st_mode) & 07777u;
}

void write_file(std::string const& path, std::string const& text, mode_t mode)
{
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
    }
    REQUIRE(::chmod(path.c_str(), mode) == 0);
}

std::string message_of(std::function<void()> const& f)
{
    try
    {
        f();
    }
    catch(std::exception const& e)
    {
        return e.what();
    }
    return "(no exception)";
}

// A token store that says it is durable: the memory store standing in for a database.
struct durable_memory_store : beast_oauth::memory_store
{
    bool is_durable() const noexcept override { return true; }
};

} // namespace

TEST_CASE("load_or_create_secret_key creates a 0600 key file once and then reads it", "[key_file]")
{
    temp_dir dir;
    auto const path = dir.file("server.key");
    auto first = beast_oauth::load_or_create_secret_key(path);
    CHECK(first.created);
    CHECK(mode_of(path) == 0600u);
    std::string raw;
    REQUIRE(beast_oauth::detail::base64url_decode(first.key, raw));
    CHECK(raw.size() == 32);
    CHECK(first.key.size() == 43);

    auto again = beast_oauth::load_or_create_secret_key(path);
    CHECK_FALSE(again.created);
    CHECK(again.key == first.key);
    CHECK(beast_oauth::load_secret_key(path) == first.key);
    CHECK(mode_of(path) == 0600u);

    // No temporary file is left beside it.
    CHECK(std::system(("test \"$(ls -A '" + dir.path + "' | wc -l)\" = 1").c_str()) == 0);

    // A key the server accepts, and two keys are different.
    temp_dir other;
    CHECK(beast_oauth::load_or_create_secret_key(other.file("k")).key != first.key);
}

TEST_CASE("load_or_create_secret_key: racing creators all get the one key", "[key_file]")
{
    temp_dir dir;
    auto const path = dir.file("race.key");
    std::vector<std::string> keys(8);
    std::atomic<int> created{0};
    std::vector<std::thread> threads;
    for(std::size_t i = 0; i < keys.size(); ++i)
        threads.emplace_back([&, i] {
            auto r = beast_oauth::load_or_create_secret_key(path);
            keys[i] = r.key;
            if(r.created)
                ++created;
        });
    for(auto& t : threads)
        t.join();
    CHECK(created == 1);
    CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == 1);
    CHECK(beast_oauth::load_secret_key(path) == keys[0]);
}

TEST_CASE("a key file readable or writable by group or others is refused", "[key_file]")
{
    temp_dir dir;
    auto const path = dir.file("server.key");
    auto key = beast_oauth::load_or_create_secret_key(path).key;
    for(mode_t mode : {0644, 0640, 0604, 0620, 0602, 0660})
    {
        REQUIRE(::chmod(path.c_str(), mode) == 0);
        auto what = message_of([&] { beast_oauth::load_or_create_secret_key(path); });
        INFO(what);
        CHECK(what.find("must not be readable or writable by group or others") != std::string::npos);
        CHECK(what.find("chmod 600") != std::string::npos);
        CHECK(what.find(path) != std::string::npos);
        CHECK_THROWS_AS(beast_oauth::load_secret_key(path), beast_oauth::key_file_error);
    }
    REQUIRE(::chmod(path.c_str(), 0400) == 0); // read-only for the owner is fine
    CHECK(beast_oauth::load_secret_key(path) == key);
}

TEST_CASE("a key file of another user is refused", "[key_file]")
{
    if(::geteuid() != 0)
    {
        WARN("not root: cannot make a file owned by another user; skipped");
        return;
    }
    temp_dir dir;
    auto const path = dir.file("server.key");
    beast_oauth::load_or_create_secret_key(path);
    REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
    auto what = message_of([&] { beast_oauth::load_secret_key(path); });
    INFO(what);
    CHECK(what.find("is owned by uid 65534, not by the user running the server") != std::string::npos);
}

TEST_CASE("a short, garbage or missing key file is refused", "[key_file]")
{
    temp_dir dir;
    auto const key = beast_oauth::detail::random_base64url(32);
    struct bad_case
    {
        char const* what;
        std::string text;
    };
    std::vector<bad_case> const cases = {
        {"empty", ""},
        {"short (16 bytes)", beast_oauth::detail::random_base64url(16)},
        {"31 bytes", beast_oauth::detail::random_base64url(31)},
        {"padded base64", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0==\n"},
        {"standard base64 alphabet", key.substr(0, 40) + "+/A"},
        {"text", "this is not a key but a sentence of some length\n"},
        {"two lines", key + "\n" + key + "\n"},
        {"leading space", " " + key},
    };
    for(auto const& c : cases)
    {
        auto const path = dir.file("bad.key");
        write_file(path, c.text, 0600);
        auto what = message_of([&] { beast_oauth::load_or_create_secret_key(path); });
        INFO(c.what << ": " << what);
        CHECK(what.find("does not hold a key") != std::string::npos);
        // Never overwritten: the file is the operator's to fix.
        std::ifstream in(path, std::ios::binary);
        std::string now((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(now == c.text);
    }
    // A key with one trailing newline (LF or CRLF), as an editor or `echo` writes it, is accepted.
    write_file(dir.file("lf.key"), key + "\n", 0600);
    CHECK(beast_oauth::load_secret_key(dir.file("lf.key")) == key);
    write_file(dir.file("crlf.key"), key + "\r\n", 0600);
    CHECK(beast_oauth::load_secret_key(dir.file("crlf.key")) == key);
    write_file(dir.file("bare.key"), key, 0600);
    CHECK(beast_oauth::load_secret_key(dir.file("bare.key")) == key);

    auto missing = message_of([&] { beast_oauth::load_secret_key(dir.file("nope.key")); });
    CHECK(missing.find("does not exist") != std::string::npos);
    auto no_dir = message_of([&] { beast_oauth::load_or_create_secret_key(dir.file("no/such/dir.key")); });
    CHECK(no_dir.find("cannot create key file") != std::string::npos);
    CHECK_THROWS_AS(beast_oauth::load_secret_key(dir.path), beast_oauth::key_file_error); // a directory
}

TEST_CASE("a durable token store needs a secret_key unless ephemeral keys are chosen", "[key_file]")
{
    durable_memory_store store;
    beast_oauth::memory_store plain;
    beast_oauth::memory_user_store users;
    CHECK_FALSE(plain.is_durable());
    CHECK(static_cast<beast_oauth::token_store const&>(store).is_durable());

    beast_oauth::server_options o;
    CHECK_FALSE(o.ephemeral_secret_key);
    auto what = message_of([&] { beast_oauth::authorization_server s(o, store, store, store, users); });
    INFO(what);
    CHECK(what.find("durable") != std::string::npos);
    CHECK(what.find("key_file.hpp") != std::string::npos);
    CHECK(what.find("ephemeral_secret_key") != std::string::npos);
    CHECK_THROWS_AS(beast_oauth::authorization_server(o, store, store, store, users), std::invalid_argument);

    // Only the token store decides: durable clients or codes alone do not.
    CHECK_NOTHROW(beast_oauth::authorization_server(o, store, store, plain, users));

    o.ephemeral_secret_key = true; // the opt-out
    CHECK_NOTHROW(beast_oauth::authorization_server(o, store, store, store, users));

    temp_dir dir;
    beast_oauth::server_options keyed;
    keyed.secret_key = beast_oauth::load_or_create_secret_key(dir.file("server.key")).key;
    CHECK_NOTHROW(beast_oauth::authorization_server(keyed, store, store, store, users));
    keyed.secret_key = "too short";
    CHECK_THROWS_AS(beast_oauth::authorization_server(keyed, store, store, store, users), std::invalid_argument);
}
