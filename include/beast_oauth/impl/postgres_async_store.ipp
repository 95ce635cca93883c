#ifndef BEAST_OAUTH_IMPL_POSTGRES_ASYNC_STORE_IPP
#define BEAST_OAUTH_IMPL_POSTGRES_ASYNC_STORE_IPP

#include <beast_oauth/postgres_async_store.hpp>
#include <beast_oauth/detail/pg_async_op.hpp>
#include <beast_oauth/detail/pg_connection.hpp>
#include <beast_oauth/detail/pg_rows.hpp>
#include <beast_oauth/detail/pg_session.hpp>
#include <beast_oauth/detail/pg_sql.hpp>
#include <beast_oauth/detail/sql_store_common.hpp>
#include <beast_oauth/detail/impl/async_stores_over.ipp>

namespace beast_oauth {

namespace detail {

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&client_store::find_client>,
                           completion_handler<void(std::exception_ptr, std::shared_ptr<client const>)> h,
                           std::string_view client_id)
{
    if(auto cached = state->clients.get(client_id))
        return detail::pg_finish<std::shared_ptr<client const>>(std::move(h), state->ex)(nullptr, std::move(cached));
    auto st = state;
    detail::pg_launch(st, std::move(h), [st, client_id](detail::pg_session::ptr const& s, auto finish) {
        s->run(detail::pg_sql::client_find, detail::pg_params().add(client_id),
               [st, finish](detail::pg_session::ptr const& s2, detail::pg_result r) {
                   s2->close();
                   if(r.rows() == 0)
                       return finish(nullptr, nullptr);
                   std::shared_ptr<client const> c;
                   try
                   {
                       c = detail::from_client_row(detail::pg_read_client(r));
                   }
                   catch(...)
                   {
                       return finish.fail(std::current_exception()); // a row that does not parse
                   }
                   st->clients.put(c);
                   finish(nullptr, std::move(c));
               });
    });
}

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&code_store::save_code>,
                           completion_handler<void(std::exception_ptr)> h,
                           code_record const& record)
{
    auto st = state;
    detail::pg_launch(st, std::move(h), [st, &record](detail::pg_session::ptr const& s, auto finish) {
        s->run(detail::pg_sql::code_insert, detail::pg_code_params(record),
               [st, finish](detail::pg_session::ptr const& s2, detail::pg_result) {
                   s2->close();
                   detail::pg_after_write(st);
                   finish(nullptr);
               });
    });
}

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&code_store::consume_code>,
                           completion_handler<void(std::exception_ptr, consume_result)> h,
                           std::string_view signature)
{
    auto st = state;
    detail::pg_launch(st, std::move(h), [st, signature](detail::pg_session::ptr const& s, auto finish) {
        // RFC 6749 4.1.2 single use: one UPDATE ... WHERE used_at IS NULL RETURNING wins.
        s->run(detail::pg_sql::code_consume, detail::pg_params().add(signature).add(st->now()),
               [signature, finish](detail::pg_session::ptr const& s2, detail::pg_result r) {
                   if(r.rows() == 1)
                   {
                       s2->close();
                       return finish(nullptr, detail::pg_read_consumed(r, signature));
                   }
                   s2->run(detail::pg_sql::code_grant_of, detail::pg_params().add(signature),
                           [finish](detail::pg_session::ptr const& s3, detail::pg_result g) {
                               s3->close();
                               finish(nullptr, detail::pg_read_used(g));
                           });
               });
    });
}

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&code_store::claim_code>,
                           completion_handler<void(std::exception_ptr, consume_result)> h,
                           std::string_view jti, std::string_view grant_id, time_point expires_at)
{
    auto st = state;
    detail::pg_launch(st, std::move(h), [st, jti, grant_id, expires_at](detail::pg_session::ptr const& s, auto finish) {
        s->run(detail::pg_sql::code_claim, detail::pg_params().add(jti).add(grant_id).add(expires_at).add(st->now()),
               [st, jti, grant_id, finish](detail::pg_session::ptr const& s2, detail::pg_result r) {
                   if(r.rows() == 1)
                   {
                       s2->close();
                       detail::pg_after_write(st);
                       consume_result out;
                       out.status = consume_status::consumed;
                       out.record.grant_id = std::string(grant_id);
                       return finish(nullptr, std::move(out));
                   }
                   s2->run(detail::pg_sql::code_grant_of, detail::pg_params().add(jti),
                           [st, finish](detail::pg_session::ptr const& s3, detail::pg_result g) {
                               s3->close();
                               detail::pg_after_write(st);
                               finish(nullptr, detail::pg_read_used(g));
                           });
               });
    });
}

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&token_store::save_token>,
                           completion_handler<void(std::exception_ptr, bool)> h,
                           token_record const& record)
{
    auto st = state;
    detail::pg_launch(st, std::move(h), [st, &record](detail::pg_session::ptr const& s, auto finish) {
        // One statement: lock the grant row (waiting for a concurrent revoke_grant to commit),
        // and insert the token only if the grant is not revoked.
        s->retrying([st, &record, finish](detail::pg_session::ptr const& s1) {
            s1->run(detail::pg_sql::token_save, detail::pg_token_params(record),
                    [st, finish](detail::pg_session::ptr const& s2, detail::pg_result r) {
                        s2->close();
                        bool const saved = r.rows() == 1;
                        if(saved)
                            detail::pg_after_write(st);
                        finish(nullptr, saved);
                    });
        });
    });
}

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&token_store::find_token>,
                           completion_handler<void(std::exception_ptr, std::shared_ptr<token_record const>)> h,
                           std::string_view signature)
{
    detail::pg_launch(state, std::move(h), [signature](detail::pg_session::ptr const& s, auto finish) {
        s->run(detail::pg_sql::token_find, detail::pg_params().add(signature),
               [signature, finish](detail::pg_session::ptr const& s2, detail::pg_result r) {
                   s2->close();
                   finish(nullptr, detail::pg_read_token(r, signature));
               });
    });
}


inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&token_store::revoke_grant>,
                           completion_handler<void(std::exception_ptr)> h,
                           std::string_view grant_id)
{
    auto st = state;
    detail::pg_launch(st, std::move(h), [st, grant_id](detail::pg_session::ptr const& s, auto finish) {
        // Two statements: the DELETE starts after the grant row is ours, so its snapshot
        // includes every token a concurrent save_token committed before we got the lock.
        s->transaction([st, grant_id, finish](detail::pg_session::ptr const& s1) {
            s1->run(detail::pg_sql::grant_revoke, detail::pg_params().add(grant_id).add(st->now()),
                    [grant_id, finish](detail::pg_session::ptr const& s2, detail::pg_result) {
                        s2->run(detail::pg_sql::token_delete_grant, detail::pg_params().add(grant_id),
                                [finish](detail::pg_session::ptr const& s3, detail::pg_result) {
                                    s3->commit([finish](detail::pg_session::ptr const& s4) {
                                        s4->close();
                                        finish(nullptr);
                                    });
                                });
                    });
        });
    });
}

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&token_store::revoke_token>,
                           completion_handler<void(std::exception_ptr)> h,
                           std::string_view signature)
{
    detail::pg_run_one(state, std::move(h), detail::pg_sql::token_delete, detail::pg_params().add(signature));
}

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&token_store::revoke_access_tokens>,
                           completion_handler<void(std::exception_ptr)> h,
                           std::string_view grant_id, std::string_view keep_signature)
{
    detail::pg_run_one(state, std::move(h), detail::pg_sql::token_delete_access,
                       detail::pg_params().add(grant_id).add(keep_signature));
}

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&token_store::trim_access_tokens>,
                           completion_handler<void(std::exception_ptr)> h,
                           std::string_view grant_id, std::size_t keep)
{
    detail::pg_run_one(state, std::move(h), detail::pg_sql::token_trim_access,
                       detail::pg_params().add(grant_id).add(static_cast<std::int64_t>(keep)));
}

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&token_store::rotate_refresh_token>,
                           completion_handler<void(std::exception_ptr, rotate_status, std::shared_ptr<token_record const>)> h,
                           refresh_rotation_request const& request)
{
    using ptr = detail::pg_session::ptr;
    auto st = state;
    detail::pg_launch(st, std::move(h), [st, req = request](ptr const& s, auto finish) {
        // RFC 9700 4.14.2, as postgres_store: the grant row, then the token re-read under its lock.
        s->transaction([st, req, finish](ptr const& s1) {
            auto end = [finish](ptr const& se, rotate_status status, std::shared_ptr<token_record const> old) {
                se->rollback([finish, status, old](ptr const& s9) {
                    s9->close();
                    finish(nullptr, status, old);
                });
            };
            auto const sig = req.old_signature;
            s1->run(detail::pg_sql::token_grant_of_refresh, detail::pg_params().add(sig), [=](ptr const& s2, detail::pg_result g) {
                if(g.rows() == 0)
                    return end(s2, rotate_status::not_found, nullptr);
                // Lock order everywhere: the grant row, then its tokens.
                s2->run(detail::pg_sql::grant_lock, detail::pg_params().add(std::string_view(g.text(0, 0))),
                        [=](ptr const& s3, detail::pg_result lock) {
                            if(lock.rows() == 0 || !lock.boolean(0, 0))
                                return end(s3, rotate_status::not_found, nullptr);
                            s3->run(detail::pg_sql::token_find, detail::pg_params().add(sig), [=](ptr const& s4, detail::pg_result r) {
                                auto old = detail::pg_read_token(r, sig);
                                if(!old || old->kind != token_kind::refresh)
                                    return end(s4, rotate_status::not_found, nullptr);
                                if(auto verdict = already_rotated(req, *old))
                                    return end(s4, *verdict, old);
                                auto const keep_until = req.now + st->options().rotated_retention;
                                old->rotated_at = req.now;
                                if(old->expires_at > keep_until)
                                    old->expires_at = keep_until;
                                s4->run(detail::pg_sql::token_rotate, detail::pg_params().add(sig).add(req.now).add(keep_until),
                                        [=](ptr const& s5, detail::pg_result) {
                                            detail::pg_save_tokens(s5, {req.new_access, req.new_refresh}, 0, [=](ptr const& s6) {
                                                s6->commit([=](ptr const& s7) {
                                                    s7->close();
                                                    detail::pg_after_write(st);
                                                    finish(nullptr, rotate_status::rotated, old);
                                                });
                                            });
                                        });
                            });
                        });
            });
        });
    });
}

