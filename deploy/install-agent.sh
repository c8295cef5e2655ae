#!/usr/bin/env bash
# Run as root by `ctl bootstrap` after prepare-host.sh and after the agent bundle
# (and, if the host had none, a Node.js binary) were copied to $HOSTOUT_PREFIX.
# Creates the agent's state as the deploy user, then keeps the agent running:
# a systemd unit where systemd runs, else the fallback supervisor plus a boot entry.
# Inputs (environment): HOSTOUT_USER, HOSTOUT_PATH, HOSTOUT_NODE, HOSTOUT_LISTEN,
#   HOSTOUT_KEY, HOSTOUT_SERVICE, HOSTOUT_UNIT (systemd unit text, may be empty),
#   HOSTOUT_SUDOERS (sudoers text, may be empty), HOSTOUT_PREFIX
set -euo pipefail
umask 022  # what root creates here (venv, wrapper) must be usable by the deploy user
user=${HOSTOUT_USER:?} path=${HOSTOUT_PATH:?} node=${HOSTOUT_NODE:?} listen=${HOSTOUT_LISTEN:?}
key=${HOSTOUT_KEY:?} service=${HOSTOUT_SERVICE:?} prefix=${HOSTOUT_PREFIX:-/opt/hostout}
say() { echo "@@say $*"; }

cat > "$prefix/hostout-agent" <<WRAPPER
#!/bin/sh
exec "$node" "$prefix/hostout-agent.mjs" "\$@"
WRAPPER
chmod 0755 "$prefix/hostout-agent" "$prefix/hostout-agent.mjs"
ln -sf "$prefix/hostout-agent" /usr/local/bin/hostout-agent

init_json=$(runuser -u "$user" -- "$prefix/hostout-agent" init --path "$path" --listen "$listen" \
  --authorize "$key" --python "$prefix/venv/bin/python" --json)
echo "@@init $init_json"

if [ -n "${HOSTOUT_SUDOERS:-}" ]; then
  printf '%s\n' "$HOSTOUT_SUDOERS" > "/etc/sudoers.d/.$service.tmp"
  chmod 0440 "/etc/sudoers.d/.$service.tmp"
  visudo -cf "/etc/sudoers.d/.$service.tmp" >/dev/null
  mv "/etc/sudoers.d/.$service.tmp" "/etc/sudoers.d/$service"
fi

log="$path/agent/agent.log"
log_before=$(stat -c %s "$log" 2>/dev/null || echo 0)

if [ -d /run/systemd/system ] && [ -n "${HOSTOUT_UNIT:-}" ]; then
  say "Installing the agent as the systemd service $service"
  printf '%s\n' "$HOSTOUT_UNIT" > "/etc/systemd/system/$service.service"
  systemctl daemon-reload
  systemctl enable "$service" >/dev/null 2>&1
  systemctl restart "$service"
else
  say "Installing the agent under Hostout's supervisor (no systemd here)"
  install -m 0755 /dev/stdin "$prefix/hostout-agent-supervise" < "$prefix/hostout-agent-supervise.new"
  rm -f "$prefix/hostout-agent-supervise.new"
  # at boot: cron's @reboot where cron exists, rc.local otherwise
  boot_line="$prefix/hostout-agent-supervise $path $user"
  if [ -d /etc/cron.d ]; then
    echo "@reboot root $boot_line >/dev/null 2>&1" > "/etc/cron.d/$service"
  else
    grep -qsF "$boot_line" /etc/rc.local || echo "$boot_line >/dev/null 2>&1 &" >> /etc/rc.local
  fi
  supervisor=$(pgrep -f "hostout-agent-supervise $path " || true)
  if [ -n "$supervisor" ]; then
    # already supervised: restarting the agent is enough (the supervisor starts the new binary)
    pkill -f "hostout-agent.mjs serve --path $path\$" || true
  else
    setsid "$prefix/hostout-agent-supervise" "$path" "$user" </dev/null >/dev/null 2>&1 &
  fi
fi

# ready when the agent (re)started by this run says it listens, or systemd says it is active
for _ in $(seq 300); do
  if [ -d /run/systemd/system ] && [ -n "${HOSTOUT_UNIT:-}" ]; then
    systemctl is-active --quiet "$service" && break
  else
    tail -c +$((log_before + 1)) "$log" 2>/dev/null | grep -q 'listening on' && break
  fi
  sleep 0.1
done
say "Agent listening on $listen"
