#!/usr/bin/env bash
# Makes a fresh clone runnable on this kind of machine: pnpm, packages from the lockfile, and the
# MariaDB and Redis services (started only if they are not already answering). Idempotent and
# quick when everything is already there. Sourced by scripts/start.sh, scripts/test.sh, .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION=12.4.2
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "› installing pnpm $PNPM_VERSION"
  npm i -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1
fi

echo "› installing packages (frozen lockfile)"
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -vE '^(Progress|Packages:|\+\+|Downloading)' | tail -n 5 || true

if ! mysqladmin --protocol=tcp -h127.0.0.1 -uroot ping >/dev/null 2>&1; then
  echo "› starting MariaDB"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  start-stop-daemon --start --oknodo --background --chuid mysql --exec /usr/sbin/mariadbd -- --user=mysql
  for _ in $(seq 1 60); do mysqladmin --protocol=tcp -h127.0.0.1 -uroot ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "› starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 40); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.25; done
fi

# Debian packages the browser and proxy tests drive (never a browser downloaded by a test tool).
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v nginx >/dev/null 2>&1 || need_apt+=(nginx)
# promtool (checks the api's and the worker's /metrics in their tests) ships in Debian's prometheus package.
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
# xmllint (the Atom feed test checks well-formedness with it) ships in libxml2-utils.
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
if [ "${#need_apt[@]}" -gt 0 ] && [ "${SKIP_APT:-}" != "1" ]; then
  echo "› apt-get install ${need_apt[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # The Debian nginx package starts a system service on port 80; our tests run their own.
  service nginx stop >/dev/null 2>&1 || true
  service prometheus stop >/dev/null 2>&1 || true
fi