inline void pg_async_start(std::shared_ptr<pg_async_state> const& state, store_fn<&token_store::claim_dpop_jti>,
                           completion_handler<void(std::exception_ptr, dpop_jti_status)> h,
                           std::string_view key, time_point expires_at, std::size_t capacity)
{
    auto st = state;
    detail::pg_launch(st, std::move(h), [st, key, expires_at, capacity](detail::pg_session::ptr const& s, auto finish) {
        auto const t = st->now();
        // One statement purges, counts and inserts; no row back: replayed or full (pg_dialect.hpp).
        s->run(detail::pg_sql::dpop_claim,
               detail::pg_params().add(key).add(expires_at).add(t).add(static_cast<std::int64_t>(capacity)),
               [st, key, t, finish](detail::pg_session::ptr const& s2, detail::pg_result r) {
                   if(r.rows() == 1)
                   {
                       s2->close();
                       detail::pg_after_write(st);
                       return finish(nullptr, dpop_jti_status::claimed);
                   }
                   s2->run(detail::pg_sql::dpop_seen, detail::pg_params().add(key).add(t),
                           [finish](detail::pg_session::ptr const& s3, detail::pg_result seen) {
                               s3->close();
                               finish(nullptr, seen.rows() == 1 ? dpop_jti_status::replayed : dpop_jti_status::full);
                           });
               });
    });
}

} // namespace detail

// After the operations: the constructor's use of the vtable instantiates them.
BEAST_OAUTH_DECL postgres_async_store::postgres_async_store(boost::asio::any_io_executor ex, std::string conninfo,
                                                            postgres_store_options options)
{
    {
        detail::pg_connection c(conninfo, options); // blocking, once: the migration
        detail::pg_migrate(c);
    }
    state_ = std::make_shared<detail::pg_async_state>(std::move(ex), std::move(conninfo), std::move(options));
}

BEAST_OAUTH_DECL postgres_async_store::~postgres_async_store() = default;

#ifndef BEAST_OAUTH_HEADER_ONLY
// The instantiation postgres_async_store.hpp declares extern (src/postgres_store.cpp).
template class detail::async_stores_over<postgres_async_store>;
#endif

} // namespace beast_oauth

#endif
