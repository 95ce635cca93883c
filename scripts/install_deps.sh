#!/usr/bin/env bash
# Installs the Debian 12 packages beast-oauth needs, only those that are missing.
#   scripts/install_deps.sh          build dependencies
#   scripts/install_deps.sh --test   build + test dependencies
set -euo pipefail

packages=(build-essential cmake libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
          libssl-dev catch2
          libsqlite3-dev libpq-dev)   # the SQLite and PostgreSQL stores (built by default)
if [[ "${1:-}" == "--test" ]]; then
  # Socket-level tests: Debian's Python with requests-oauthlib (a standard OAuth client), openssl CLI for TLS.
  packages+=(python3 python3-requests python3-requests-oauthlib python3-authlib openssl)
  # Store tests: a real PostgreSQL server, started by the tests into a temporary directory.
  packages+=(postgresql)
fi

if [[ "${1:-}" == "--test" ]]; then
  # Warnings check with a second compiler (clang 14) and the Doxygen API reference check.
  packages+=(clang doxygen)
  # Fuzzing (clang 14 libFuzzer + ASan/UBSan runtimes), the browser test (Debian's chromium;
  # playwright-core comes from npm into tests/browser), a font for its screenshots.
  packages+=(clang libclang-rt-14-dev chromium fonts-dejavu-core)
  # Node.js runs the differential and browser tests; the machine image ships Node 20, so
  # Debian's nodejs/npm are installed only where there is no node at all.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
  fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
