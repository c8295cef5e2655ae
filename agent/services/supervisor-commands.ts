/**
 * The supervisorctl command lines for services = supervisor. Pure, like systemd-commands.ts.
 * supervisorctl 4 exits 0 for start of a running or stop of a stopped program, so both are
 * idempotent; `status` exits 0 when all run, 3 when one does not, 4 when a name or the
 * supervisord socket is unknown.
 */
import { requireServiceNames, type ManagerCommands } from "./managed-services.ts";

const STATUS_ALL_RUNNING = 0;
const STATUS_NOT_ALL_RUNNING = 3;

export function supervisorCommands(names: readonly string[], configFile?: string): ManagerCommands {
  requireServiceNames(names, "supervisor");
  const supervisorctl = configFile === undefined ? ["supervisorctl"] : ["supervisorctl", "-c", configFile];
  return {
    what: `supervisor programs ${names.join(", ")}`,
    start: [...supervisorctl, "start", ...names],
    stop: [...supervisorctl, "stop", ...[...names].reverse()],
    status: [...supervisorctl, "status", ...names],
    readRunning: (outcome) =>
      outcome.exitCode === STATUS_ALL_RUNNING ? true : outcome.exitCode === STATUS_NOT_ALL_RUNNING ? false : undefined,
    hint: () =>
      `check that supervisord runs and knows these programs: \`${[...supervisorctl, "status"].join(" ")}\`, and read the program's log (\`${[...supervisorctl, "tail", names[0]!].join(" ")}\`)`,
  };
}
