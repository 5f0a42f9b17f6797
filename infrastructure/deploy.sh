#!/usr/bin/env bash
# Upgrades a running docker compose deployment with no downtime for the api and web:
#
#   1. pull     git pull --ff-only (skip with --no-pull)
#   2. build    infrastructure/build.sh, images tagged with the new commit
#   3. backup   infrastructure/backup.sh --compose (skip with --no-backup)
#   4. migrate  docker compose run --rm migrate (the one-shot service; a failure stops the deploy
#               before any process runs the new code)
#   5. rolling  for api, web, worker in turn: start the new containers beside the old ones, wait
#               until every new one is healthy, reload nginx, stop the old ones (SIGTERM: in-flight
#               requests and jobs finish, see stop_grace_period), scale back
#
#   infrastructure/deploy.sh [--no-pull] [--no-backup] [--services "api web worker"]
#
# Migrations must stay compatible with the code still running during step 5 (add columns and
# tables first, drop them a release later: docs/operations.md "Upgrading").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

pull=1
backup=1
services="api web worker"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-pull) pull=0 ;;
    --no-backup) backup=0 ;;
    --services) shift; services="${1:-}"; [ -n "$services" ] || die "--services needs a list" ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done
for s in $services; do
  case "$s" in api|web|worker) ;; *) die "cannot roll \"$s\": only api, web and worker" ;; esac
done

HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-180}"
compose() { docker compose -f "$root/docker-compose.yml" --project-directory "$root" "$@"; }

[ -f "$root/.env" ] || die "no .env beside docker-compose.yml (copy .env.example and fill it in)"

if [ "$pull" = 1 ]; then
  log "pulling"
  git -C "$root" pull --ff-only
fi

IMAGE_TAG="$("$here/build.sh" | tail -n 1)"
export IMAGE_TAG
log "deploying $IMAGE_TAG"

if [ "$backup" = 1 ]; then
  BACKUP_DIR="${BACKUP_DIR:-$root/backups}" "$here/backup.sh" --compose >/dev/null
fi

log "migrating"
compose up -d --wait mysql redis
compose run --rm --no-deps migrate || die "migration failed: nothing was restarted, the old version keeps running"

container_health() {
  docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null || echo missing
}

wait_healthy() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT)) id pending
  while :; do
    pending=""
    for id in "$@"; do
      case "$(container_health "$id")" in
        healthy) ;;
        unhealthy|exited|dead|missing) return 1 ;;
        *) pending="$pending $id" ;;
      esac
    done
    [ -z "$pending" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 2
  done
}

reload_nginx() {
  # nginx resolves `api` and `web` when it loads its config: a reload picks up the new replicas.
  if [ -n "$(compose ps -q nginx)" ]; then compose exec -T nginx nginx -s reload; fi
}

roll() {
  local service="$1" old new count id
  old="$(compose ps -q "$service" | sort)"
  count="$(printf '%s\n' "$old" | grep -c . || true)"
  if [ "$count" -eq 0 ]; then
    log "$service: not running, starting it"
    compose up -d --no-deps --wait "$service"
    return
  fi
  log "$service: starting $count new container(s) beside $count old"
  compose up -d --no-deps --no-recreate --scale "$service=$((count * 2))" "$service"
  new="$(comm -13 <(printf '%s\n' "$old") <(compose ps -q "$service" | sort))"
  # shellcheck disable=SC2086
  if ! wait_healthy $new; then
    log "$service: new containers did not become healthy; removing them, the old ones keep serving"
    # shellcheck disable=SC2086
    docker rm -f $new >/dev/null
    die "deploy of $service failed"
  fi
  [ "$service" = worker ] || reload_nginx
  log "$service: stopping the old container(s)"
  for id in $old; do
    docker stop "$id" >/dev/null
    docker rm "$id" >/dev/null
  done
  [ "$service" = worker ] || reload_nginx
  compose up -d --no-deps --no-recreate --scale "$service=$count" "$service"
  log "$service: $count container(s) on $IMAGE_TAG"
}

for s in $services; do roll "$s"; done
compose up -d --no-recreate nginx
log "deployed $IMAGE_TAG"
