#!/usr/bin/env bash
# From a fresh clone: install everything and run the app on the embedded default
# (SQLite, local outbox) at http://localhost:${PORT:-3000}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
. scripts/ensure-node.sh
exec npm run --silent demo
