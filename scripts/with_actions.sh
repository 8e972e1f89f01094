#!/usr/bin/env bash
# Run a command next to the action server: start `rasa run actions` in the background (log in
# $CAREERBOT_LOG_DIR, default var/logs),
# wait until it answers GET /health, run the command in the foreground, and stop the action server when the
# command ends, fails or is interrupted. Used by `make run` and `make serve`, which set BIN and the ports.
#   usage: scripts/with_actions.sh COMMAND [ARGS...]
set -euo pipefail

BIN="${BIN:-.venv/bin}"
ACTIONS_PORT="${ACTIONS_PORT:-5055}"
RASA_PORT="${RASA_PORT:-5005}"
export ACTIONS_PORT

in_use() {  # true when something on 127.0.0.1 accepts connections on port $1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

for port in "$ACTIONS_PORT" "$RASA_PORT"; do
  if in_use "$port"; then
    echo "error: port $port on 127.0.0.1 is already in use (another careerbot still running?)." >&2
    echo "  Fix: stop it, or choose free ports, e.g. make run RASA_PORT=5006 ACTIONS_PORT=5056" >&2
    exit 1
  fi
done

log_dir="${CAREERBOT_LOG_DIR:-var/logs}"
mkdir -p "$log_dir"
log="$log_dir/actions-${ACTIONS_PORT}.log"
echo "==> Starting the action server on port $ACTIONS_PORT (log: $log)"
"$BIN/rasa" run actions --actions bot.actions --port "$ACTIONS_PORT" >"$log" 2>&1 &
actions_pid=$!

stop_actions() {
  if kill -0 "$actions_pid" 2>/dev/null; then
    echo "==> Stopping the action server (pid $actions_pid)"
    kill -TERM "$actions_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$actions_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$actions_pid" 2>/dev/null || true
  fi
  wait "$actions_pid" 2>/dev/null || true
}
trap stop_actions EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if ! "$BIN/python" scripts/wait_http.py "http://127.0.0.1:$ACTIONS_PORT/health" \
    --timeout 120 --pid "$actions_pid" --log "$log" --name "the action server"; then
  echo "  Fix: read $log; 'make actions' runs the action server in the foreground." >&2
  exit 1
fi
echo "==> Action server ready; starting: $*"
"$@"
