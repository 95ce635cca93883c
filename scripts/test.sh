#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh --test
# REQUIRE_ALL_CHECKS: a missing tool (clang++, doxygen, python3) fails instead of skipping a check.
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DBEAST_OAUTH_REQUIRE_ALL_CHECKS=ON >/dev/null
cmake --build build/test -j "$(nproc)"
cd build/test
ctest --output-on-failure -j 2
