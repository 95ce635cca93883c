#!/usr/bin/env bash
# Runs one fuzz target for as long as you like, or replays a saved input:
#   scripts/fuzz.sh TARGET SECONDS     e.g. scripts/fuzz.sh fuzz_http 3600
#   scripts/fuzz.sh TARGET FILE...     run the target on these inputs only (reproduce a finding)
# Targets: fuzz_params fuzz_redirect_uri fuzz_auth_header fuzz_jwt fuzz_http (see fuzz/README.md).
# Builds build/fuzz with clang when needed. The grown corpus stays in build/fuzz/fuzz/work/TARGET;
# a finding is saved in build/fuzz/fuzz/work/TARGET/artifacts and the run fails.
# BEAST_OAUTH_LOCK=/path/to/lockfile runs the build and the run under flock.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS|FILE...}
shift
[[ -f fuzz/$target.cpp ]] || { echo "unknown target $target (see fuzz/*.cpp)" >&2; exit 2; }
heavy() { if [[ -n "${BEAST_OAUTH_LOCK:-}" ]]; then flock "$BEAST_OAUTH_LOCK" "$@"; else "$@"; fi; }
scripts/install_deps.sh --test
heavy cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE= -DBEAST_OAUTH_BUILD_FUZZERS=ON \
  -DBEAST_OAUTH_BUILD_TESTS=OFF -DBEAST_OAUTH_BUILD_EXAMPLES=OFF -DBEAST_OAUTH_INSTALL=OFF >/dev/null
heavy cmake --build build/fuzz -j "$(nproc)" --target "$target"
bin=build/fuzz/fuzz/$target
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  dict=fuzz/dict/$target.dict
  [[ -f $dict ]] || dict=""
  heavy bash fuzz/run_fuzzer.sh "$bin" "fuzz/corpus/$target" "$1" "build/fuzz/fuzz/work/$target" "$dict"
else
  heavy "$bin" -runs=1 "$@"
fi
