#ifndef BEAST_OAUTH_VERSION_HPP
#define BEAST_OAUTH_VERSION_HPP

/** @file
    The library version. CMakeLists.txt reads the project version from this
    file, so the two cannot drift apart (CMake checks the macros agree).
*/

/// Major version: incompatible API changes.
#define BEAST_OAUTH_VERSION_MAJOR 0
/// Minor version: added functionality, backwards compatible.
#define BEAST_OAUTH_VERSION_MINOR 1
/// Patch version: fixes only.
#define BEAST_OAUTH_VERSION_PATCH 0

/// beast-oauth version as MAJOR * 100000 + MINOR * 100 + PATCH.
#define BEAST_OAUTH_VERSION 100
/// beast-oauth version as a string, "MAJOR.MINOR.PATCH".
#define BEAST_OAUTH_VERSION_STRING "0.1.0"

#endif
