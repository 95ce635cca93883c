#!/usr/bin/env bash
# Memory under a steady stream of flows: RSS must stop growing once entries start to expire.
#   bash bench/soak.sh [MINUTES]   (default 6)
# The server runs bench/soak-config.json: in-memory store, codes live 10 s, access tokens 30 s,
# refresh tokens 60 s, used codes and revoked grants are remembered 60 s more. So every entry
# is reclaimable after about 2 minutes; from then on, live entries (and RSS) stay flat while
# flows keep coming. Prints RSS every 20 s and the flows driven. Needs ../shared/peers (the
# flowload driver) and a Release build (bench/compare.sh makes one).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-6}
peers_src=${PEERS:-$(pwd)/../shared/peers}
work=${PEERS_WORK:-/tmp/beast-oauth-peers}
mkdir -p "$work" && cp -rT "$peers_src" "$work" && chmod -R u+w "$work"
mkdir -p "$work/load/bin"
[ -x "$work/load/bin/flowload" ] || gcc -O2 -o "$work/load/bin/flowload" "$work/load/flowload.c" -lpthread
[ -x "$work/load/bin/flowload" ] || { echo "flowload did not build" >&2; exit 2; }
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBEAST_OAUTH_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target intercom_server -j "$(nproc)" >/dev/null
build/release/examples/intercom_server --config bench/soak-config.json >/tmp/beast-oauth-soak.log 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "listening on" /tmp/beast-oauth-soak.log && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "minute  rss_kib  (idle: $(rss) KiB)"
seconds=$((minutes * 60))
# 8 connections: a steady stream well below saturation, so sampling is not starved.
"$work/load/bin/flowload" -m flow -c 8 -d "$seconds" -w 0 --page --pkce --resource-path /intercoms \
  http://127.0.0.1:18085 >/tmp/beast-oauth-soak-flows.log 2>&1 &
driver=$!
for ((t = 20; t <= seconds; t += 20)); do
  sleep 20
  printf '%6.2f  %7d\n' "$(echo "$t / 60" | bc -l)" "$(rss)"
done
wait $driver || true
grep -E "^flow |errors=" /tmp/beast-oauth-soak-flows.log || tail -3 /tmp/beast-oauth-soak-flows.log
