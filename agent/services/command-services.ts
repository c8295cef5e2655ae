/**
 * services = command: the target's own start, stop and status shell lines, run with /bin/sh
 * in the release directory (e.g. `bin/instance start`).
 */
import { ServiceError } from "../../shared/errors.ts";
import { formatSeconds, runCommand, shellCommand, succeeded, type CommandOutcome } from "./run-command.ts";
import { serviceFailure } from "./service-failure.ts";
import type { ServiceControl, ServiceSettings, ServiceTimeouts } from "./service-control.ts";

export function commandServices(settings: ServiceSettings, timeouts: ServiceTimeouts, log: (line: string) => void): ServiceControl {
  const start = requireCommand(settings.start, "start");
  const stop = requireCommand(settings.stop, "stop");
  const run = (line: string, releaseDir: string, timeoutMs = timeouts.commandMs) => runCommand({ argv: shellCommand(line), cwd: releaseDir, timeoutMs, log });
  const runOrThrow = async (option: "start" | "stop", line: string, releaseDir: string) => {
    const outcome = await run(line, releaseDir, option === "stop" ? timeouts.stopMs : timeouts.commandMs);
    if (!succeeded(outcome)) throw serviceFailure(`${option} command`, outcome, releaseDir, failureHint(option, outcome));
  };
  return {
    start: (releaseDir) => runOrThrow("start", start, releaseDir),
    stop: (releaseDir) => runOrThrow("stop", stop, releaseDir),
    isRunning: async (releaseDir) => {
      const status = requireCommand(settings.status, "status");
      const outcome = await run(status, releaseDir);
      if (outcome.timedOut || outcome.startProblem) {
        throw serviceFailure("status command", outcome, releaseDir, failureHint("status", outcome));
      }
      return outcome.exitCode === 0;
    },
  };
}

function requireCommand(line: string | undefined, option: "start" | "stop" | "status"): string {
  if (line === undefined || line.trim() === "") {
    throw new ServiceError(`services = command needs a ${option} command`, {
      where: option,
      hint: `set ${option} = SHELL COMMAND in the deployment target; it runs with /bin/sh in the release directory`,
    });
  }
  return line;
}

function failureHint(option: "start" | "stop" | "status", outcome: CommandOutcome): string {
  if (outcome.timedOut) {
    return option === "start"
      ? `a start command must return once the application is launched: start it in the background with its output redirected (… > var/log/app.log 2>&1 &), or raise the services timeout above ${formatSeconds(outcome.timeoutMs)}`
      : `the ${option} command must finish within ${formatSeconds(outcome.timeoutMs)}${option === "stop" ? " (stop-timeout)" : ""}; run it by hand in the release directory to see where it waits`;
  }
  return `run \`${outcome.display}\` by hand in the release directory to see why it fails`;
}
