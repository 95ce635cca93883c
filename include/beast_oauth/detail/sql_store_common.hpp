#ifndef BEAST_OAUTH_DETAIL_SQL_STORE_COMMON_HPP
#define BEAST_OAUTH_DETAIL_SQL_STORE_COMMON_HPP

// What the SQL stores share: how times and clients become columns, and the
// cache of parsed clients.

#include <beast_oauth/model.hpp>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace beast_oauth {
namespace detail {

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

} // namespace detail
} // namespace beast_oauth

#endif
