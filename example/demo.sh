#!/usr/bin/env bash
# The main job on the embedded example, in a scratch copy (the checkout is not touched):
# release, release again unchanged, change one file and release, then build the
# production buildout offline on a clean "host" folder and ask the service for its page.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ctl() { node "$repo/bin/ctl.js" "$@"; }
work=$(mktemp -d /tmp/hostout-demo-XXXXXX)
cp -r "$repo/example/." "$work/" && rm -f "$work/demo.sh"
cd "$work"
echo "== example buildout copied to $work"

echo; echo "== ctl plan"; ctl plan
echo; echo "== ctl release"; ctl release
echo; echo "== ctl release (nothing changed)"; ctl release
echo "# a change" >> src/acme.core/acme/core/store.py
echo; echo "== ctl release (after editing src/acme.core/acme/core/store.py)"; ctl release; ctl release --json > release.json

host="$work/host"
archive=$(/usr/bin/python3 -c 'import json; print(json.load(open("release.json"))["archive"]["file"])')
mkdir -p "$host/dist" && tar -xzf "$archive" -C "$host"
/usr/bin/python3 -c 'import json,shutil; [shutil.copy(e["file"], "'"$host"'/dist/") for e in json.load(open("release.json"))["eggs"]]'
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo; echo "== production buildout, offline, on a clean host folder ($host)"
(cd "$host" && /usr/bin/python3 "$repo/shared/python/buildout_launcher.py" -q -c hostout.cfg "settings:port=$port" 2>&1 | grep -v -i -e warn -e 'not found' -e 'index' || true)
(cd "$host" && bin/acme-ctl start)
trap '(cd "$host" && bin/acme-ctl stop)' EXIT
for _ in $(seq 50); do page=$(/usr/bin/python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$port/').read().decode())" 2>/dev/null) && break; sleep 0.1; done
echo; echo "== the released service answers on 127.0.0.1:$port"; echo "$page"
