#ifndef BEAST_OAUTH_CONFIG_HPP
#define BEAST_OAUTH_CONFIG_HPP

/** @file
    Compilation-mode switches.

    By default beast-oauth is header-only: every non-template function is
    `inline` and its body (`impl/foo.ipp`) is included by its header. Define
    `BEAST_OAUTH_SEPARATE_COMPILATION` in every translation unit and include
    `<beast_oauth/src.hpp>` in exactly one of them to compile the bodies once.
*/

#ifdef BEAST_OAUTH_SEPARATE_COMPILATION
#  define BEAST_OAUTH_DECL
#else
#  define BEAST_OAUTH_HEADER_ONLY 1
#  define BEAST_OAUTH_DECL inline
#endif

#endif
