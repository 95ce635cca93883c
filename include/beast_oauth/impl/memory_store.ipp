#ifndef BEAST_OAUTH_IMPL_MEMORY_STORE_IPP
#define BEAST_OAUTH_IMPL_MEMORY_STORE_IPP

#include <beast_oauth/memory_store.hpp>
#include <beast_oauth/secret_hash.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <beast_oauth/detail/sharded.hpp>
#include <algorithm>
#include <cstring>

namespace beast_oauth {

namespace detail {
// Entries swept per insert: more than one, so the sweep outpaces the inserts.
constexpr int sweep_batch = 4;
} // namespace detail

BEAST_OAUTH_DECL memory_store::memory_store(clock_fn clock)
    : clock_(std::move(clock))
{
}

BEAST_OAUTH_DECL std::size_t memory_store::key_hash::operator()(key const& k) const noexcept
{
    std::size_t h;
    std::memcpy(&h, k.bytes.data(), sizeof h);
    return h;
}

BEAST_OAUTH_DECL std::size_t memory_store::shard_of(key const& k) noexcept
{
    return k.bytes[31] % shard_count; // bytes other than the map hash's
}

BEAST_OAUTH_DECL memory_store::key memory_store::make_key(std::string_view s)
{
    key k;
    // The canonical unpadded base64url of 32 bytes (every signature and jti the server makes).
    if(detail::base64url_decode_digest(s, k.bytes))
        return k;
    // Any other string: SHA-256 (collision-resistant, so distinct strings keep distinct keys).
    k.bytes = detail::sha256(s);
    return k;
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
    compact_expiry(s, [this](code_entry const& e) { return e.record.expires_at + replay_window; });
    for(int i = 0; i < detail::sweep_batch && !s.expiry.empty() && s.expiry.top().at <= t; ++i)
    {
        auto it = s.map.find(s.expiry.top().k);
        if(it != s.map.end() && it->second.record.expires_at + replay_window <= t)
            s.map.erase(it);
        s.expiry.pop();
    }
}

BEAST_OAUTH_DECL void memory_store::save_code(code_record const& record)
{
    auto t = now();
    auto k = make_key(record.signature);
    auto [s, lock] = lock_shard(codes_, k);
    sweep_codes(s, t);
    s.map[k] = code_entry{record, false};
    s.expiry.push({record.expires_at + replay_window, k});
}

BEAST_OAUTH_DECL consume_result memory_store::consume_code(std::string_view signature)
{
    auto k = make_key(signature);
    auto [s, lock] = lock_shard(codes_, k);
    auto it = s.map.find(k);
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
    // The entry stays only for replay detection, which needs the grant: hand over the rest.
    r.record = std::move(it->second.record);
    it->second.record = code_record{};
    it->second.record.grant_id = r.record.grant_id;
    it->second.record.expires_at = r.record.expires_at;
    // And whose it was: a revocation by owner or client also refuses the tokens being saved for it.
    it->second.record.subject = r.record.subject;
    it->second.record.client_id = r.record.client_id;
    return r;
}

BEAST_OAUTH_DECL consume_result memory_store::claim_code(std::string_view jti, std::string_view grant_id,
                                                        time_point expires_at)
{
    auto t = now();
    auto k = make_key(jti);
    auto [s, lock] = lock_shard(codes_, k);
    sweep_codes(s, t);
    consume_result r;
    auto [it, inserted] = s.map.try_emplace(k);
    if(!inserted)
    {
        r.status = consume_status::already_used;
        r.record.grant_id = it->second.record.grant_id;
        return r;
    }
    it->second.used = true;
    it->second.record.grant_id = std::string(grant_id);
    it->second.record.expires_at = expires_at;
    s.expiry.push({expires_at + replay_window, k});
    r.status = consume_status::consumed;
    r.record.grant_id = std::string(grant_id);
    return r;
}

BEAST_OAUTH_DECL void memory_store::sweep_tokens(shard<std::shared_ptr<token_record const>>& s, time_point t)
{
    compact_expiry(s, [](std::shared_ptr<token_record const> const& r) { return r->expires_at; });
    for(int i = 0; i < detail::sweep_batch && !s.expiry.empty() && s.expiry.top().at <= t; ++i)
    {
        auto it = s.map.find(s.expiry.top().k);
        if(it != s.map.end() && it->second->expires_at <= t)
            s.map.erase(it);
        s.expiry.pop();
    }
}

BEAST_OAUTH_DECL void memory_store::sweep_grants(shard<grant_entry>& s, time_point t)
{
    // A grant entry goes once its latest token expired (plus the replay window, so a
    // late replay still finds it revoked). Grants with a non-expiring token stay.
    compact_expiry(s, [this](grant_entry const& g) {
        auto const at = g.record.expires_at;
        return at == time_point::max() ? time_point::max() : at + replay_window;
    });
    for(int i = 0; i < detail::sweep_batch && !s.expiry.empty() && s.expiry.top().at <= t; ++i)
    {
        auto it = s.map.find(s.expiry.top().k);
        if(it != s.map.end() && it->second.record.expires_at != time_point::max() &&
           it->second.record.expires_at + replay_window <= t)
            s.map.erase(it);
        s.expiry.pop();
    }
}

BEAST_OAUTH_DECL void memory_store::insert_token_locked(shard<grant_entry>& g, grant_entry& grant,
                                                       key const& grant_key, token_record const& record,
                                                       time_point t)
{
    auto k = make_key(record.signature);
    // The list only grows here: drop keys of tokens that are gone (expired, swept, revoked),
    // so a long-lived grant's list stays the size of its live tokens.
    if(grant.tokens.size() >= 32 && grant.tokens.size() % 32 == 0)
        prune_grant_locked(grant, t);
    grant.tokens.push_back(k);
    auto& rec = grant.record;
    if(rec.created_at == time_point{})
    {
        // The grant's first token (the code exchange): the grant record starts here.
        describe_grant(rec, record);
        rec.created_at = record.issued_at;
        rec.last_used_at = record.issued_at;
    }
    else if(record.issued_at >= rec.last_used_at + grant_last_used_resolution)
        rec.last_used_at = record.issued_at;
    if(record.expires_at > rec.expires_at)
    {
        rec.expires_at = record.expires_at;
        if(rec.expires_at != time_point::max())
            g.expiry.push({rec.expires_at + replay_window, grant_key});
    }
    auto [s, lock] = lock_shard(tokens_, k);
    sweep_tokens(s, t);
    s.map[k] = std::make_shared<token_record const>(record);
    if(record.expires_at != time_point::max())
        s.expiry.push({record.expires_at, k});
}

BEAST_OAUTH_DECL std::shared_ptr<token_record const> memory_store::find_locked(key const& k) const
{
    auto [s, lock] = lock_shard(tokens_, k);
    auto it = s.map.find(k);
    return it == s.map.end() ? nullptr : it->second;
}

BEAST_OAUTH_DECL void memory_store::erase_token(key const& k)
{
    auto [s, lock] = lock_shard(tokens_, k);
    s.map.erase(k);
}

BEAST_OAUTH_DECL bool memory_store::save_token(token_record const& record)
{
    auto t = now();
    auto gk = make_key(record.grant_id);
    // The grant's lock is held while the token is inserted, so a concurrent
    // revoke_grant either sees this token or makes this call fail.
    auto [g, grant_lock] = lock_shard(grants_, gk);
    sweep_grants(g, t);
    auto git = g.map.try_emplace(gk).first;
    if(git->second.revoked)
        return false;
    insert_token_locked(g, git->second, gk, record, t);
    return true;
}

BEAST_OAUTH_DECL std::shared_ptr<token_record const> memory_store::find_token(std::string_view signature) const
{
    return find_locked(make_key(signature));
}

BEAST_OAUTH_DECL std::vector<memory_store::key> memory_store::revoke_locked(shard<grant_entry>& g, grant_entry& grant,
                                                                           key const& grant_key, time_point t)
{
    std::vector<key> tokens;
    if(!grant.revoked)
    {
        grant.revoked = true;
        grant.record.revoked_at = t;
    }
    // Kept for the replay window after the revocation, so a save arriving late is refused.
    grant.record.expires_at = t;
    g.expiry.push({t + replay_window, grant_key});
    tokens.swap(grant.tokens);
    return tokens;
}

BEAST_OAUTH_DECL void memory_store::revoke_grant(std::string_view grant_id)
{
    std::vector<key> tokens;
    {
        auto gk = make_key(grant_id);
        auto [g, lock] = lock_shard(grants_, gk);
        auto [it, inserted] = g.map.try_emplace(gk);
        if(inserted)
            it->second.record.grant_id = std::string(grant_id);
        tokens = revoke_locked(g, it->second, gk, now());
    }
    for(auto const& k : tokens)
        erase_token(k);
}

BEAST_OAUTH_DECL void memory_store::revoke_token(std::string_view signature)
{
    erase_token(make_key(signature));
}

BEAST_OAUTH_DECL rotate_status memory_store::rotate_refresh_token(refresh_rotation_request const& request,
                                                                  std::shared_ptr<token_record const>& old_out)
{
    auto old_key = make_key(request.old_signature);
    auto old = find_locked(old_key);
    if(!old || old->kind != token_kind::refresh)
        return rotate_status::not_found;
    auto gk = make_key(old->grant_id);
    auto [g, grant_lock] = lock_shard(grants_, gk);
    auto git = g.map.find(gk);
    if(git == g.map.end() || git->second.revoked)
        return rotate_status::not_found;
    old = find_locked(old_key); // re-read under the grant lock
    if(!old)
        return rotate_status::not_found;
    old_out = old;
    if(auto verdict = already_rotated(request, *old))
        return *verdict;
    auto rotated = std::make_shared<token_record>(*old);
    rotated->rotated_at = request.now;
    // Remember it for reuse detection, then let the sweeper reclaim it.
    if(rotated->expires_at > request.now + rotated_retention)
        rotated->expires_at = request.now + rotated_retention;
    {
        auto [s, lock] = lock_shard(tokens_, old_key);
        s.map[old_key] = rotated;
        s.expiry.push({rotated->expires_at, old_key});
    }
    old_out = rotated;
    if(request.new_access)
        insert_token_locked(g, git->second, gk, *request.new_access, request.now);
    if(request.new_refresh)
        insert_token_locked(g, git->second, gk, *request.new_refresh, request.now);
    return rotate_status::rotated;
}

BEAST_OAUTH_DECL void memory_store::prune_grant_locked(grant_entry& grant, time_point t)
{
    auto& tokens = grant.tokens;
    tokens.erase(std::remove_if(tokens.begin(), tokens.end(),
                                [&](key const& k) {
                                    auto rec = find_locked(k);
                                    return !rec || rec->expires_at <= t;
                                }),
                 tokens.end());
}

BEAST_OAUTH_DECL void memory_store::drop_access_tokens_locked(grant_entry& grant, key const* keep, std::size_t limit)
{
    auto& tokens = grant.tokens;
    tokens.erase(std::remove_if(tokens.begin(), tokens.end(),
                                [&](key const& k) {
                                    if(limit == 0 || (keep && k == *keep))
                                        return false; // no lookup once the limit is reached
                                    auto rec = find_locked(k);
                                    if(rec && rec->kind != token_kind::access)
                                        return false;
                                    if(rec)
                                        --limit;
                                    erase_token(k); // a key without a record is only dropped from the list
                                    return true;
                                }),
                 tokens.end());
}

BEAST_OAUTH_DECL void memory_store::trim_access_tokens(std::string_view grant_id, std::size_t keep)
{
    auto t = now();
    auto gk = make_key(grant_id);
    auto [g, grant_lock] = lock_shard(grants_, gk);
    auto git = g.map.find(gk);
    if(git == g.map.end())
        return;
    prune_grant_locked(git->second, t);
    std::size_t access = 0;
    for(auto const& k : git->second.tokens)
        if(auto rec = find_locked(k); rec && rec->kind == token_kind::access)
            ++access;
    // The list is in issue order: the oldest access tokens go first.
    if(access > keep)
        drop_access_tokens_locked(git->second, nullptr, access - keep);
}

BEAST_OAUTH_DECL void memory_store::revoke_access_tokens(std::string_view grant_id,
                                                         std::string_view keep_signature)
{
    auto gk = make_key(grant_id);
    auto keep = make_key(keep_signature);
    auto [g, grant_lock] = lock_shard(grants_, gk);
    if(auto git = g.map.find(gk); git != g.map.end())
        drop_access_tokens_locked(git->second, &keep, std::size_t(-1));
}

BEAST_OAUTH_DECL std::size_t memory_store::code_count() const
{
    return detail::sum_over_shards(codes_, [](auto const& s) { return s.map.size(); });
}

BEAST_OAUTH_DECL std::size_t memory_store::expiry_backlog() const
{
    auto const queued = [](auto const& s) { return s.expiry.size(); };
    return detail::sum_over_shards(codes_, queued) + detail::sum_over_shards(tokens_, queued) +
           detail::sum_over_shards(grants_, queued);
}

BEAST_OAUTH_DECL std::size_t memory_store::token_count() const
{
    return detail::sum_over_shards(tokens_, [](auto const& s) { return s.map.size(); });
}

} // namespace beast_oauth

// The rest of the store, so one include of this file (compiled mode) still compiles it all.
#include <beast_oauth/impl/memory_store_grants.ipp>
#include <beast_oauth/impl/memory_user_store.ipp>
#include <beast_oauth/impl/memory_store_dpop.ipp>

#endif
