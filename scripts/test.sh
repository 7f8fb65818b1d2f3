#!/usr/bin/env bash
# Every test tier, in order: typecheck and layer check, unit, integration (real Postgres + embedded PGlite), build, e2e.
# Installs what it needs on a fresh Debian machine (Chromium) and starts Postgres if it is down.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "[test] installing Debian chromium for Playwright"
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "[test] starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

echo "[test] typecheck"
npx tsc --noEmit
echo "[test] layers (dependency-cruiser: no cycles, no upward imports)"
npm run --silent lint:layers
echo "[test] unit + integration"
npx vitest run
echo "[test] production build"
npm run build
echo "[test] end-to-end (Playwright, Chromium)"
node scripts/e2e.mjs
