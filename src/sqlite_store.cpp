// Compiles the SQLite store once (separate compilation mode; link beast_oauth::sqlite_compiled):
// the ipp explicitly instantiates detail::basic_sql_store for SQLite.
#include <beast_oauth/sqlite_store.hpp>
#include <beast_oauth/impl/sqlite_store.ipp>
