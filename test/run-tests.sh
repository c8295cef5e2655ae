#!/usr/bin/env bash
# Runs every *.test.ts under the source folders with node's built-in runner.
# Files run one at a time: the integration tests start real buildouts, agents
# and sshd processes, and two cores do not take two of those at once well.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find shared controller agent test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
exec node --import tsx --test --test-concurrency=1 "$@" "${files[@]}"
