#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time on its seed corpus and prints one summary line:
#   fuzz <target>: <N> executions in <S> s (<R>/s), <C> coverage edges, corpus <K> inputs, findings 0
# Usage: run_fuzzer.sh BINARY SEED_DIR SECONDS WORK_DIR [DICT]
# New inputs go to WORK_DIR/corpus (the committed seeds are read, never written); a crash,
# leak, sanitizer report, timeout or out-of-memory leaves its input in WORK_DIR/artifacts and
# fails the run with the report.
set -uo pipefail
bin=$1 seeds=$2 seconds=$3 work=$4 dict=${5:-}
name=$(basename "$bin")
mkdir -p "$work/corpus" "$work/artifacts"
rm -f "$work/artifacts/"*
log="$work/fuzz.log"
args=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -print_final_stats=1
      -artifact_prefix="$work/artifacts/" -max_len=16384)
[[ -n "$dict" ]] && args+=(-dict="$dict")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
"$bin" "${args[@]}" "$work/corpus" "$seeds" >"$log" 2>&1
rc=$?

stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
execs=$(stat number_of_executed_units)
rate=$(stat average_exec_per_sec)
cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
corp=$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
findings=$(find "$work/artifacts" -type f | wc -l)
if [[ $rc -ne 0 && $findings -eq 0 ]]; then findings=1; fi
summary="fuzz ${name}: ${execs:-0} executions in ${seconds} s (${rate:-0}/s), ${cov:-0} coverage edges, corpus ${corp:-0} inputs, findings ${findings}"
echo "$summary" | tee "$work/summary.txt"
if [[ $rc -ne 0 || $findings -ne 0 || -z "$execs" ]]; then
  echo "--- ${name} FAILED (exit $rc); libFuzzer output (tail):"
  tail -n 80 "$log"
  for f in "$work/artifacts/"*; do
    [[ -f "$f" ]] || continue
    echo "--- finding: $f"
    head -c 600 "$f" | od -c | head -20
  done
  exit 1
fi
exit 0
