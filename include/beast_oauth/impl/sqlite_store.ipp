#ifndef BEAST_OAUTH_IMPL_SQLITE_STORE_IPP
#define BEAST_OAUTH_IMPL_SQLITE_STORE_IPP

// sqlite_store: basic_sql_store over SQLite's dialect (detail/sqlite_dialect.hpp). One include
// of this file compiles the whole store; in compiled mode it also instantiates it.

#include <beast_oauth/sqlite_store.hpp>
#include <beast_oauth/detail/sqlite_dialect.hpp>
#include <beast_oauth/detail/impl/basic_sql_store.ipp>

namespace beast_oauth {

#ifndef BEAST_OAUTH_HEADER_ONLY
// The instantiation sqlite_store.hpp declares extern: in src/sqlite_store.cpp, or in the one
// source file of a vendor that compiles the store itself (docs/consuming.md).
template class detail::basic_sql_store<detail::sqlite_connection, sqlite_store_options>;
#endif

} // namespace beast_oauth

#endif
