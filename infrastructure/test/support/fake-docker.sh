#!/usr/bin/env bash
# A stand-in for the docker CLI, for testing deploy.sh's orchestration on a machine without a
# Docker engine. It keeps containers as lines in $FAKE_DOCKER_STATE/<service> ("id image"),
# answers `compose ps -q`, `inspect` (health) and `compose up --scale` like compose would, and
# appends every call to $FAKE_DOCKER_STATE/calls.
#   FAKE_MIGRATE_EXIT   exit code of `compose run migrate` (default 0)
#   FAKE_UNHEALTHY      containers whose id matches this extended regex report "unhealthy"
set -euo pipefail
state="${FAKE_DOCKER_STATE:?}"
echo "$*" >>"$state/calls"

running() { [ -f "$state/$1" ] && cut -d' ' -f1 "$state/$1" || true; }
image_of() { case "$1" in api|migrate) echo "${IMAGE_PREFIX:-sentrypulse}-api:${IMAGE_TAG:-latest}" ;; *) echo "${IMAGE_PREFIX:-sentrypulse}-$1:${IMAGE_TAG:-latest}" ;; esac; }
remove_id() { local f; for f in "$state"/api "$state"/web "$state"/worker "$state"/nginx; do [ -f "$f" ] && sed -i "/^$1 /d" "$f"; done; }

if [ "${1:-}" = compose ]; then
  shift
  # skip -f FILE and --project-directory DIR
  while [ $# -gt 0 ]; do
    case "$1" in -f|--project-directory) shift 2 ;; *) break ;; esac
  done
  sub="$1"; shift
  case "$sub" in
    ps)
      [ "$1" = -q ] && shift
      running "$1"
      ;;
    run)
      [ "${FAKE_MIGRATE_EXIT:-0}" = 0 ] || { echo "migration 0007 failed: duplicate column" >&2; exit "$FAKE_MIGRATE_EXIT"; }
      ;;
    exec)
      # exec -T [-e X=Y] SERVICE CMD...
      while [ $# -gt 0 ]; do case "$1" in -T) shift ;; -e) shift 2 ;; *) break ;; esac; done
      service="$1"; shift
      if [ "$service" = mysql ]; then printf -- '-- fake dump of %s\nCREATE TABLE t (id int);\n' "${*: -1}"; fi
      ;;
    up)
      scale=""; services=()
      while [ $# -gt 0 ]; do
        case "$1" in
          --scale) scale="$2"; shift 2 ;;
          -d|--no-deps|--no-recreate|--wait|--build) shift ;;
          *) services+=("$1"); shift ;;
        esac
      done
      if [ -n "$scale" ]; then
        svc="${scale%%=*}"; want="${scale#*=}"
        have="$(running "$svc" | grep -c . || true)"
        while [ "$have" -lt "$want" ]; do
          n=$(( $(cat "$state/seq" 2>/dev/null || echo 0) + 1 )); echo "$n" >"$state/seq"
          echo "c$n-$svc $(image_of "$svc")" >>"$state/$svc"
          have=$((have + 1))
        done
        while [ "$have" -gt "$want" ]; do sed -i '$d' "$state/$svc"; have=$((have - 1)); done
      else
        for svc in "${services[@]}"; do
          if [ -z "$(running "$svc")" ]; then
            n=$(( $(cat "$state/seq" 2>/dev/null || echo 0) + 1 )); echo "$n" >"$state/seq"
            echo "c$n-$svc $(image_of "$svc")" >>"$state/$svc"
          fi
        done
      fi
      ;;
    *) ;;
  esac
  exit 0
fi

case "${1:-}" in
  inspect)
    id="${*: -1}"
    if [ -n "${FAKE_UNHEALTHY:-}" ] && [[ "$id" =~ $FAKE_UNHEALTHY ]]; then echo unhealthy; else echo healthy; fi
    ;;
  stop) ;;
  rm)
    shift
    [ "${1:-}" = -f ] && shift
    for id in "$@"; do remove_id "$id"; done
    ;;
  build|tag|push) ;;
  *) echo "fake docker: unsupported: $*" >&2; exit 2 ;;
esac
