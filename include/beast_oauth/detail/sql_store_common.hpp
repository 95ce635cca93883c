#ifndef BEAST_OAUTH_DETAIL_SQL_STORE_COMMON_HPP
#define BEAST_OAUTH_DETAIL_SQL_STORE_COMMON_HPP

// What the SQL stores share: how times and clients become columns, the cache of
// parsed clients, and the connection pool.

#include <beast_oauth/model.hpp>
#include <beast_oauth/storage.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace beast_oauth {
namespace detail {

/// A SQL store's clock: its options' `clock` when set (tests), else the system clock.
template<class Options>
time_point store_now(Options const& o)
{
    return o.clock ? o.clock() : std::chrono::system_clock::now();
}

/** After a write: every `sweep_every`-th write calls `sweep()` (which deletes at most
    `sweep_batch` expired rows). Best effort: the write succeeded, so a failed sweep is
    forgotten and a later one catches up. */
template<class Options, class Counter, class Sweep>
void sweep_after_write(Options const& o, Counter& writes, Sweep&& sweep) noexcept
{
    if(o.sweep_every == 0 || ++writes % o.sweep_every != 0)
        return;
    try
    {
        sweep();
    }
    catch(std::exception const&)
    {
    }
}

/// Times are stored as microseconds since the Unix epoch; time_point::max() as INT64_MAX.
inline std::int64_t to_db_time(time_point t) noexcept
{
    if(t == time_point::max())
        return std::numeric_limits<std::int64_t>::max();
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

inline time_point from_db_time(std::int64_t us) noexcept
{
    if(us == std::numeric_limits<std::int64_t>::max())
        return time_point::max();
    return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds(us)));
}

inline std::int64_t to_db_seconds(std::chrono::seconds s) noexcept
{
    return std::chrono::duration_cast<std::chrono::microseconds>(s).count();
}

inline std::string encode_string_list(std::vector<std::string> const& list)
{
    boost::json::array a;
    for(auto const& s : list)
        a.emplace_back(s);
    return boost::json::serialize(a);
}

inline std::vector<std::string> decode_string_list(std::string const& text)
{
    std::vector<std::string> out;
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if(ec || !v.is_array())
        throw std::runtime_error("beast_oauth: stored client list is not a JSON array");
    for(auto const& e : v.as_array())
    {
        if(!e.is_string())
            throw std::runtime_error("beast_oauth: stored client list holds a non-string");
        out.emplace_back(e.as_string());
    }
    return out;
}

/// A client as the columns of `oauth_clients` (lists as JSON arrays of strings).
struct client_row
{
    std::string client_id, name, secret_hash, redirect_uris, allowed_scopes, default_scope,
        grant_types, rotation;
    bool require_pkce = false;
    bool may_introspect_any = false;
    bool require_par = false; // require_pushed_authorization_requests (schema 4)
    bool dpop_bound = false;  // dpop_bound_access_tokens (schema 4)
};

inline client_row to_client_row(client const& c)
{
    client_row r;
    r.client_id = c.client_id;
    r.name = c.name;
    r.secret_hash = c.secret_hash;
    std::vector<std::string> uris;
    for(auto const& p : c.redirect_uris)
        uris.push_back(p.text()); // re-parsed with redirect_uri_pattern on load
    r.redirect_uris = encode_string_list(uris);
    r.allowed_scopes = encode_string_list(c.allowed_scopes);
    r.default_scope = c.default_scope;
    r.grant_types = encode_string_list(c.grant_types);
    r.rotation = !c.rotation ? "" : *c.rotation == refresh_rotation::rotate ? "rotate" : "none";
    r.require_pkce = c.require_pkce;
    r.may_introspect_any = c.may_introspect_any;
    r.require_par = c.require_pushed_authorization_requests;
    r.dpop_bound = c.dpop_bound_access_tokens;
    return r;
}

/// @throws std::runtime_error when a stored value does not parse (the endpoint answers server_error)
inline std::shared_ptr<client const> from_client_row(client_row const& r)
{
    auto c = std::make_shared<client>();
    c->client_id = r.client_id;
    c->name = r.name;
    c->secret_hash = r.secret_hash;
    for(auto const& text : decode_string_list(r.redirect_uris))
        c->redirect_uris.emplace_back(text); // throws std::invalid_argument on a bad registration
    c->allowed_scopes = decode_string_list(r.allowed_scopes);
    c->default_scope = r.default_scope;
    c->grant_types = decode_string_list(r.grant_types);
    if(r.rotation == "rotate")
        c->rotation = refresh_rotation::rotate;
    else if(r.rotation == "none")
        c->rotation = refresh_rotation::none;
    c->require_pkce = r.require_pkce;
    c->may_introspect_any = r.may_introspect_any;
    c->require_pushed_authorization_requests = r.require_par;
    c->dpop_bound_access_tokens = r.dpop_bound;
    return c;
}

