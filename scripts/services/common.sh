# Shared helpers of scripts/services/*.sh (sourced, not run).
# CAREERBOT_SERVICES_DIR is where the servers keep their data, logs and generated passwords
# (default: var/services in the repository).

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
services_dir="${CAREERBOT_SERVICES_DIR:-$repo_root/var/services}"

die() {  # print an error and stop
  echo "error: [services] $*" >&2
  exit 1
}

pg_bindir() {  # the newest PostgreSQL server's bin folder (Debian keeps them in /usr/lib/postgresql/N/bin)
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] || return 1
  echo "$dir"
}

new_password() {  # 24 random letters and digits
  local pw=""
  while [ "${#pw}" -lt 24 ]; do
    pw="$pw$(head -c 64 /dev/urandom | tr -dc 'A-Za-z0-9')"
  done
  echo "${pw:0:24}"
}

password_in() {  # $1: file; print the password kept there, making one (mode 600) the first time
  local file="$1"
  if [ ! -s "$file" ]; then
    (umask 077 && new_password >"$file")
  fi
  cat "$file"
}

port_open() {  # true when something on 127.0.0.1 accepts connections on port $1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
