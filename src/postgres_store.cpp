// Compiles the PostgreSQL stores once (separate compilation mode; link beast_oauth::postgres_compiled):
// impl/postgres_store.ipp explicitly instantiates detail::basic_sql_store for PostgreSQL.
#include <beast_oauth/postgres_store.hpp>
#include <beast_oauth/postgres_async_store.hpp>
#include <beast_oauth/impl/postgres_store.ipp>
#include <beast_oauth/impl/postgres_async_store.ipp>
