#!/usr/bin/env bash
# Consistent online backup of the SentryPulse MySQL database.
#
#   DATABASE_URL=mysql://user:pass@host:3306/sentrypulse infrastructure/backup.sh
#   infrastructure/backup.sh --compose          # dump from the compose `mysql` service
#
# Writes $BACKUP_DIR/sentrypulse-<db>-<UTC time>.sql.gz and a .sha256 beside it, then deletes
# backups older than $BACKUP_KEEP_DAYS days. --single-transaction takes an InnoDB snapshot, so the
# api and worker keep writing while it runs and the dump is still consistent across tables.
# Prints the path of the new backup on stdout (logs go to stderr). Restore: restore.sh.
#
# Environment: DATABASE_URL (without --compose), BACKUP_DIR (default ./backups),
# BACKUP_KEEP_DAYS (default 14; 0 keeps everything).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

compose=0
for arg in "$@"; do
  case "$arg" in
    --compose) compose=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done

BACKUP_DIR="${BACKUP_DIR:-./backups}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
[[ "$BACKUP_KEEP_DAYS" =~ ^[0-9]+$ ]] || die "BACKUP_KEEP_DAYS must be a whole number of days"
mkdir -p "$BACKUP_DIR"
umask 077

# Everything needed for a restore that recreates the same schema, data and the migration table.
dump_opts=(--single-transaction --quick --routines --triggers --events --hex-blob
  --default-character-set=utf8mb4 --add-drop-table --no-tablespaces --skip-dump-date)

if [ "$compose" = 1 ]; then
  load_dotenv "$here/../.env"
  DB_NAME="${MYSQL_DATABASE:-sentrypulse}"
  [ -n "${MYSQL_ROOT_PASSWORD:-}" ] || die "MYSQL_ROOT_PASSWORD is not set (.env)"
  dump() {
    # The password travels as an environment variable of the exec, not on the command line.
    docker compose -f "$here/../docker-compose.yml" exec -T -e MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql \
      mysqldump -uroot -h127.0.0.1 "${dump_opts[@]}" --set-gtid-purged=OFF --databases "$DB_NAME"
  }
else
  [ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set (or use --compose)"
  parse_mysql_url "$DATABASE_URL"
  dumper="$(first_command mysqldump mariadb-dump)" || die "mysqldump (or mariadb-dump) is not installed"
  defaults="$(write_client_defaults)"
  trap 'rm -f "$defaults"' EXIT
  dump() {
    "$dumper" --defaults-extra-file="$defaults" "${dump_opts[@]}" --databases "$DB_NAME"
  }
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$BACKUP_DIR/sentrypulse-$DB_NAME-$stamp.sql.gz"
partial="$target.partial"
log "backing up database $DB_NAME"
# pipefail: a failing dump fails the script even though gzip succeeded.
if ! dump | gzip -6 >"$partial"; then
  rm -f "$partial"
  die "dump of $DB_NAME failed; no backup written"
fi
gzip -t "$partial" || { rm -f "$partial"; die "the compressed dump is corrupt"; }
mv "$partial" "$target"
printf '%s  %s\n' "$(sha256_of "$target")" "$(basename "$target")" >"$target.sha256"
log "wrote $target ($(du -h "$target" | cut -f1))"

if [ "$BACKUP_KEEP_DAYS" -gt 0 ]; then
  find "$BACKUP_DIR" -maxdepth 1 -type f -name "sentrypulse-$DB_NAME-*.sql.gz*" -mtime "+$BACKUP_KEEP_DAYS" -print -delete \
    | while read -r old; do log "removed old backup $old"; done
fi
printf '%s\n' "$target"
