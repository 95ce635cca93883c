#ifndef BEAST_OAUTH_IMPL_SQLITE_STORE_IPP
#define BEAST_OAUTH_IMPL_SQLITE_STORE_IPP

// sqlite_store: construction, clients, codes and tokens (grants: sqlite_store_grants.ipp).

#include <beast_oauth/sqlite_store.hpp>
#include <beast_oauth/detail/sqlite_connection.hpp>

namespace beast_oauth {


BEAST_OAUTH_DECL sqlite_store::sqlite_store(std::string path, sqlite_store_options options)
    : sql_store_base(std::move(options))
    , path_(std::move(path))
    , pool_(std::make_unique<detail::connection_pool<detail::sqlite_connection>>(
          options_.max_connections, options_.busy_timeout, std::chrono::seconds(1), "sqlite_store",
          [this] { return std::make_unique<detail::sqlite_connection>(path_, options_); }))
{
    auto l = pool_->acquire();
    auto& c = *l;
    detail::sqlite_transaction tx(c);
    detail::sqlite_exec(c.db, "CREATE TABLE IF NOT EXISTS oauth_schema_version (version INTEGER NOT NULL)");
    int version = 0;
    {
        sqlite3_stmt* s = nullptr;
        int rc = sqlite3_prepare_v2(c.db, "SELECT max(version) FROM oauth_schema_version", -1, &s, nullptr);
        if(rc != SQLITE_OK)
            detail::sqlite_fail(c.db, rc, "schema version");
        if(sqlite3_step(s) == SQLITE_ROW)
            version = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    if(version > schema_version)
        throw std::runtime_error("sqlite_store: " + path_ + " has schema version " + std::to_string(version) +
                                 ", newer than this library's " + std::to_string(schema_version));
    if(version < schema_version)
    {
        for(int v = version; v < schema_version; ++v)
            detail::sqlite_exec(c.db, detail::sqlite_sql::migrations[v]);
        detail::sqlite_exec(c.db, "DELETE FROM oauth_schema_version");
        detail::sqlite_exec(c.db, ("INSERT INTO oauth_schema_version (version) VALUES (" +
                                   std::to_string(schema_version) + ")").c_str());
    }
    tx.commit();
}

BEAST_OAUTH_DECL sqlite_store::~sqlite_store() = default;

BEAST_OAUTH_DECL void sqlite_store::add_client(client const& c)
{
    auto row = detail::to_client_row(c);
    {
        auto l = pool_->acquire();
        detail::sqlite_statement s(*l, detail::sqlite_sql::client_upsert);
        detail::sqlite_params p(s);
        detail::add_columns(p, detail::client_columns(row));
        s.run();
    }
    clients_->put(std::make_shared<client const>(c));
}

BEAST_OAUTH_DECL std::vector<std::string> sqlite_store::client_ids() const
{
    // An administrative query, rare: prepared per call rather than kept on every connection.
    std::vector<std::string> ids;
    auto l = pool_->acquire();
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(l->db, "SELECT client_id FROM oauth_clients ORDER BY client_id", -1, &raw, nullptr);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> s(raw, sqlite3_finalize);
    if(rc != SQLITE_OK)
        detail::sqlite_fail(l->db, rc, "prepare");
    while((rc = sqlite3_step(s.get())) == SQLITE_ROW)
        ids.emplace_back(reinterpret_cast<char const*>(sqlite3_column_text(s.get(), 0)),
                         static_cast<std::size_t>(sqlite3_column_bytes(s.get(), 0)));
    if(rc != SQLITE_DONE)
        detail::sqlite_fail(l->db, rc, "step");
    return ids;
}

BEAST_OAUTH_DECL std::shared_ptr<client const> sqlite_store::find_client(std::string_view client_id) const
{
    return detail::find_client_cached(*clients_, client_id, [&]() -> std::optional<detail::client_row> {
        auto l = pool_->acquire();
        detail::sqlite_statement s(*l, detail::sqlite_sql::client_find);
        s.bind(1, client_id);
        if(!s.step())
            return std::nullopt;
        return detail::read_client(s);
    });
}

BEAST_OAUTH_DECL void sqlite_store::save_code(code_record const& r)
{
    {
        auto l = pool_->acquire();
        detail::sqlite_statement s(*l, detail::sqlite_sql::code_insert);
        detail::add_columns(detail::sqlite_params(s).add(std::string_view(r.signature)), detail::code_columns(r));
        s.run();
    }
    after_write();
}

BEAST_OAUTH_DECL consume_result sqlite_store::consume_code(std::string_view signature)
{
    consume_result r;
    auto l = pool_->acquire();
    detail::sqlite_transaction tx(*l);
    {
        // One statement marks the code used and returns it: only one caller can match used_at IS NULL.
        detail::sqlite_statement s(*l, detail::sqlite_sql::code_consume);
        s.bind(1, signature).bind(2, now());
        if(s.step())
        {
            r = detail::read_consumed(s, signature);
            s.run();
        }
    }
    if(r.status != consume_status::consumed)
        r = detail::sqlite_code_used(*l, signature);
    tx.commit();
    return r;
}

BEAST_OAUTH_DECL consume_result sqlite_store::claim_code(std::string_view jti, std::string_view grant_id,
                                                        time_point expires_at)
{
    consume_result r;
    {
        auto l = pool_->acquire();
        detail::sqlite_transaction tx(*l);
        {
            detail::sqlite_statement s(*l, detail::sqlite_sql::code_claim);
            s.bind(1, jti).bind(2, grant_id).bind(3, expires_at).bind(4, now());
            s.run();
        }
        if(sqlite3_changes(l->db) == 1)
        {
            r.status = consume_status::consumed;
            r.record.grant_id = std::string(grant_id);
        }
        else
            r = detail::sqlite_code_used(*l, jti);
        tx.commit();
    }
    after_write();
    return r;
}

BEAST_OAUTH_DECL bool sqlite_store::save_token(token_record const& record)
{
    {
        auto l = pool_->acquire();
        // The grant row and the token are written in one transaction, and revoke_grant
        // writes the same grant row: a revocation either sees this token or refuses it.
        detail::sqlite_transaction tx(*l);
        if(!detail::sqlite_insert_token(*l, record))
            return false;
        tx.commit();
    }
    after_write();
    return true;
}

BEAST_OAUTH_DECL std::shared_ptr<token_record const> sqlite_store::find_token(std::string_view signature) const
{
    auto l = pool_->acquire();
    return detail::sqlite_find_token(*l, signature);
}

BEAST_OAUTH_DECL void sqlite_store::revoke_grant(std::string_view grant_id)
{
    auto l = pool_->acquire();
    detail::sqlite_transaction tx(*l);
    {
        detail::sqlite_statement s(*l, detail::sqlite_sql::grant_revoke);
        s.bind(1, grant_id).bind(2, now());
        s.run();
    }
    {
        detail::sqlite_statement s(*l, detail::sqlite_sql::token_delete_grant);
        s.bind(1, grant_id);
        s.run();
    }
    tx.commit();
}

BEAST_OAUTH_DECL void sqlite_store::revoke_token(std::string_view signature)
{
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, detail::sqlite_sql::token_delete);
    s.bind(1, signature);
    s.run();
}

BEAST_OAUTH_DECL rotate_status sqlite_store::rotate_refresh_token(refresh_rotation_request const& request,
                                                                  std::shared_ptr<token_record const>& old_out)
{
    rotate_status status;
    {
        auto l = pool_->acquire();
        detail::sqlite_transaction tx(*l);
        auto old = detail::sqlite_find_token(*l, request.old_signature);
        if(!old || old->kind != token_kind::refresh)
            return rotate_status::not_found;
        {
            detail::sqlite_statement g(*l, detail::sqlite_sql::grant_is_active);
            g.bind(1, std::string_view(old->grant_id));
            if(!g.step())
                return rotate_status::not_found;
        }
        if(auto verdict = already_rotated(request, *old))
        {
            old_out = old;
            return *verdict;
        }
        // Keep the rotated token for reuse detection, then let the sweeper reclaim it.
        auto const keep_until = request.now + options_.rotated_retention;
        {
            detail::sqlite_statement s(*l, detail::sqlite_sql::token_rotate);
            s.bind(1, request.old_signature).bind(2, request.now).bind(3, keep_until);
            s.run();
        }
        old->rotated_at = request.now;
        if(old->expires_at > keep_until)
            old->expires_at = keep_until;
        for(auto const* successor : {request.new_access, request.new_refresh})
            if(successor)
                detail::sqlite_insert_token(*l, *successor);
        tx.commit();
        old_out = std::move(old);
        status = rotate_status::rotated;
    }
    after_write();
    return status;
}

BEAST_OAUTH_DECL void sqlite_store::revoke_access_tokens(std::string_view grant_id, std::string_view keep_signature)
{
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, detail::sqlite_sql::token_delete_access);
    s.bind(1, grant_id).bind(2, keep_signature);
    s.run();
}

BEAST_OAUTH_DECL void sqlite_store::trim_access_tokens(std::string_view grant_id, std::size_t keep)
{
    auto l = pool_->acquire();
    detail::sqlite_statement s(*l, detail::sqlite_sql::token_trim_access);
    s.bind(1, grant_id).bind(2, static_cast<std::int64_t>(keep));
    s.run();
}

} // namespace beast_oauth

// The rest of the store, so one include of this file (compiled mode) still compiles it all.
#include <beast_oauth/impl/sqlite_store_grants.ipp>
#include <beast_oauth/impl/sqlite_store_dpop.ipp>

#endif
