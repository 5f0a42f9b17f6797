# Shared helpers for infrastructure/*.sh (sourced, not run).

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Percent-decoding for URL parts (passwords may contain %40 etc.).
urldecode() { local s="${1//+/ }"; printf '%b' "${s//%/\\x}"; }

# Splits a mysql://user:password@host:port/database URL into DB_USER, DB_PASSWORD, DB_HOST,
# DB_PORT and DB_NAME. Query strings are ignored.
parse_mysql_url() {
  local url="$1"
  [[ "$url" =~ ^mysql://(([^:@/]*)(:([^@/]*))?@)?([^:/?]+)(:([0-9]+))?/([A-Za-z0-9_]+)(\?.*)?$ ]] \
    || die "DATABASE_URL must look like mysql://user:password@host:3306/database"
  DB_USER="$(urldecode "${BASH_REMATCH[2]:-root}")"
  DB_PASSWORD="$(urldecode "${BASH_REMATCH[4]:-}")"
  DB_HOST="${BASH_REMATCH[5]}"
  DB_PORT="${BASH_REMATCH[7]:-3306}"
  DB_NAME="${BASH_REMATCH[8]}"
  [ -n "$DB_USER" ] || DB_USER=root
}

# A client options file (mode 600) so the password never appears on a command line or in `ps`.
# Prints its path; the caller removes it (trap).
write_client_defaults() {
  local file
  file="$(mktemp "${TMPDIR:-/tmp}/sp-mysql-XXXXXX.cnf")"
  chmod 600 "$file"
  {
    printf '[client]\n'
    printf 'user=%s\n' "$DB_USER"
    printf 'password="%s"\n' "${DB_PASSWORD//\"/\\\"}"
    printf 'host=%s\n' "$DB_HOST"
    printf 'port=%s\n' "$DB_PORT"
    # TCP even for "localhost", which the client would otherwise take as the socket.
    printf 'protocol=tcp\n'
  } >"$file"
  printf '%s' "$file"
}

first_command() {
  local c
  for c in "$@"; do
    if command -v "$c" >/dev/null 2>&1; then printf '%s' "$c"; return 0; fi
  done
  return 1
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# Reads .env next to docker-compose.yml (if any) without overriding the caller's environment.
load_dotenv() {
  local file="$1" line key
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[[:space:]]*# || ! "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] && continue
    key="${BASH_REMATCH[1]}"
    [ -n "${!key+x}" ] || export "$key=${BASH_REMATCH[2]}"
  done <"$file"
}
