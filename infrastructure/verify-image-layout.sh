#!/usr/bin/env bash
# Runs the Dockerfile's build and runtime steps without Docker, for machines (like CI here) that
# have no engine: a clean export of HEAD, `pnpm fetch` + offline frozen install, `pnpm -r build`,
# `pnpm deploy --prod` per app into a scratch "image" folder, tsx installed on its own as in
# /opt/tsx, then the migrate, api, worker and web commands of the Dockerfile started from those
# folders against a scratch database, and their health endpoints probed.
#
#   infrastructure/verify-image-layout.sh          # needs MariaDB and Redis as for the tests
#
# Catches what only breaks inside an image: a file `pnpm deploy` leaves out, a dependency that
# is only a devDependency, a start command that relies on the workspace layout. Takes a few
# minutes (the Next.js build dominates). Environment: TEST_DATABASE_SERVER_URL, REDIS_URL.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

tsx_version="$(sed -n 's/^ARG TSX_VERSION=//p' "$here/Dockerfile")"
work="$(mktemp -d "${TMPDIR:-/tmp}/sp-image-XXXXXX")"
db="sp_imagelayout_$$"
server="${TEST_DATABASE_SERVER_URL:-mysql://root@127.0.0.1:3306/}"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${DATABASE_URL:-}" ]; then
    parse_mysql_url "$DATABASE_URL"
    mysql --no-defaults --protocol=tcp -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" ${DB_PASSWORD:+-p"$DB_PASSWORD"} -e "DROP DATABASE IF EXISTS \`$db\`" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

log "exporting HEAD to $work/repo"
mkdir -p "$work/repo" "$work/out"
git -C "$root" archive HEAD | tar -x -C "$work/repo"
cd "$work/repo"
export CI=true NEXT_TELEMETRY_DISABLED=1
log "pnpm fetch + offline frozen install"
pnpm fetch >"$work/fetch.log" 2>&1 || { tail -20 "$work/fetch.log"; die "pnpm fetch failed"; }
pnpm install --offline --frozen-lockfile >"$work/install.log" 2>&1 || { tail -20 "$work/install.log"; die "install failed"; }
log "pnpm -r build"
pnpm -r --if-present build >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; die "build failed"; }
log "pnpm deploy --prod per app"
for app in api worker web; do
  pnpm --filter "@sentrypulse/$app" deploy --prod "$work/out/$app" >>"$work/deploy.log" 2>&1 || { tail -20 "$work/deploy.log"; die "deploy of $app failed"; }
done
cp -r apps/web/.next "$work/out/web/.next" && rm -rf "$work/out/web/.next/cache"
if [ -d packages/tracker/dist ]; then
  for app in api worker; do
    [ -d "$work/out/$app/node_modules/@sentrypulse/tracker" ] && cp -r packages/tracker/dist "$work/out/$app/node_modules/@sentrypulse/tracker/dist"
  done
fi
npm install --prefix "$work/out/tsx" --no-save --omit=dev "tsx@$tsx_version" >"$work/tsx.log" 2>&1 || die "tsx install failed"
loader="$work/out/tsx/node_modules/tsx/dist/loader.mjs"
rm -rf "$work/repo" # from here on only the "image" folders exist, as in the runtime stage

export NODE_ENV=production LOG_LEVEL=warn REDIS_PREFIX="spimage$$"
JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ENCRYPTION_KEY="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export JWT_SECRET ENCRYPTION_KEY
export DATABASE_URL="${server%/}/$db"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
api_port="$(port)" worker_port="$(port)" web_port="$(port)"

log "migrate (the migrate target's CMD)"
(cd "$work/out/api" && node --import "$loader" node_modules/@sentrypulse/db/src/cli/migrate.ts) || die "migrate failed"
(cd "$work/out/api" && API_HOST=127.0.0.1 API_PORT="$api_port" exec node --import "$loader" src/server.ts) >"$work/api.log" 2>&1 &
pids+=($!)
(cd "$work/out/worker" && WORKER_PORT="$worker_port" exec node --import "$loader" src/main.ts) >"$work/worker.log" 2>&1 &
pids+=($!)
(cd "$work/out/web" && API_INTERNAL_URL="http://127.0.0.1:$api_port" exec node_modules/.bin/next start -H 127.0.0.1 -p "$web_port") >"$work/web.log" 2>&1 &
pids+=($!)

probe() {
  local name="$1" url="$2" i
  for i in $(seq 1 120); do
    if node -e "fetch('$url').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then log "ok   $name $url"; return 0; fi
    sleep 0.5
  done
  log "FAIL $name $url"; tail -20 "$work/$name.log" >&2; return 1
}
failed=0
probe api "http://127.0.0.1:$api_port/api/ready" || failed=1
probe worker "http://127.0.0.1:$worker_port/ready" || failed=1
probe web "http://127.0.0.1:$web_port/login" || failed=1
probe web "http://127.0.0.1:$web_port/api/health" || failed=1
tracker="$(node -e "fetch('http://127.0.0.1:$api_port/tracker.js').then(r=>console.log(r.status),()=>console.log(0))")"
log "tracker.js from the api image: HTTP $tracker"
[ "$tracker" = 200 ] || { log "FAIL tracker.js is not served from the image layout"; failed=1; }
[ "$failed" = 0 ] || die "the image layout does not run"
log "image layout runs: migrate, api, worker, web"
