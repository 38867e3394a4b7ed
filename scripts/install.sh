#!/usr/bin/env bash
# Installs dependencies (when package-lock.json changed since the last install), generates
# the Prisma clients and applies migrations to DATABASE_URL (SQLite by default).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-node.sh
# The stamp holds the lockfile's hash, not its time: tools that rewrite the lockfile with the
# same content (Shopify's CLI does during `shopify app build`) must not trigger a reinstall.
stamp=node_modules/.install-stamp
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "==> npm install (Node $(node --version))"
  # Not `npm ci`: npm 11 leaves some optional platform packages (rollup's) out of the
  # lockfile, which `npm ci` rejects; `npm install` keeps the locked versions and fills them in.
  npm install --no-audit --no-fund --loglevel=error
  # npm may rewrite the lockfile (filling in platform packages): stamp what it left.
  sha256sum package-lock.json | cut -d' ' -f1 > "$stamp"
fi
npm run --silent setup
