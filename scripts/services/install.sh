#!/usr/bin/env bash
# Install PostgreSQL and/or Redis from Debian's packages when they are missing (one `apt-get update` first).
#   usage: scripts/services/install.sh [postgres] [redis]     (no argument: both)
# Needs root (or sudo) only when something is missing; prints what it found otherwise.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh"

wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(postgres redis)

packages=()
for service in "${wanted[@]}"; do
  case "$service" in
    postgres)
      if pg_bindir >/dev/null 2>&1; then
        echo "==> [services] PostgreSQL is installed ($(pg_bindir))"
      else
        packages+=(postgresql)
      fi ;;
    redis)
      if command -v redis-server >/dev/null 2>&1; then
        echo "==> [services] Redis is installed ($(command -v redis-server))"
      else
        packages+=(redis-server)
      fi ;;
    *) die "unknown service '$service' (expected postgres or redis)" ;;
  esac
done
[ ${#packages[@]} -gt 0 ] || exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "installing ${packages[*]} needs root; run: apt-get install ${packages[*]}"
  sudo="sudo"
fi
command -v apt-get >/dev/null 2>&1 || die "no apt-get here: install ${packages[*]} with your system's package manager"
echo "==> [services] Installing ${packages[*]} from Debian's packages"
$sudo apt-get update -qq
# The packages' own init scripts may try to start a system-wide server; policy-rc.d 101 stops that, so
# only the servers these scripts start (on loopback, in their own data folders) ever run.
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  made_policy=1
fi
status=0
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" || status=$?
[ -z "$made_policy" ] || $sudo rm -f "$policy"
[ "$status" -eq 0 ] || die "apt-get install ${packages[*]} failed (exit $status)"
echo "==> [services] Installed ${packages[*]}"
