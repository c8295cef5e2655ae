#!/usr/bin/env bash
# What the tests need beyond Hostout's own prerequisites: a real PostgreSQL
# (backups), supervisor (the supervisor plug point), systemd's tools
# (systemd-analyze verify, systemd-notify), socat, iproute2 (ss), sudo (so fresh
# hosts, copies of this machine, have it for the sudo-login tests), Chromium (headless, renders
# the `ctl report` page in a real browser) and faketime (an agent with a skewed clock, for
# ctl check), the build backends of pyproject-only develop packages (python3-hatchling, flit)
# HAProxy (its runtime API, which rolling deploys drive), and git and Mercurial (a release
# records the checkout's revision).
# npm runs this before `npm test`; safe to run again.
exec bash "$(dirname "$0")/../deploy/install-prerequisites.sh" postgresql supervisor systemd socat tar gzip sudo iproute2 chromium faketime python3-hatchling flit haproxy git mercurial
