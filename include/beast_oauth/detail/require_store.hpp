#ifndef BEAST_OAUTH_DETAIL_REQUIRE_STORE_HPP
#define BEAST_OAUTH_DETAIL_REQUIRE_STORE_HPP

// The store an operation needs, from a set whose members may be null.

#include <stdexcept>

namespace beast_oauth {
namespace detail {

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
