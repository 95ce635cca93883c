#!/usr/bin/env bash
# Side by side, in one run: the canned C floor, node-oauth2-server, oauthlib (uWSGI), the Beast
# floor (bench/beast_floor.cpp: the example's transport with canned answers, no OAuth work) and
# beast-oauth's example server, driven by the peers' load drivers (W1 bearer, W2 whole flow with
# the sign-in page and PKCE, W3 token exchange); then W2 and W3 with the SQLite and PostgreSQL
# stores. Prints one table with ratios against the Beast floor and the goals of issue 15.
#
#   bash bench/compare.sh [--runs N] [--duration S] [--busy] [--set http|db|rss|all] [--stamp NAME]
#   (defaults: 3 runs of 10 s, --set all, --stamp = today's UTC date)
#   --busy: do not wait for (or redo runs because of) other processes' CPU use
#   --set:  http = the five servers, in-memory store; db = beast-oauth on SQLite and on a
#           PostgreSQL started here on loopback (sqlite, postgres: one of them); rss = idle RSS of the example built without the
#           PostgreSQL store. On a shared machine run the sets one by one under the build lock
#           (`flock /tmp/beast_build.lock bash bench/compare.sh --set http`), each hold < 12 min.
#   --stamp: every set of one run writes into bench/results-<stamp>.md and .json (ratios.py
#           merges the newest result of every label, bench/inprocess-*.json and the soak).
#
# Needs ../shared/peers (the peers and drivers). Installs what is missing (Debian packages,
# the node peer's npm dependencies), builds the example server and the Beast floor in Release,
# and stops every server it started. Only loopback addresses are used.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
peers_src=${PEERS:-$root/../shared/peers}
[ -d "$peers_src" ] || { echo "peers not found at $peers_src (set PEERS=...)" >&2; exit 2; }
runs=3 duration=10 quiet=(--quiet-wait 20) set=all stamp=$(date -u +%Y%m%d)
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2;; --duration) duration=$2; shift 2;;
    --busy) quiet=(--quiet-wait 3 --retries 0); shift;;  # a shared machine: don't wait for quiet
    --set) set=$2; shift 2;; --stamp) stamp=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
case "$set" in http|db|sqlite|postgres|rss|all) ;; *) echo "--set must be http, db, sqlite, postgres, rss or all" >&2; exit 2;; esac

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
mkdir -p "$work/load/bin"
gcc -O2 -Wall -o "$work/load/bin/flowload" "$work/load/flowload.c" -lpthread

# 3. The example server and the Beast floor, Release build (the floor needs BEAST_OAUTH_BUILD_BENCH).
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DBEAST_OAUTH_BUILD_TESTS=OFF -DBEAST_OAUTH_BUILD_BENCH=ON >/dev/null
cmake --build build/release --target intercom_server beast_floor -j "$(nproc)"

results="$work/load/results"
mkdir -p "$results"
common=(--runs "$runs" --duration "$duration" --page --pkce "${quiet[@]}")

pid=""
stop() { if [ -n "$pid" ]; then kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi; }
trap stop EXIT
# serve LABEL PORT COMMAND...: start a server, wait for it, leave its pid in $pid.
serve() {
  local label=$1 port=$2; shift 2
  "$@" >"$results/server-$label.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$results/server-$label.log" && return 0; sleep 0.1; done
  echo "$label did not start:" >&2; cat "$results/server-$label.log" >&2; exit 1
}
# measure LABEL PORT [run.py options]: the drivers against the server started by serve.
measure() {
  local label=$1 port=$2; shift 2
  /usr/bin/python3 "$work/load/run.py" "http://127.0.0.1:$port" --label "$label" --pid "$pid" \
    --resource-path /intercoms "${common[@]}" "$@"
}

# 4. The peers, the Beast floor, then beast-oauth, one after the other on the same quiet machine.
if [ "$set" = http ] || [ "$set" = all ]; then
  bash "$work/bench-peers.sh" canned node oauthlib -- "${common[@]}"
  serve beast-floor 18086 build/release/bench/beast_floor --listen 127.0.0.1:18086 --threads 2
  measure beast-floor-page-pkce 18086; stop
  serve beast-oauth 18084 build/release/examples/intercom_server --config bench/load-config.json --listen 127.0.0.1:18084
  measure beast-oauth-page-pkce 18084; stop
fi