/** Parsed clients by id, each kept for `ttl` so that a change written by another
    instance shows within that time. Unknown ids are not cached. */
class client_cache
{
public:
    explicit client_cache(std::chrono::seconds ttl) : ttl_(ttl) {}

    std::shared_ptr<client const> get(std::string_view id) const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = map_.find(std::string(id));
        if(it == map_.end() || std::chrono::steady_clock::now() >= it->second.until)
            return nullptr;
        return it->second.value;
    }

    void put(std::shared_ptr<client const> c) const
    {
        if(ttl_.count() <= 0)
            return;
        std::lock_guard<std::mutex> lock(mutex_);
        if(map_.size() >= 10000)
            map_.clear(); // bounded: a flood of distinct ids cannot grow it without limit
        auto id = c->client_id;
        map_[std::move(id)] = entry{std::move(c), std::chrono::steady_clock::now() + ttl_};
    }

private:
    struct entry
    {
        std::shared_ptr<client const> value;
        std::chrono::steady_clock::time_point until;
    };
    std::chrono::seconds ttl_;
    mutable std::mutex mutex_;
    mutable std::unordered_map<std::string, entry> map_;
};

/** At most `max_open` connections, each lent to one thread at a time.

    `Connection` provides `bool alive() noexcept` (checked before an idle connection is
    lent again; false drops it) and `bool reusable() noexcept` (on return: rolls back a
    transaction an exception left open; false drops it). The pool's mutex is never held
    while a connection is opened.
*/
template<class Connection>
class connection_pool
{
public:
    /// A borrowed connection, returned to the pool when it goes out of scope.
    class lease
    {
    public:
        lease(connection_pool const* pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
        lease(lease&&) noexcept = default;
        lease& operator=(lease&&) = delete;
        ~lease()
        {
            if(c_)
                pool_->release(std::move(c_));
        }
        Connection& operator*() const noexcept { return *c_; }
        Connection* operator->() const noexcept { return c_.get(); }

    private:
        connection_pool const* pool_;
        std::unique_ptr<Connection> c_;
    };

    /** @param open makes a new connection (may throw store_unavailable)
        @param wait how long acquire waits for a free connection before it throws store_unavailable */
    connection_pool(std::size_t max_open, std::chrono::milliseconds wait, std::chrono::seconds retry_after,
                    std::string what, std::function<std::unique_ptr<Connection>()> open)
        : max_open_(max_open == 0 ? 1 : max_open)
        , wait_(wait)
        , retry_after_(retry_after)
        , what_(std::move(what))
        , open_(std::move(open))
    {
    }

    lease acquire() const
    {
        std::unique_lock<std::mutex> lock(mutex_);
        auto const deadline = std::chrono::steady_clock::now() + wait_;
        while(idle_.empty() && count_ >= max_open_)
            if(cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && count_ >= max_open_)
                throw store_unavailable(what_ + ": no connection free in time", retry_after_);
        while(!idle_.empty())
        {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            if(c->alive())
                return lease(this, std::move(c));
            --count_; // died while idle (e.g. the database restarted): open a new one instead
        }
        ++count_;
        lock.unlock();
        try
        {
            return lease(this, open_());
        }
        catch(...)
        {
            lock.lock();
            --count_;
            cv_.notify_one();
            throw;
        }
    }

private:
    void release(std::unique_ptr<Connection> c) const noexcept
    {
        bool const keep = c->reusable();
        std::lock_guard<std::mutex> lock(mutex_);
        if(keep)
            idle_.push_back(std::move(c));
        else
            --count_;
        cv_.notify_one();
    }

    std::size_t const max_open_;
    std::chrono::milliseconds const wait_;
    std::chrono::seconds const retry_after_;
    std::string const what_;
    std::function<std::unique_ptr<Connection>()> const open_;
    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    mutable std::vector<std::unique_ptr<Connection>> idle_;
    mutable std::size_t count_ = 0;
};

} // namespace detail
} // namespace beast_oauth

#endif
