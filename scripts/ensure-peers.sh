#!/usr/bin/env bash
# Install the real peers the test suite talks to, if they are missing:
#   redis-server (Debian package), Node.js + npm (Debian packages, only if absent), the npm
#   SMSC peer's node_modules (tests/peers/smsc, from its lockfile), and Debian's chromium for
#   the browser tests (tests/browser; Playwright drives it, it never downloads a browser).
# Only `make test` runs this (the Makefile's `peers` target); `make run` needs none of it.
# Idempotent and quiet when everything is there already.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  need_apt+=(chromium)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "installing Debian packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ -f tests/peers/smsc/package.json ]; then
  stamp=tests/peers/smsc/node_modules/.installed
  if [ ! -f "$stamp" ] || [ tests/peers/smsc/package-lock.json -nt "$stamp" ]; then
    (cd tests/peers/smsc && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
fi
