#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test suite (ctest in each):
#   build/test  Debug    unit and flow tests, header-only mode, example-server socket tests,
#                        the differential redirect test (WHATWG URL in Node.js), the browser test,
#                        the oauth4webapi interop test
#   build/asan  -O1      the unit and flow tests under ASan + UBSan (any report fails)
#   build/tsan  -O1      the [concurrency] tests under TSan (any report fails)
#   build/fuzz  clang    each libFuzzer target for BEAST_OAUTH_FUZZ_SECONDS (default 60) seconds
# Ends with the suites' ctest summaries and one "total: N passed, N failed" line.
# BEAST_OAUTH_LOCK=/path/to/lockfile runs each heavy step under flock (shared machines).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh --test

jobs=$(nproc)
fuzz_seconds=${BEAST_OAUTH_FUZZ_SECONDS:-60}
lock_wait=0
heavy() {
  if [[ -z "${BEAST_OAUTH_LOCK:-}" ]]; then
    "$@"
    return
  fi
  local t0 stamp rc=0
  t0=$(date +%s)
  stamp=$(mktemp)
  flock "$BEAST_OAUTH_LOCK" bash -c 'date +%s >"$0"; exec "$@"' "$stamp" "$@" || rc=$?
  lock_wait=$((lock_wait + $(cat "$stamp") - t0))
  rm -f "$stamp"
  return $rc
}
step() { echo "== $* ($(date +%T), ${SECONDS}s)"; }
sanitizer_opts=(-DCMAKE_BUILD_TYPE= "-DCMAKE_CXX_FLAGS=-O1 -g" -DBEAST_OAUTH_BUILD_EXAMPLES=OFF
                -DBEAST_OAUTH_INSTALL=OFF)

step "build/test"
# REQUIRE_ALL_CHECKS: a missing tool (clang++, doxygen, python3, node) fails instead of skipping a check.
heavy cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DBEAST_OAUTH_REQUIRE_ALL_CHECKS=ON >/dev/null
heavy cmake --build build/test -j "$jobs"

step "npm ci in tests/browser (playwright-core)"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
step "npm ci in tests/interop (oauth4webapi)"
(cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)

step "build/asan (ASan + UBSan)"
heavy cmake -S . -B build/asan "${sanitizer_opts[@]}" -DBEAST_OAUTH_SANITIZE=address,undefined >/dev/null
heavy cmake --build build/asan -j "$jobs"

step "build/tsan (TSan)"
heavy cmake -S . -B build/tsan "${sanitizer_opts[@]}" -DBEAST_OAUTH_SANITIZE=thread >/dev/null
heavy cmake --build build/tsan -j "$jobs"

step "build/fuzz (clang libFuzzer + ASan + UBSan)"
heavy cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE= -DBEAST_OAUTH_BUILD_FUZZERS=ON \
  -DBEAST_OAUTH_BUILD_TESTS=OFF -DBEAST_OAUTH_BUILD_EXAMPLES=OFF -DBEAST_OAUTH_INSTALL=OFF \
  -DBEAST_OAUTH_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
heavy cmake --build build/fuzz -j "$jobs"

total_passed=0
total_failed=0
failed_suites=()
suite() { # NAME BUILD_DIR [ctest arguments]
  local name=$1 dir=$2
  shift 2
  step "ctest: $name"
  local log="$dir/ctest.log"
  heavy ctest --test-dir "$dir" --output-on-failure "$@" >"$log" 2>&1 || true
  cat "$log"
  local line
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1 || true)
  if [[ $line =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    local failed=${BASH_REMATCH[1]} all=${BASH_REMATCH[2]}
    total_failed=$((total_failed + failed))
    total_passed=$((total_passed + all - failed))
    [[ $failed -eq 0 && $all -gt 0 ]] || failed_suites+=("$name")
  else
    total_failed=$((total_failed + 1))
    failed_suites+=("$name (no ctest summary)")
  fi
}

suite "fuzz smoke runs (${fuzz_seconds} s each)" build/fuzz -j 2
cat build/fuzz/fuzz/work/*/summary.txt 2>/dev/null || true
suite "unit and flow tests under ASan + UBSan" build/asan
suite "concurrency tests under TSan" build/tsan
suite "main suite" build/test -j 2

# The evidence figures (ctest shows test output only on failure).
echo "== figures"
cat build/fuzz/fuzz/work/*/summary.txt 2>/dev/null || true
grep -hE '^  (candidates tried|accepted by|known finding|mismatches)' build/test/Testing/Temporary/LastTest.log 2>/dev/null || true
grep -hE '^[0-9]+ passed, [0-9]+ failed$|^screenshots in ' build/test/Testing/Temporary/LastTest.log 2>/dev/null || true

echo "== done in ${SECONDS}s${BEAST_OAUTH_LOCK:+ (of which ${lock_wait}s waiting for $BEAST_OAUTH_LOCK)}"
if [[ ${#failed_suites[@]} -gt 0 ]]; then
  echo "failed suites: ${failed_suites[*]}"
fi
echo "total: ${total_passed} passed, ${total_failed} failed"
[[ $total_failed -eq 0 && ${#failed_suites[@]} -eq 0 ]]
