// Compiles the SQLite store once (separate compilation mode; link beast_oauth::sqlite_compiled).
#include <beast_oauth/sqlite_store.hpp>
#include <beast_oauth/impl/sqlite_store.ipp>
#include <beast_oauth/impl/sqlite_store_dpop.ipp>
