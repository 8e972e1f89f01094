#!/usr/bin/env bash
# A Redis server for careerbot's lock store on 127.0.0.1 only, with a password, no persistence.
#   usage: scripts/services/redis.sh install | start | stop | status | url
# Settings (environment):
#   REDIS_DIR       folder for the config, log, pid file and password (default: $CAREERBOT_SERVICES_DIR/redis,
#                   i.e. var/services/redis)
#   REDIS_PORT      TCP port on 127.0.0.1 (default 56379)
#   REDIS_PASSWORD  its password (default: generated on first start, kept in $REDIS_DIR/password, mode 600)
# Locks are short-lived, so nothing is saved to disk: a restart only drops the locks of messages in flight.
# `url` prints the URL for LOCK_STORE_URL.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh"

REDIS_DIR="${REDIS_DIR:-$services_dir/redis}"
REDIS_PORT="${REDIS_PORT:-56379}"
conf="$REDIS_DIR/redis.conf"
pidfile="$REDIS_DIR/redis.pid"
log="$REDIS_DIR/redis.log"

password() {
  if [ -n "${REDIS_PASSWORD:-}" ]; then echo "$REDIS_PASSWORD"; else password_in "$REDIS_DIR/password"; fi
}

pid() {  # the server's pid, when it runs
  local p
  [ -s "$pidfile" ] || return 1
  p="$(cat "$pidfile")"
  kill -0 "$p" 2>/dev/null || return 1
  echo "$p"
}

start() {
  command -v redis-server >/dev/null 2>&1 || die "Redis is not installed. Fix: scripts/services/install.sh redis"
  if pid >/dev/null; then
    echo "==> [redis] Already running on 127.0.0.1:$REDIS_PORT (pid $(pid))"
    return
  fi
  port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by another program. Fix: choose another REDIS_PORT"
  mkdir -p "$REDIS_DIR"
  # The password goes in a config file readable only by us, not on a command line that `ps` shows.
  (umask 077 && cat >"$conf" <<EOF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
requirepass $(password)
dir $REDIS_DIR
daemonize yes
pidfile $pidfile
logfile $log
save ""
appendonly no
EOF
  )
  echo "==> [redis] Starting on 127.0.0.1:$REDIS_PORT (log $log)"
  redis-server "$conf" || { tail -n 20 "$log" >&2 || true; die "Redis did not start"; }
  for _ in $(seq 100); do
    if REDISCLI_AUTH="$(password)" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
      echo "==> [redis] Ready"
      return
    fi
    sleep 0.1
  done
  tail -n 20 "$log" >&2 || true
  die "Redis did not answer PING within 10 s (log above)"
}

stop() {
  local p
  if ! p="$(pid)"; then
    echo "==> [redis] Not running ($REDIS_DIR)"
    return
  fi
  echo "==> [redis] Stopping (pid $p)"
  kill -TERM "$p"
  for _ in $(seq 100); do
    kill -0 "$p" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$p" 2>/dev/null || true
}

case "${1:-}" in
  install) exec "$here/install.sh" redis ;;
  start) start ;;
  stop) stop ;;
  status) if p="$(pid)"; then echo "running on 127.0.0.1:$REDIS_PORT (pid $p)"; else echo "stopped"; exit 3; fi ;;
  url) echo "redis://:$(password)@127.0.0.1:$REDIS_PORT/1" ;;
  *) echo "usage: $0 install | start | stop | status | url" >&2; exit 2 ;;
esac
