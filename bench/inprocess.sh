#!/usr/bin/env bash
# The in-process figures of docs/performance.md (Google Benchmark, no sockets): bearer
# validation and whole exchanges at 1k, 1M and 10M live tokens, 1 and 2 threads on one server,
# code issuance, refresh, heap bytes per live token. Writes bench/inprocess-<stamp>.json, which
# bench/ratios.py reads. Run it quiet: `flock /tmp/beast_build.lock bash bench/inprocess.sh`.
#   bash bench/inprocess.sh [FILTER]   (default: the benchmarks the goals use; ".*" for all)
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${1:-"BM_(opaque_bearer_validation|bearer_validation_shared|token_exchange_shared|code_issuance|token_issuance|token_exchange_handle_request|refresh_memory|refresh_sqlite|memory_per_live_token)"}
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBEAST_OAUTH_BUILD_TESTS=OFF -DBEAST_OAUTH_BUILD_BENCH=ON >/dev/null
cmake --build build/release --target beast_oauth_bench -j "$(nproc)"
stamp=$(date -u +%Y%m%d-%H%M%S)
build/release/bench/beast_oauth_bench --benchmark_filter="$filter" \
  --benchmark_out="bench/inprocess-$stamp.json" --benchmark_out_format=json
echo "saved bench/inprocess-$stamp.json"
