// Catch2 include shim: Debian 12 ships Catch2 2.13, vcpkg ships 3.x.
// Tests use only the macros both versions share.
#pragma once
#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_test_macros.hpp>
#else
#include <catch2/catch.hpp>
#endif
