/**
 * The systemctl command lines for services = systemd. Pure: building them is separate from
 * running them (managed-services.ts), so tests can check the exact lines sudoers must allow.
 */
import type { CommandOutcome } from "./run-command.ts";
import { requireServiceNames, type ManagerCommands } from "./managed-services.ts";
import { asPrivileged, runsThroughSudo } from "./privilege.ts";

/** `systemctl is-active` prints one of these per unit; active and reloading mean running. */
const UNIT_STATES = new Set(["active", "reloading", "inactive", "failed", "activating", "deactivating", "maintenance", "refreshing"]);
const RUNNING_STATES = new Set(["active", "reloading"]);

/** `uid` is the agent's own (the default); tests pass another to see the sudo lines. */
export function systemdCommands(names: readonly string[], uid?: number): ManagerCommands {
  requireServiceNames(names, "systemd");
  return {
    what: `systemd units ${names.join(", ")}`,
    start: asPrivileged(["systemctl", "start", ...names], uid),
    stop: asPrivileged(["systemctl", "stop", ...[...names].reverse()], uid),
    // reading state needs no privilege
    status: ["systemctl", "is-active", ...names],
    readRunning: (outcome) => readUnitStates(outcome, names.length),
    hint: (argv) => {
      const diagnose = `see \`systemctl status ${names.join(" ")}\` and \`journalctl -u ${names[0]}\``;
      return runsThroughSudo(argv)
        ? `the agent is not root, so it runs \`${argv.join(" ")}\`: the host's sudoers must let its user run exactly that without a password; else ${diagnose}`
        : diagnose;
    },
  };
}

/** systemctl is-active answers "any is active" in its exit code, so read each unit's line. */
function readUnitStates(outcome: CommandOutcome, unitCount: number): boolean | undefined {
  const states = outcome.stdout.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  if (states.length !== unitCount || !states.every((state) => UNIT_STATES.has(state))) return undefined;
  return states.every((state) => RUNNING_STATES.has(state));
}
