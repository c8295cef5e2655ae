/**
 * Services run by a service manager (systemd, supervisor): the manager's command lines come
 * from a pure builder (systemd-commands.ts, supervisor-commands.ts); this file runs them.
 */
import { ServiceError } from "../../shared/errors.ts";
import { runCommand, succeeded, type CommandOutcome } from "./run-command.ts";
import { serviceFailure } from "./service-failure.ts";
import type { ServiceControl, ServiceTimeouts } from "./service-control.ts";

/** The command lines that drive one service manager, and how to read its status answer. */
export interface ManagerCommands {
  /** e.g. "systemd units acme-web, acme-worker", for messages */
  what: string;
  start: string[];
  stop: string[];
  status: string[];
  /** true when the status command says every service runs; undefined when its answer is unclear */
  readRunning(outcome: CommandOutcome): boolean | undefined;
  /** what to check when `argv` failed */
  hint(argv: readonly string[]): string;
}

export function managedServices(commands: ManagerCommands, timeouts: ServiceTimeouts, log: (line: string) => void): ServiceControl {
  const run = (argv: readonly string[], releaseDir: string, timeoutMs = timeouts.commandMs) => runCommand({ argv, cwd: releaseDir, timeoutMs, log });
  const runOrThrow = async (action: string, argv: readonly string[], releaseDir: string, timeoutMs?: number) => {
    const outcome = await run(argv, releaseDir, timeoutMs);
    if (!succeeded(outcome)) throw serviceFailure(`${action} ${commands.what}`, outcome, releaseDir, commands.hint(argv));
  };
  return {
    start: (releaseDir) => runOrThrow("starting", commands.start, releaseDir),
    stop: (releaseDir) => runOrThrow("stopping", commands.stop, releaseDir, timeouts.stopMs),
    isRunning: async (releaseDir) => {
      const outcome = await run(commands.status, releaseDir);
      const running = outcome.timedOut || outcome.startProblem ? undefined : commands.readRunning(outcome);
      if (running === undefined) {
        throw serviceFailure(`asking whether ${commands.what} run`, outcome, releaseDir, commands.hint(commands.status));
      }
      return running;
    },
  };
}

/** Throws unless the target names at least one service for `manager` to drive. */
export function requireServiceNames(names: readonly string[], manager: string): void {
  if (names.length === 0) {
    throw new ServiceError(`services = ${manager} needs the names of the services to stop and start`, {
      where: "service-names",
      hint: `set service-names = NAME... in the deployment target (the ${manager} units or programs of this application)`,
    });
  }
}
