#!/usr/bin/env bash
# Starts the whole product on a fresh clone: bootstrap, migrate, demo data, api + worker + web.
set -euo pipefail
cd "$(dirname "$0")/.."
SKIP_APT=1 source scripts/bootstrap.sh
exec pnpm start
