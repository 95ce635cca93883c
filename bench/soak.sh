#!/usr/bin/env bash
# Memory under a steady stream of flows: RSS must stop growing once entries start to expire.
#   bash bench/soak.sh [MINUTES] [FLOWS_PER_S]   (defaults 30 and 20)
# The server runs bench/soak-config.json: in-memory store, codes live 10 s, access tokens 30 s,
# refresh tokens 60 s, used codes and revoked grants are remembered 60 s more. So every entry
# is reclaimable after about 2 minutes; from then on, live entries (and RSS) stay flat while
# flows keep coming. bench/soak.py drives whole flows (page, login, PKCE exchange, API call) at
# a FIXED rate and samples RSS every 10 s into bench/soak-<stamp>.csv and .json; the charts
# script (bench/charts.py) draws the curve. An RSS measurement: it needs no quiet machine, so
# it does not take the build lock. Needs ../shared/peers (the flowload driver) and the Release
# build of intercom_server (bench/compare.sh makes one; the build itself needs the lock).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
rate=${2:-20}
peers_src=${PEERS:-$(pwd)/../shared/peers}
work=${PEERS_WORK:-/tmp/beast-oauth-peers}
mkdir -p "$work" && cp -rT "$peers_src" "$work" && chmod -R u+w "$work"
mkdir -p "$work/load/bin"
[ -x "$work/load/bin/flowload" ] || gcc -O2 -o "$work/load/bin/flowload" "$work/load/flowload.c" -lpthread
[ -x "$work/load/bin/flowload" ] || { echo "flowload did not build" >&2; exit 2; }
server=build/release/examples/intercom_server
[ -x "$server" ] || { echo "build $server first (bench/compare.sh does)" >&2; exit 2; }
stamp=$(date -u +%Y%m%d-%H%M%S)
log=/tmp/beast-oauth-soak-$stamp.log
# Private copies: a rebuild of build/release or of the drivers (compare.sh rebuilds flowload)
# during the soak does not touch the running binaries.
cp "$server" "/tmp/beast-oauth-soak-server-$stamp"
cp "$work/load/bin/flowload" "/tmp/beast-oauth-soak-flowload-$stamp"
"/tmp/beast-oauth-soak-server-$stamp" --config bench/soak-config.json >"$log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "/tmp/beast-oauth-soak-server-$stamp" "/tmp/beast-oauth-soak-flowload-$stamp"' EXIT
for _ in $(seq 50); do grep -q "listening on" "$log" && break; sleep 0.1; done
/usr/bin/python3 bench/soak.py --pid "$pid" --url http://127.0.0.1:18085 --flowload "/tmp/beast-oauth-soak-flowload-$stamp" \
  --minutes "$minutes" --rate "$rate" --out "bench/soak-$stamp"
echo "samples in bench/soak-$stamp.csv, summary in bench/soak-$stamp.json"
