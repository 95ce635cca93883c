#ifndef BEAST_OAUTH_IMPL_POSTGRES_STORE_IPP
#define BEAST_OAUTH_IMPL_POSTGRES_STORE_IPP

// postgres_store: basic_sql_store over PostgreSQL's dialect (detail/pg_dialect.hpp). One include
// of this file compiles the whole store; in compiled mode it also instantiates it.

#include <beast_oauth/postgres_store.hpp>
#include <beast_oauth/detail/pg_dialect.hpp>
#include <beast_oauth/detail/pg_sql.hpp>
#include <beast_oauth/detail/impl/basic_sql_store.ipp>

namespace beast_oauth {

static_assert(detail::pg_sql::schema_version == postgres_store::schema_version, "one migration per schema version");

#ifndef BEAST_OAUTH_HEADER_ONLY
// The instantiation postgres_store.hpp declares extern: in src/postgres_store.cpp, or in the
// one source file of a vendor that compiles the store itself (docs/consuming.md).
template class detail::basic_sql_store<detail::pg_connection, postgres_store_options>;
#endif

} // namespace beast_oauth

#endif
