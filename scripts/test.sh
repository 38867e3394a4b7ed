#!/usr/bin/env bash
# Runs the test suite. SQLite by default; TEST_DATABASE=postgresql runs it against a fresh
# database on the local PostgreSQL (PG_ADMIN_URL, default postgresql://$USER@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
. scripts/ensure-node.sh
exec npm test -- "$@"
