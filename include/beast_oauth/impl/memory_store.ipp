#ifndef BEAST_OAUTH_IMPL_MEMORY_STORE_IPP
#define BEAST_OAUTH_IMPL_MEMORY_STORE_IPP

#include <beast_oauth/memory_store.hpp>
#include <beast_oauth/secret_hash.hpp>
#include <algorithm>

namespace beast_oauth {

namespace detail {
// Entries swept per insert: more than one, so the sweep outpaces the inserts.
constexpr int sweep_batch = 4;
} // namespace detail

BEAST_OAUTH_DECL memory_store::memory_store(clock_fn clock)
    : clock_(std::move(clock))
{
}

BEAST_OAUTH_DECL std::size_t memory_store::shard_of(std::string_view key) noexcept
{
    return std::hash<std::string_view>{}(key) % shard_count;
}

BEAST_OAUTH_DECL time_point memory_store::now() const
{
    return clock_ ? clock_() : std::chrono::system_clock::now();
}

BEAST_OAUTH_DECL void memory_store::add_client(client c)
{
    auto id = c.client_id;
    auto p = std::make_shared<client const>(std::move(c));
    std::lock_guard<std::mutex> lock(clients_mutex_);
    clients_[std::move(id)] = std::move(p);
}

BEAST_OAUTH_DECL std::shared_ptr<client const> memory_store::find_client(std::string_view client_id) const
{
    std::lock_guard<std::mutex> lock(clients_mutex_);
    auto it = clients_.find(std::string(client_id));
    return it == clients_.end() ? nullptr : it->second;
}

BEAST_OAUTH_DECL void memory_store::sweep_codes(shard<code_entry>& s, time_point t)
{
    for(int i = 0; i < detail::sweep_batch && !s.expiry.empty() && s.expiry.front().at <= t; ++i)
    {
        auto it = s.map.find(s.expiry.front().key);
        if(it != s.map.end() && it->second.record.expires_at + replay_window <= t)
            s.map.erase(it);
        s.expiry.pop_front();
    }
}

BEAST_OAUTH_DECL void memory_store::save_code(code_record const& record)
{
    auto t = now();
    auto& s = codes_[shard_of(record.signature)];
    std::lock_guard<std::mutex> lock(s.mutex);
    sweep_codes(s, t);
    s.map[record.signature] = code_entry{record, false};
    s.expiry.push_back({record.expires_at + replay_window, record.signature});
}

BEAST_OAUTH_DECL consume_result memory_store::consume_code(std::string_view signature)
{
    auto& s = codes_[shard_of(signature)];
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.map.find(std::string(signature));
    consume_result r;
    if(it == s.map.end())
        return r;
    if(it->second.used)
    {
        r.status = consume_status::already_used;
        r.record.grant_id = it->second.record.grant_id;
        return r;
    }
    it->second.used = true;
    r.status = consume_status::consumed;
    r.record = it->second.record;
    return r;
}

BEAST_OAUTH_DECL consume_result memory_store::claim_code(std::string_view jti, std::string_view grant_id,
                                                        time_point expires_at)
{
    auto t = now();
    auto& s = codes_[shard_of(jti)];
    std::lock_guard<std::mutex> lock(s.mutex);
    sweep_codes(s, t);
    consume_result r;
    auto [it, inserted] = s.map.try_emplace(std::string(jti));
    if(!inserted)
    {
        r.status = consume_status::already_used;
        r.record.grant_id = it->second.record.grant_id;
        return r;
    }
    it->second.used = true;
    it->second.record.signature = std::string(jti);
    it->second.record.grant_id = std::string(grant_id);
    it->second.record.expires_at = expires_at;
    s.expiry.push_back({expires_at + replay_window, std::string(jti)});
    r.status = consume_status::consumed;
    r.record.grant_id = std::string(grant_id);
    return r;
}

BEAST_OAUTH_DECL void memory_store::sweep_tokens(shard<std::shared_ptr<token_record const>>& s, time_point t)
{
    for(int i = 0; i < detail::sweep_batch && !s.expiry.empty() && s.expiry.front().at <= t; ++i)
    {
        auto it = s.map.find(s.expiry.front().key);
        if(it != s.map.end() && it->second->expires_at <= t)
            s.map.erase(it);
        s.expiry.pop_front();
    }
}

BEAST_OAUTH_DECL void memory_store::sweep_grants(shard<grant_entry>& s, time_point t)
{
    // A grant entry goes once its latest token expired (plus the replay window, so a
    // late replay still finds it revoked). Grants with a non-expiring token stay.
    for(int i = 0; i < detail::sweep_batch && !s.expiry.empty() && s.expiry.front().at <= t; ++i)
    {
        auto it = s.map.find(s.expiry.front().key);
        if(it != s.map.end() && it->second.expires != time_point::max() &&
           it->second.expires + replay_window <= t)
            s.map.erase(it);
        s.expiry.pop_front();
    }
}

BEAST_OAUTH_DECL void memory_store::insert_token_locked(shard<grant_entry>& g, grant_entry& grant,
                                                       token_record const& record, time_point t)
{
    grant.token_signatures.push_back(record.signature);
    if(record.expires_at > grant.expires)
    {
        grant.expires = record.expires_at;
        if(grant.expires != time_point::max())
            g.expiry.push_back({grant.expires + replay_window, record.grant_id});
    }
    auto& s = tokens_[shard_of(record.signature)];
    std::lock_guard<std::mutex> lock(s.mutex);
    sweep_tokens(s, t);
    s.map[record.signature] = std::make_shared<token_record const>(record);
    if(record.expires_at != time_point::max())
        s.expiry.push_back({record.expires_at, record.signature});
}

BEAST_OAUTH_DECL std::shared_ptr<token_record const> memory_store::find_locked(std::string_view signature) const
{
    auto& s = tokens_[shard_of(signature)];
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.map.find(std::string(signature));
    return it == s.map.end() ? nullptr : it->second;
}

BEAST_OAUTH_DECL void memory_store::erase_token(std::string const& signature)
{
    auto& s = tokens_[shard_of(signature)];
    std::lock_guard<std::mutex> lock(s.mutex);
    s.map.erase(signature);
}

BEAST_OAUTH_DECL bool memory_store::save_token(token_record const& record)
{
    auto t = now();
    auto& g = grants_[shard_of(record.grant_id)];
    // The grant's lock is held while the token is inserted, so a concurrent
    // revoke_grant either sees this token or makes this call fail.
    std::lock_guard<std::mutex> grant_lock(g.mutex);
    sweep_grants(g, t);
    auto git = g.map.try_emplace(record.grant_id).first;
    if(git->second.revoked)
        return false;
    insert_token_locked(g, git->second, record, t);
    return true;
}

BEAST_OAUTH_DECL std::shared_ptr<token_record const> memory_store::find_token(std::string_view signature) const
{
    return find_locked(signature);
}

BEAST_OAUTH_DECL void memory_store::revoke_grant(std::string_view grant_id)
{
    std::vector<std::string> signatures;
    {
        auto& g = grants_[shard_of(grant_id)];
        std::lock_guard<std::mutex> lock(g.mutex);
        auto [it, inserted] = g.map.try_emplace(std::string(grant_id));
        it->second.revoked = true;
        signatures.swap(it->second.token_signatures);
        if(inserted)
        {
            it->second.expires = now();
            g.expiry.push_back({it->second.expires + replay_window, std::string(grant_id)});
        }
    }
    for(auto const& sig : signatures)
        erase_token(sig);
}

BEAST_OAUTH_DECL void memory_store::revoke_token(std::string_view signature)
{
    erase_token(std::string(signature));
}

BEAST_OAUTH_DECL rotate_status memory_store::rotate_refresh_token(refresh_rotation_request const& request,
                                                                  std::shared_ptr<token_record const>& old_out)
{
    auto old = find_locked(request.old_signature);
    if(!old || old->kind != token_kind::refresh)
        return rotate_status::not_found;
    auto& g = grants_[shard_of(old->grant_id)];
    std::lock_guard<std::mutex> grant_lock(g.mutex);
    auto git = g.map.find(old->grant_id);
    if(git == g.map.end() || git->second.revoked)
        return rotate_status::not_found;
    old = find_locked(request.old_signature); // re-read under the grant lock
    if(!old)
        return rotate_status::not_found;
    old_out = old;
    if(old->rotated_at != time_point{})
        return request.now - old->rotated_at <= request.grace ? rotate_status::in_grace
                                                              : rotate_status::reused;
    auto rotated = std::make_shared<token_record>(*old);
    rotated->rotated_at = request.now;
    // Remember it for reuse detection, then let the sweeper reclaim it.
    if(rotated->expires_at > request.now + rotated_retention)
        rotated->expires_at = request.now + rotated_retention;
    {
        auto& s = tokens_[shard_of(old->signature)];
        std::lock_guard<std::mutex> lock(s.mutex);
        s.map[old->signature] = rotated;
        s.expiry.push_back({rotated->expires_at, old->signature});
    }
    old_out = rotated;
    if(request.new_access)
        insert_token_locked(g, git->second, *request.new_access, request.now);
    if(request.new_refresh)
        insert_token_locked(g, git->second, *request.new_refresh, request.now);
    return rotate_status::rotated;
}

BEAST_OAUTH_DECL void memory_store::revoke_access_tokens(std::string_view grant_id,
                                                         std::string_view keep_signature)
{
    auto& g = grants_[shard_of(grant_id)];
    std::lock_guard<std::mutex> grant_lock(g.mutex);
    auto git = g.map.find(std::string(grant_id));
    if(git == g.map.end())
        return;
    auto& sigs = git->second.token_signatures;
    sigs.erase(std::remove_if(sigs.begin(), sigs.end(),
                              [&](std::string const& sig) {
                                  if(sig == keep_signature)
                                      return false;
                                  auto t = find_locked(sig);
                                  if(t && t->kind != token_kind::access)
                                      return false;
                                  erase_token(sig);
                                  return true;
                              }),
               sigs.end());
}

BEAST_OAUTH_DECL std::size_t memory_store::code_count() const
{
    std::size_t n = 0;
    for(auto const& s : codes_)
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        n += s.map.size();
    }
    return n;
}

BEAST_OAUTH_DECL std::size_t memory_store::token_count() const
{
    std::size_t n = 0;
    for(auto const& s : tokens_)
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        n += s.map.size();
    }
    return n;
}

namespace detail {
inline std::string lower_ascii(std::string_view s)
{
    std::string out(s);
    for(auto& c : out)
        if(c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}
} // namespace detail

BEAST_OAUTH_DECL void memory_user_store::add_user(std::string username, std::string password_hash,
                                                  user_identity identity)
{
    if(dummy_hash_.empty() || dummy_hash_.size() < password_hash.size())
        dummy_hash_ = password_hash; // same cost for unknown users
    accounts_[detail::lower_ascii(username)] = account{std::move(password_hash), std::move(identity)};
}

BEAST_OAUTH_DECL std::optional<user_identity> memory_user_store::authenticate(std::string_view username,
                                                                              std::string_view password)
{
    auto it = accounts_.find(detail::lower_ascii(username));
    if(it == accounts_.end())
    {
        if(!dummy_hash_.empty())
            (void)verify_secret(password, dummy_hash_);
        return std::nullopt;
    }
    if(!verify_secret(password, it->second.password_hash))
        return std::nullopt;
    return it->second.identity;
}

} // namespace beast_oauth

#endif