# 5. The database stores: W2 and W3, the database server's CPU counted with ours.
if [ "$set" = db ] || [ "$set" = sqlite ] || [ "$set" = all ]; then
  db=$(mktemp -d /tmp/beast-oauth-bench-sqlite.XXXXXX)
  serve beast-oauth-sqlite 18087 build/release/examples/intercom_server --config bench/load-config.json \
    --listen 127.0.0.1:18087 --store "sqlite:$db/bench.db"
  measure beast-oauth-sqlite-page-pkce 18087 --only w2,w3; stop
  rm -rf "$db"
fi
if [ "$set" = db ] || [ "$set" = postgres ] || [ "$set" = all ]; then
  # A throwaway PostgreSQL on loopback (tests/e2e/pg_server.py: initdb, a free port, removed after).
  # fsync on (pg_server.py turns it off for tests): commits cost what they cost in production.
  # A shared store needs one secret_key for every instance: bench/load-config-postgres.json.
  BEAST_OAUTH_PG_FSYNC=${BEAST_OAUTH_PG_FSYNC:-on} BENCH_RESULTS=$results BENCH_COMMON="${common[*]}" BENCH_WORK=$work /usr/bin/python3 tests/e2e/with_postgres.py bash -c '
    set -euo pipefail
    pgport=$(sed -E "s/.*port=([0-9]+).*/\1/" <<<"$BEAST_OAUTH_TEST_POSTGRES")
    pgpid=$(ss -Hltnp "sport = :$pgport" | grep -o "pid=[0-9]*" | head -1 | cut -d= -f2)
    build/release/examples/intercom_server --config bench/load-config-postgres.json --listen 127.0.0.1:18088 \
      --store "postgres:$BEAST_OAUTH_TEST_POSTGRES" >"$BENCH_RESULTS/server-beast-oauth-postgres.log" 2>&1 &
    spid=$!
    trap "kill -INT $spid 2>/dev/null || true; wait $spid 2>/dev/null || true" EXIT
    for _ in $(seq 100); do grep -q "listening on" "$BENCH_RESULTS/server-beast-oauth-postgres.log" && break; sleep 0.1; done
    grep -q "listening on" "$BENCH_RESULTS/server-beast-oauth-postgres.log" || { cat "$BENCH_RESULTS/server-beast-oauth-postgres.log" >&2; exit 1; }
    # the PostgreSQL server (its backends are its children) counts as the server side
    /usr/bin/python3 "$BENCH_WORK/load/run.py" http://127.0.0.1:18088 --label beast-oauth-postgres-page-pkce \
      --pid "$spid" --pid "$pgpid" --resource-path /intercoms $BENCH_COMMON --only w2,w3'
fi

# 6. Idle RSS of the example built without the PostgreSQL store (the goal is for that build).
if [ "$set" = rss ] || [ "$set" = all ]; then
  cmake -S . -B build/release-nopg -DCMAKE_BUILD_TYPE=Release -DBEAST_OAUTH_BUILD_TESTS=OFF \
    -DBEAST_OAUTH_WITH_POSTGRES=OFF >/dev/null
  cmake --build build/release-nopg --target intercom_server -j "$(nproc)"
  serve beast-oauth-nopg 18089 build/release-nopg/examples/intercom_server --config bench/load-config.json \
    --listen 127.0.0.1:18089
  "$work/load/bin/flowload" -m once --page --pkce --resource-path /intercoms http://127.0.0.1:18089 >/dev/null
  sleep 1
  /usr/bin/python3 - "$pid" "$results/rss-nopg-$(date -u +%Y%m%d-%H%M%S).json" <<'EOF'
import json, sys
pid, out = sys.argv[1], sys.argv[2]
st = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status") if ":" in l)
kib = lambda k: int(st[k].split()[0])
r = {"build": "Release, BEAST_OAUTH_WITH_POSTGRES=OFF", "after": "one whole flow",
     "rss_kib": kib("VmRSS"), "anon_kib": kib("RssAnon"), "file_kib": kib("RssFile")}
json.dump(r, open(out, "w"))
print(r)
EOF
  stop
fi

# 7. One table, with ratios against the floors and the goals.
/usr/bin/python3 bench/ratios.py "$results" --out "bench/results-$stamp"
echo "table saved to bench/results-$stamp.md (data: bench/results-$stamp.json)"
