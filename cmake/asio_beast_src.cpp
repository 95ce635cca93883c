// Compiles Boost.Asio and Boost.Beast once for our own tests and examples.
// These switches are whole-program: they never appear on the library's interface.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
