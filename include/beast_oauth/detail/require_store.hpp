#ifndef BEAST_OAUTH_DETAIL_REQUIRE_STORE_HPP
#define BEAST_OAUTH_DETAIL_REQUIRE_STORE_HPP

// The store an operation needs, from a set whose members may be null.

#include <stdexcept>

namespace beast_oauth {
namespace detail {

/// What a synchronous entry point says when the server has only asynchronous stores.
inline constexpr char const* no_sync_store_message =
    "beast_oauth: this server has no synchronous store for this operation";

/// `*s`; std::logic_error(`missing`) when `s` is null (a configuration error).
template<class Store>
Store& require_store(Store* s, char const* missing)
{
    if(!s)
        throw std::logic_error(missing);
    return *s;
}

} // namespace detail
} // namespace beast_oauth

#endif
