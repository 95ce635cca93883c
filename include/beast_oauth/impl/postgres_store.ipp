#ifndef BEAST_OAUTH_IMPL_POSTGRES_STORE_IPP
#define BEAST_OAUTH_IMPL_POSTGRES_STORE_IPP

#include <beast_oauth/postgres_store.hpp>
#include <beast_oauth/detail/pg_connection.hpp>
#include <beast_oauth/detail/pg_rows.hpp>
#include <beast_oauth/detail/pg_sql.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <libpq-fe.h>
#include <optional>
#include <stdexcept>

namespace beast_oauth {

static_assert(detail::pg_sql::schema_version == postgres_store::schema_version, "one migration per schema version");

template<class F>
auto postgres_store::with_retry(F&& f) const
{
    for(int attempt = 1;; ++attempt)
    {
        try
        {
            return f();
        }
        catch(detail::pg_retry const&)
        {
            if(attempt == 5)
                throw store_unavailable("postgres_store: transaction kept conflicting", options_.retry_after);
        }
    }
}

BEAST_OAUTH_DECL postgres_store::postgres_store(std::string conninfo, postgres_store_options options)
    : sql_store_base(std::move(options))
    , conninfo_(std::move(conninfo))
    , pool_(std::make_unique<detail::connection_pool<detail::pg_connection>>(
          options_.max_connections, options_.acquire_timeout, options_.retry_after, "postgres_store",
          [this] { return std::make_unique<detail::pg_connection>(conninfo_, options_); }))
{
    auto l = pool_->acquire();
    detail::pg_migrate(*l);
}

BEAST_OAUTH_DECL postgres_store::~postgres_store() = default;

BEAST_OAUTH_DECL void postgres_store::add_client(client const& c)
{
    auto row = detail::to_client_row(c);
    {
        auto l = pool_->acquire();
        l->run(detail::pg_sql::client_upsert, detail::pg_client_params(row));
    }
    clients_->put(std::make_shared<client const>(c));
}

BEAST_OAUTH_DECL std::vector<std::string> postgres_store::client_ids() const
{
    std::vector<std::string> ids;
    auto l = pool_->acquire();
    auto r = l->simple("SELECT client_id FROM oauth_clients ORDER BY client_id");
    for(int i = 0; i < r.rows(); ++i)
        ids.push_back(r.text(i, 0));
    return ids;
}

BEAST_OAUTH_DECL std::shared_ptr<client const> postgres_store::find_client(std::string_view client_id) const
{
    return detail::find_client_cached(*clients_, client_id, [&]() -> std::optional<detail::client_row> {
        auto l = pool_->acquire();
        auto r = l->run(detail::pg_sql::client_find, detail::pg_params().add(client_id));
        if(r.rows() == 0)
            return std::nullopt;
        return detail::pg_read_client(r);
    });
}

BEAST_OAUTH_DECL void postgres_store::save_code(code_record const& r)
{
    {
        auto l = pool_->acquire();
        l->run(detail::pg_sql::code_insert, detail::pg_code_params(r));
    }
    after_write();
}

BEAST_OAUTH_DECL consume_result postgres_store::consume_code(std::string_view signature)
{
    auto l = pool_->acquire();
    auto& c = *l;
    // One statement (autocommit): whichever caller's UPDATE finds used_at IS NULL wins;
    // the others wait on the row lock, then see it used and match nothing.
    auto r = c.run(detail::pg_sql::code_consume, detail::pg_params().add(signature).add(now()));
    if(r.rows() == 1)
        return detail::pg_read_consumed(r, signature);
    return detail::pg_read_used(c.run(detail::pg_sql::code_grant_of, detail::pg_params().add(signature)));
}

BEAST_OAUTH_DECL consume_result postgres_store::claim_code(std::string_view jti, std::string_view grant_id,
                                                          time_point expires_at)
{
    consume_result out;
    {
        auto l = pool_->acquire();
        auto& c = *l;
        auto r = c.run(detail::pg_sql::code_claim,
                       detail::pg_params().add(jti).add(grant_id).add(expires_at).add(now()));
        if(r.rows() == 1)
        {
            out.status = consume_status::consumed;
            out.record.grant_id = std::string(grant_id);
        }
        else
            out = detail::pg_read_used(c.run(detail::pg_sql::code_grant_of, detail::pg_params().add(jti)));
    }
    after_write();
    return out;
}

BEAST_OAUTH_DECL bool postgres_store::save_token(token_record const& record)
{
    bool saved = false;
    {
        auto l = pool_->acquire();
        // One statement: lock the grant row (waiting for a concurrent revoke_grant to commit),
        // and insert the token only if the grant is not revoked.
        saved = with_retry([&] { return l->run(detail::pg_sql::token_save, detail::pg_token_params(record)).rows() == 1; });
    }
    if(saved)
        after_write();
    return saved;
}

BEAST_OAUTH_DECL std::shared_ptr<token_record const> postgres_store::find_token(std::string_view signature) const
{
    for(int attempt = 0;; ++attempt)
    {
        auto l = pool_->acquire();
        try
        {
            return detail::pg_find_token(*l, signature);
        }
        catch(store_unavailable const&)
        {
            // A pooled connection the database closed (restart, failover) fails its first
            // query; a read is safe to repeat once, on a fresh connection (this one is dropped).
            if(attempt > 0 || !l->broken)
                throw;
        }
    }
}

BEAST_OAUTH_DECL void postgres_store::revoke_grant(std::string_view grant_id)
{
    auto l = pool_->acquire();
    auto& c = *l;
    with_retry([&] {
        // Two statements: the DELETE starts after the grant row is ours, so its snapshot
        // includes every token a concurrent save_token committed before we got the lock.
        detail::pg_transaction tx(c);
        c.run(detail::pg_sql::grant_revoke, detail::pg_params().add(grant_id).add(now()));
        c.run(detail::pg_sql::token_delete_grant, detail::pg_params().add(grant_id));
        tx.commit();
        return 0;
    });
}

BEAST_OAUTH_DECL void postgres_store::revoke_token(std::string_view signature)
{
    auto l = pool_->acquire();
    l->run(detail::pg_sql::token_delete, detail::pg_params().add(signature));
}

BEAST_OAUTH_DECL rotate_status postgres_store::rotate_refresh_token(refresh_rotation_request const& request,
                                                                    std::shared_ptr<token_record const>& old_out)
{
    rotate_status status;
    {
        auto l = pool_->acquire();
        auto& c = *l;
        status = with_retry([&] {
            detail::pg_transaction tx(c);
            auto g = c.run(detail::pg_sql::token_grant_of_refresh, detail::pg_params().add(request.old_signature));
            if(g.rows() == 0)
                return rotate_status::not_found;
            // Lock order everywhere: the grant row, then its tokens.
            auto lock = c.run(detail::pg_sql::grant_lock, detail::pg_params().add(std::string_view(g.text(0, 0))));
            if(lock.rows() == 0 || !lock.boolean(0, 0))
                return rotate_status::not_found;
            auto old = detail::pg_find_token(c, request.old_signature); // re-read under the lock
            if(!old || old->kind != token_kind::refresh)
                return rotate_status::not_found;
            if(auto verdict = already_rotated(request, *old))
            {
                old_out = old;
                return *verdict;
            }
            auto const keep_until = request.now + options_.rotated_retention;
            c.run(detail::pg_sql::token_rotate,
                  detail::pg_params().add(request.old_signature).add(request.now).add(keep_until));
            old->rotated_at = request.now;
            if(old->expires_at > keep_until)
                old->expires_at = keep_until;
            for(auto const* successor : {request.new_access, request.new_refresh})
                if(successor)
                    c.run(detail::pg_sql::token_save, detail::pg_token_params(*successor));
            tx.commit();
            old_out = std::move(old);
            return rotate_status::rotated;
        });
    }
    if(status == rotate_status::rotated)
        after_write();
    return status;
}

BEAST_OAUTH_DECL void postgres_store::revoke_access_tokens(std::string_view grant_id, std::string_view keep_signature)
{
    auto l = pool_->acquire();
    l->run(detail::pg_sql::token_delete_access, detail::pg_params().add(grant_id).add(keep_signature));
}

BEAST_OAUTH_DECL void postgres_store::trim_access_tokens(std::string_view grant_id, std::size_t keep)
{
    auto l = pool_->acquire();
    l->run(detail::pg_sql::token_trim_access,
           detail::pg_params().add(grant_id).add(static_cast<std::int64_t>(keep)));
}

BEAST_OAUTH_DECL std::vector<grant_record> postgres_store::list_grants(std::string_view subject) const
{
    auto l = pool_->acquire();
    auto r = l->run(detail::pg_sql::grant_list, detail::pg_params().add(subject).add(now()));
    std::vector<grant_record> out;
    for(int i = 0; i < r.rows(); ++i)
        out.push_back(detail::pg_read_grant(r, i));
    return out;
}

BEAST_OAUTH_DECL std::optional<grant_record> postgres_store::find_grant(std::string_view grant_id) const
{
    auto l = pool_->acquire();
    auto r = l->run(detail::pg_sql::grant_find, detail::pg_params().add(grant_id));
    if(r.rows() == 0)
        return std::nullopt;
    return detail::pg_read_grant(r, 0);
}

BEAST_OAUTH_DECL std::vector<grant_record> postgres_store::revoke_grants_by(int first_statement, std::string_view value)
{
    // first_statement: grant_codes_*, then grant_revoke_*, code_forget_*, token_delete_* follow in order.
    auto const t = now();
    std::vector<grant_record> out;
    {
        auto l = pool_->acquire();
        auto& c = *l;
        out = with_retry([&] {
            std::vector<grant_record> revoked;
            detail::pg_transaction tx(c);
            c.run(first_statement, detail::pg_params().add(value).add(t));
            auto r = c.run(first_statement + 1, detail::pg_params().add(value).add(t));
            for(int i = 0; i < r.rows(); ++i)
                revoked.push_back(detail::pg_read_grant(r, i));
            c.run(first_statement + 2, detail::pg_params().add(value));
            c.run(first_statement + 3, detail::pg_params().add(value));
            tx.commit();
            return revoked;
        });
    }
    after_write();
    return out;
}

BEAST_OAUTH_DECL std::vector<grant_record> postgres_store::revoke_subject_grants(std::string_view subject)
{
    return revoke_grants_by(detail::pg_sql::grant_codes_subject, subject);
}

BEAST_OAUTH_DECL std::vector<grant_record> postgres_store::revoke_client_grants(std::string_view client_id)
{
    return revoke_grants_by(detail::pg_sql::grant_codes_client, client_id);
}

BEAST_OAUTH_DECL std::size_t postgres_store::sweep_limited(time_point t, std::size_t limit)
{
    std::size_t removed = 0;
    auto l = pool_->acquire();
    for(auto [id, before] : detail::sweep_plan(t, options_.replay_window))
        removed += l->run(id, detail::pg_sweep_params(before, limit)).affected();
    return removed;
}

BEAST_OAUTH_DECL std::size_t postgres_store::sweep(time_point t)
{
    return sweep_limited(t, 0);
}

BEAST_OAUTH_DECL std::size_t postgres_store::count(int statement) const
{
    auto l = pool_->acquire();
    return static_cast<std::size_t>(l->run(statement, detail::pg_params()).integer(0, 0));
}

BEAST_OAUTH_DECL std::size_t postgres_store::code_count() const
{
    return count(detail::pg_sql::count_codes);
}

BEAST_OAUTH_DECL std::size_t postgres_store::token_count() const
{
    return count(detail::pg_sql::count_tokens);
}

} // namespace beast_oauth

// The replay cache, so one include of this file (compiled mode) still compiles the whole store.
#include <beast_oauth/impl/postgres_store_dpop.ipp>

#endif
