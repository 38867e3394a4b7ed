#!/usr/bin/env bash
# Installs dependencies (when package-lock.json changed since the last install), generates
# the Prisma clients and applies migrations to DATABASE_URL (SQLite by default).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-node.sh
stamp=node_modules/.install-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "==> npm ci (Node $(node --version))"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
npm run --silent setup
