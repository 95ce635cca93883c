#!/usr/bin/env bash
# Side by side, in one run: the canned C floor, node-oauth2-server, oauthlib (uWSGI) and
# beast-oauth's example server, driven by the peers' load drivers (W1 bearer, W2 whole flow
# with the sign-in page and PKCE, W3 token exchange). Prints one table with ratios.
#
#   bash bench/compare.sh [--runs N] [--duration S] [--busy]   (defaults: 3 runs of 10 s)
#   --busy: do not wait for (or redo runs because of) other processes' CPU use
#
# Needs ../shared/peers (the peers and drivers). Installs what is missing (Debian packages,
# the node peer's npm dependencies), builds the example server in Release, and stops every
# server it started. Only loopback addresses are used.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
peers_src=${PEERS:-$root/../shared/peers}
[ -d "$peers_src" ] || { echo "peers not found at $peers_src (set PEERS=...)" >&2; exit 2; }
runs=3 duration=10 quiet=(--quiet-wait 20)
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2;; --duration) duration=$2; shift 2;;
    --busy) quiet=(--quiet-wait 3 --retries 0); shift;;  # a shared machine: don't wait for quiet
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done

# 1. Dependencies: our build deps, the drivers (wrk, gcc), the peers (uWSGI, oauthlib, node).
scripts/install_deps.sh
missing=()
for p in wrk python3-oauthlib uwsgi-core uwsgi-plugin-python3 iproute2; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v node >/dev/null || { echo "node (20) is needed for the node peer" >&2; exit 2; }

# 2. A writable copy of the peers (shared/ may be read-only), with the node peer's packages.
work=${PEERS_WORK:-/tmp/beast-oauth-peers}
mkdir -p "$work" && cp -rT "$peers_src" "$work" && chmod -R u+w "$work"
(cd "$work/node-oauth2-server" && [ -d node_modules ] || npm ci --no-audit --no-fund --silent)

# 3. beast-oauth's example server, Release build, load-test config.
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBEAST_OAUTH_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target intercom_server -j "$(nproc)"

stamp=$(date -u +%Y%m%d-%H%M%S)
results="$work/load/results"
mkdir -p "$results"
common=(--runs "$runs" --duration "$duration" --page --pkce "${quiet[@]}")

# 4. The peers, then beast-oauth, one after the other on the same quiet machine.
bash "$work/bench-peers.sh" canned node oauthlib -- "${common[@]}"

port=18084
build/release/examples/intercom_server --config bench/load-config.json --listen 127.0.0.1:$port \
  >"$results/server-beast-oauth.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q "listening on" "$results/server-beast-oauth.log" && break; sleep 0.1; done
/usr/bin/python3 "$work/load/run.py" "http://127.0.0.1:$port" --label beast-oauth-page-pkce --pid "$pid" \
  --resource-path /intercoms "${common[@]}"
kill -INT $pid; wait $pid 2>/dev/null || true; trap - EXIT

# 5. One table, with ratios against the floor and both peers.
/usr/bin/python3 bench/ratios.py "$results" canned-page-pkce node-page-pkce oauthlib-page-pkce beast-oauth-page-pkce \
  | tee "bench/results-$stamp.md"
echo "table saved to bench/results-$stamp.md"
