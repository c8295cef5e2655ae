#!/usr/bin/env bash
# What the tests need beyond deploy/install-prerequisites.sh: a real PostgreSQL
# (backups), supervisor (the supervisor plug point), systemd's tools
# (systemd-analyze verify, systemd-notify) and socat. npm runs this before
# `npm test`; safe to run again.
set -euo pipefail
packages=(postgresql supervisor systemd socat tar gzip)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "hostout tests: missing Debian packages: ${missing[*]}; run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "hostout tests: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
