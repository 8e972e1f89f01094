#!/usr/bin/env bash
# A PostgreSQL server for careerbot on 127.0.0.1 only, with its data in a folder of its own.
#   usage: scripts/services/postgres.sh install | start | stop | status | url [DATABASE]
# Settings (environment):
#   PG_DIR        folder for the data, socket, log and password (default: $CAREERBOT_SERVICES_DIR/postgres,
#                 i.e. var/services/postgres)
#   PG_PORT       TCP port on 127.0.0.1 (default 55432)
#   PG_USER       the role careerbot connects as (default careerbot)
#   PG_DATABASES  databases created for it (default "careerbot careerbot_tracker": knowledge base, conversations)
#   PG_PASSWORD   its password (default: generated on first start, kept in $PG_DIR/password, mode 600)
#   PG_OPTIONS    extra server options, e.g. "-c fsync=off" for throw-away test servers
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user that Debian's package
# creates, so PG_DIR and its parent folders must be reachable by that user (/tmp and var/ are).
# `url` prints the SQLAlchemy URL for CAREERBOT_DB_URL or TRACKER_STORE_URL.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh"

PG_DIR="${PG_DIR:-$services_dir/postgres}"
PG_PORT="${PG_PORT:-55432}"
PG_USER="${PG_USER:-careerbot}"
PG_DATABASES="${PG_DATABASES:-careerbot careerbot_tracker}"
PG_OPTIONS="${PG_OPTIONS:-}"
data="$PG_DIR/data"
run="$PG_DIR/run"
log="$PG_DIR/postgres.log"

as_pg() {  # run a command as the server's owner: `postgres` when we are root, else ourselves
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

password() {
  if [ -n "${PG_PASSWORD:-}" ]; then echo "$PG_PASSWORD"; else password_in "$PG_DIR/password"; fi
}

bin() {
  pg_bindir || die "PostgreSQL is not installed. Fix: scripts/services/install.sh postgres"
}

running() {
  [ -f "$data/PG_VERSION" ] && as_pg "$(bin)/pg_ctl" -D "$data" status >/dev/null 2>&1
}

prepare() {  # make the folders, owned by the server's user, and the cluster on first use
  mkdir -p "$PG_DIR"
  chmod 755 "$PG_DIR"
  password >/dev/null  # made now, by us, readable only by us
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' user (Debian's postgresql package makes it)"
    runuser -u postgres -- test -x "$PG_DIR" || \
      die "user postgres cannot reach $PG_DIR; choose a PG_DIR whose parents are world-searchable (e.g. under /tmp)"
    mkdir -p "$data" "$run"
    chown postgres: "$data" "$run"
    touch "$log" && chown postgres: "$log"
  else
    mkdir -p "$data" "$run"
  fi
  chmod 700 "$data" "$run"
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "==> [postgres] Creating a cluster in $data"
    as_pg "$(bin)/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || \
      { cat "$PG_DIR/initdb.log" >&2; die "initdb failed (log above)"; }
  fi
}

provision() {  # the role and databases careerbot uses (idempotent)
  local db
  as_pg "$(bin)/psql" -h "$run" -p "$PG_PORT" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
      -v user="$PG_USER" -v pw="$(password)" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user')
\gexec
ALTER ROLE :"user" PASSWORD :'pw';
SQL
  for db in $PG_DATABASES; do
    as_pg "$(bin)/psql" -h "$run" -p "$PG_PORT" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
        -v user="$PG_USER" -v db="$db" >/dev/null <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')
\gexec
SQL
  done
}

start() {
  if running; then
    echo "==> [postgres] Already running on 127.0.0.1:$PG_PORT ($data)"
  else
    port_open "$PG_PORT" && die "port $PG_PORT is taken by another program. Fix: choose another PG_PORT"
    prepare
    echo "==> [postgres] Starting on 127.0.0.1:$PG_PORT (data $data, log $log)"
    as_pg "$(bin)/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $run $PG_OPTIONS" start >/dev/null || \
      { tail -n 20 "$log" >&2; die "PostgreSQL did not start (log above)"; }
  fi
  provision
  echo "==> [postgres] Ready: role $PG_USER, databases: $PG_DATABASES"
}

stop() {
  if running; then
    echo "==> [postgres] Stopping ($data)"
    as_pg "$(bin)/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
  else
    echo "==> [postgres] Not running ($data)"
  fi
}

case "${1:-}" in
  install) exec "$here/install.sh" postgres ;;
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running on 127.0.0.1:$PG_PORT ($data)"; else echo "stopped ($data)"; exit 3; fi ;;
  url) echo "postgresql+psycopg2://$PG_USER:$(password)@127.0.0.1:$PG_PORT/${2:-careerbot}" ;;
  *) echo "usage: $0 install | start | stop | status | url [DATABASE]" >&2; exit 2 ;;
esac
