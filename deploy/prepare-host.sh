#!/usr/bin/env bash
# Run as root on a new host by `ctl bootstrap` (over SSH, script on stdin).
# Checks the host, creates the deploy user, installs Python with zc.buildout and
# a virtualenv, and creates the target's path. Safe to run again: what exists is kept.
# Lines starting with @@ are read by ctl; everything else is shown on failure.
# Inputs (environment): HOSTOUT_USER, HOSTOUT_PATH, HOSTOUT_PREFIX (default /opt/hostout),
#   HOSTOUT_NEEDS_SUDO (1 when the target's services are controlled through sudo),
#   HOSTOUT_NEW_KEY (1 when ctl just created the key pair the deploy user's agent will trust)
set -euo pipefail
umask 022  # what root creates here (venv, wrapper) must be usable by the deploy user
user=${HOSTOUT_USER:?} path=${HOSTOUT_PATH:?} prefix=${HOSTOUT_PREFIX:-/opt/hostout}
say() { echo "@@say $*"; }

[ "$(id -u)" -eq 0 ] || { echo "@@error this needs root (logged in as $(id -un))"; exit 3; }
. /etc/os-release 2>/dev/null || { echo "@@error no /etc/os-release: cannot tell which OS this is"; exit 3; }
case "${ID:-} ${ID_LIKE:-}" in
  *debian*|*ubuntu*) ;;
  *) echo "@@error unsupported OS: ${PRETTY_NAME:-unknown}; Hostout bootstraps Debian and Ubuntu hosts"; exit 3 ;;
esac
init=none; [ -d /run/systemd/system ] && init=systemd
echo "@@facts os=${ID} version=${VERSION_ID:-?} arch=$(uname -m) init=$init"

parent=$(dirname "$path"); while [ ! -d "$parent" ]; do parent=$(dirname "$parent"); done
free_kb=$(df -Pk "$parent" | awk 'NR==2 {print $4}')
[ "$free_kb" -ge 204800 ] || { echo "@@error only $((free_kb / 1024)) MiB free under $parent; Hostout needs at least 200 MiB"; exit 3; }

if id -u "$user" >/dev/null 2>&1; then
  say "User '$user' exists"
else
  say "Creating user account '$user'"
  getent group "$user" >/dev/null || groupadd --system "$user"
  useradd --system --gid "$user" --create-home --shell /bin/bash "$user"
fi
if [ "${HOSTOUT_NEW_KEY:-}" = 1 ]; then say "Creating authorisation key pair"; fi
say "Logging in as '$user'"
runuser -u "$user" -- true || { echo "@@error cannot log in as '$user' on this host (runuser failed): check its shell and home"; exit 3; }

packages=(python3 python3-venv python3-setuptools python3-zc.buildout)
[ "${HOSTOUT_NEEDS_SUDO:-}" = 1 ] && packages+=(sudo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "Installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

install -d -m 0755 "$prefix"
# Debian's Python, whatever else is first on root's PATH: its zc.buildout and setuptools come along
if ! grep -qs '^home = /usr/bin$' "$prefix/venv/pyvenv.cfg"; then
  say "Installing python virtualenv"
  rm -rf "$prefix/venv"
  /usr/bin/python3 -m venv --system-site-packages "$prefix/venv"
fi

chmod -R go+rX "$prefix"   # repairs what an earlier run under a stricter umask left

install -d -o "$user" -g "$user" -m 0750 "$path"

node_major=0
for candidate in "$prefix/node" "$(command -v node || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    major=$("$candidate" -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0)
    if [ "$major" -ge 20 ]; then node_major=$major; echo "@@node $candidate"; break; fi
  fi
done
[ "$node_major" -ge 20 ] || echo "@@need-node"
