#!/usr/bin/env bash
# The whole test suite, as CI runs it: bootstrap, type-check + lint, build what the browser
# tests serve, then every test file against real MariaDB, Redis and local peer servers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh

echo "› type-check and lint"
pnpm check

echo "› build (tracker, web)"
pnpm -r --if-present build >/tmp/sentrypulse-build.log 2>&1 || { tail -n 60 /tmp/sentrypulse-build.log; exit 1; }

echo "› tests"
status=0
pnpm test || status=$?
node scripts/test-summary.mjs test-results.json || true
exit $status
