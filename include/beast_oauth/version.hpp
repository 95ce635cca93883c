#ifndef BEAST_OAUTH_VERSION_HPP
#define BEAST_OAUTH_VERSION_HPP

/// beast-oauth version as MAJOR * 100000 + MINOR * 100 + PATCH (kept in sync with CMakeLists.txt).
#define BEAST_OAUTH_VERSION 100
/// beast-oauth version as a string.
#define BEAST_OAUTH_VERSION_STRING "0.1.0"

#endif
