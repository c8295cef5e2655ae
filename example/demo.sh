#!/usr/bin/env bash
# The main job, locally, on the embedded example: no root, no SSH. An agent on
# 127.0.0.1 with its state in a scratch folder; the example's web service with
# its SQLite database. As the design's first example: ctl init adds the deploy
# part, bin/buildout installs bin/deploy. Deploy (version 0.1), change a file,
# deploy (version 0.2, only that egg travels), deploy unchanged, roll back
# (version 0.1 again).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/hostout-demo-XXXXXX)
export HOSTOUT_CONFIG_DIR="$work/controller-config"      # the demo's own controller key and pins
ctl() { node "$repo/bin/ctl.js" "$@"; }
agent() { node "$repo/bin/hostout-agent.js" "$@"; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
page() { /usr/bin/python3 -c "import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode().strip())" "$1" 2>&1 | tail -1; }
# bold step titles on a terminal only: piped or logged, plain text (as NO_COLOR asks too)
if [ -t 1 ] && [ -z "${NO_COLOR-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

cp -r "$repo/example/." "$work/buildout/" 2>/dev/null || { mkdir -p "$work/buildout" && cp -r "$repo/example/." "$work/buildout/"; }
rm -f "$work/buildout/demo.sh"
app_port=$(free_port); agent_port=$(free_port)
sed -i "s/^port = 8080/port = $app_port/" "$work/buildout/base.cfg"

step "hostout-agent init: state in $work/host, listening on 127.0.0.1:$agent_port"
agent init --path "$work/host" --listen "127.0.0.1:$agent_port" --authorize "$(ctl keys show 2>/dev/null)" --json > "$work/init.json"
fingerprint=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fingerprint"])' "$work/init.json")
echo "agent fingerprint $fingerprint (pinned in the target below)"
# the team's buildout before Hostout: development only, no deployment target yet
printf '# The developer'"'"'s buildout.\n[buildout]\nextends = dev.cfg\n' > "$work/buildout/buildout.cfg"
node "$repo/bin/hostout-agent.js" serve --path "$work/host" > "$work/agent.log" 2>&1 &
agent_pid=$!   # node itself (not a shell function's subshell), so the trap below stops it
cleanup() {
  kill "$agent_pid" 2>/dev/null || true
  (cd "$work/host/current" 2>/dev/null && bin/acme-ctl stop >/dev/null 2>&1) || true
}
trap cleanup EXIT
for _ in $(seq 100); do grep -q 'listening on' "$work/agent.log" 2>/dev/null && break; sleep 0.1; done

cd "$work/buildout"
step "ctl init: the deploy part, its recipe (offline) and bin/buildout"
ctl init --host 127.0.0.1 --path "$work/host" --agent-port "$agent_port" --agent-fingerprint "$fingerprint" \
  --start 'bin/acme-ctl start' --stop 'bin/acme-ctl stop' --status 'bin/acme-ctl status' \
  --health-url "http://127.0.0.1:$app_port/health" --db-paths acme.db --keep-releases 3
# buildout's own lines about the parts (its index warnings come from the example's offline setup)
step "bin/buildout"; bin/buildout 2>&1 | grep -E '^(Develop|Getting|Got|Installing|Updating|Uninstalling)'

step "bin/deploy (first deploy)"; bin/deploy
echo "site: $(page "http://127.0.0.1:$app_port/")"

echo "# a change" >> src/acme.web/acme/web/server.py
step "bin/deploy (after editing src/acme.web/acme/web/server.py)"; bin/deploy
echo "site: $(page "http://127.0.0.1:$app_port/")"

step "bin/deploy (nothing changed)"; bin/deploy

step "bin/deploy rollback --to 0.1"; bin/deploy rollback --to 0.1
echo "site: $(page "http://127.0.0.1:$app_port/")"

step "bin/deploy status"; bin/deploy status
step "done: everything is in $work (agent log: $work/agent.log)"
