#!/usr/bin/env bash
# Restores a backup made by backup.sh into the database named in DATABASE_URL.
#
#   DATABASE_URL=mysql://user:pass@host:3306/sentrypulse infrastructure/restore.sh FILE.sql.gz
#   infrastructure/restore.sh --compose FILE.sql.gz
#
# Safe by default: the checksum written by backup.sh must match, and the target database must be
# empty or missing. --force drops and recreates a database that has tables (stop the api and
# worker first: `docker compose stop api worker`). Restores into the database named in the URL,
# whatever database the dump came from, so a copy can be restored beside production to check it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

compose=0
force=0
file=""
for arg in "$@"; do
  case "$arg" in
    --compose) compose=1 ;;
    --force) force=1 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) die "unknown option: $arg (see --help)" ;;
    *) [ -z "$file" ] || die "one backup file at a time"; file="$arg" ;;
  esac
done
[ -n "$file" ] || die "usage: restore.sh [--force] [--compose] FILE.sql.gz"
[ -f "$file" ] || die "no such backup file: $file"

if [ -f "$file.sha256" ]; then
  expected="$(cut -d' ' -f1 "$file.sha256")"
  [ "$(sha256_of "$file")" = "$expected" ] || die "checksum mismatch for $file: the backup is damaged, nothing restored"
else
  log "warning: no $file.sha256 beside the backup; checking the gzip stream only"
fi
gzip -t "$file" 2>/dev/null || die "$file is not a valid gzip file, nothing restored"

if [ "$compose" = 1 ]; then
  load_dotenv "$here/../.env"
  DB_NAME="${MYSQL_DATABASE:-sentrypulse}"
  [ -n "${MYSQL_ROOT_PASSWORD:-}" ] || die "MYSQL_ROOT_PASSWORD is not set (.env)"
  sql() {
    docker compose -f "$here/../docker-compose.yml" exec -T -e MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql \
      mysql -uroot -h127.0.0.1 --default-character-set=utf8mb4 "$@"
  }
else
  [ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set (or use --compose)"
  parse_mysql_url "$DATABASE_URL"
  client="$(first_command mysql mariadb)" || die "the mysql (or mariadb) client is not installed"
  defaults="$(write_client_defaults)"
  trap 'rm -f "$defaults"' EXIT
  sql() { "$client" --defaults-extra-file="$defaults" --default-character-set=utf8mb4 "$@"; }
fi

tables="$(sql -N -B -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$DB_NAME'")" \
  || die "cannot reach the database server"
if [ "$tables" != "0" ]; then
  [ "$force" = 1 ] || die "database $DB_NAME has $tables tables; restore into an empty database, or pass --force to replace it"
  log "dropping database $DB_NAME (--force)"
  sql -e "DROP DATABASE \`$DB_NAME\`"
fi
sql -e "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"

log "restoring $file into $DB_NAME"
# The dump names its source database (--databases); point it at the target instead.
gunzip -c "$file" \
  | sed -E '/^(CREATE DATABASE|USE) /d' \
  | sql "$DB_NAME" \
  || die "restore failed part-way: $DB_NAME is incomplete; run again with --force"
log "restored $(sql -N -B -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$DB_NAME'") tables into $DB_NAME"
