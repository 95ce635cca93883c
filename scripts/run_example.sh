#!/usr/bin/env bash
# Installs what is missing, builds the example intercom server and starts it.
# Extra arguments go to the server, e.g. --listen 0.0.0.0:8080 or --config my.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBEAST_OAUTH_BUILD_TESTS=OFF >/dev/null
cmake --build build/release --target intercom_server -j "$(nproc)"
exec build/release/examples/intercom_server "$@"
