#!/usr/bin/env bash
# Installs dependencies (when package-lock.json changed since the last install), generates
# the Prisma clients and applies migrations to DATABASE_URL (SQLite by default).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-node.sh
stamp=node_modules/.install-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "==> npm install (Node $(node --version))"
  # Not `npm ci`: npm 11 leaves some optional platform packages (rollup's) out of the
  # lockfile, which `npm ci` rejects; `npm install` keeps the locked versions and fills them in.
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
npm run --silent setup
