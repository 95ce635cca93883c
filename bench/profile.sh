#!/usr/bin/env bash
# Where the server's CPU goes under one workload: perf (cpu-clock samples, flat profile of the
# server process) while the peers' driver runs W1 (bearer, wrk) or W3 (token exchange).
#   bash bench/profile.sh w1|w3 [example|floor] [SECONDS]   (defaults: example, 6 s)
# Prints the top symbols; the whole report goes to /tmp/beast-oauth-profile-<what>.txt. Run it
# quiet (`flock /tmp/beast_build.lock bash bench/profile.sh w1`); needs the Release build that
# bench/compare.sh makes and ../shared/peers. (Hardware counters may be unavailable in a VM;
# cpu-clock sampling works without them.)
set -euo pipefail
cd "$(dirname "$0")/.."
w=${1:?w1 or w3} what=${2:-example} secs=${3:-6}
work=${PEERS_WORK:-/tmp/beast-oauth-peers}
flowload=$work/load/bin/flowload
[ -x "$flowload" ] || { echo "run bench/compare.sh first (it builds the drivers)" >&2; exit 2; }
port=18091
if [ "$what" = floor ]; then
  build/release/bench/beast_floor --listen 127.0.0.1:$port --threads 2 >/tmp/beast-oauth-profile.log 2>&1 &
else
  build/release/examples/intercom_server --config bench/load-config.json --listen 127.0.0.1:$port \
    >/tmp/beast-oauth-profile.log 2>&1 &
fi
pid=$!
trap 'kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" /tmp/beast-oauth-profile.log && break; sleep 0.1; done
base=http://127.0.0.1:$port
token=$("$flowload" -m once -T 5 --page --pkce --resource-path /intercoms $base | tail -1)
data=/tmp/beast-oauth-profile-$w-$what.data
if [ "$w" = w1 ]; then
  wrk -t2 -c64 -d2s -H "Authorization: Bearer $token" $base/intercoms >/dev/null
  perf record -e cpu-clock -F 4999 -o "$data" -p "$pid" -- sleep "$secs" 2>/dev/null &
  rec=$!
  wrk -t2 -c64 -d"${secs}s" -H "Authorization: Bearer $token" $base/intercoms | grep -E "Requests/sec"
  wait $rec
else
  # token mode mints codes first, then exchanges them: record the exchange phase only
  "$flowload" -m token -c 64 -M 4 -n 100000 -d "$secs" --page --pkce --resource-path /intercoms $base \
    >/tmp/beast-oauth-profile-flow.log 2>&1 &
  drv=$!
  sleep 4.5
  perf record -e cpu-clock -F 4999 -o "$data" -p "$pid" -- sleep 2 2>/dev/null
  wait $drv; grep -E "^token" /tmp/beast-oauth-profile-flow.log || true
fi
out=/tmp/beast-oauth-profile-$w-$what.txt
perf report -i "$data" --stdio --no-children --sort dso,symbol 2>/dev/null | grep -v "^#" | grep -v "^$" >"$out"
head -40 "$out"
echo "(whole report: $out)"
