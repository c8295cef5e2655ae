#!/usr/bin/env bash
# Installs what Hostout needs on a Debian machine (controller, CI or host):
# Debian's Python with zc.buildout and setuptools (Hostout builds eggs and runs
# buildout with them), venv, OpenSSH, rsync; plus any packages named as arguments.
# Safe to run again.
set -euo pipefail
packages=(python3 python3-setuptools python3-zc.buildout python3-venv openssh-server openssh-client rsync ca-certificates "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "hostout: these Debian packages are missing: ${missing[*]}; run this script as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "hostout: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
