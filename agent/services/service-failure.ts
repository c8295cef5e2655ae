import { ServiceError } from "../../shared/errors.ts";
import { describeOutcome, type CommandOutcome } from "./run-command.ts";

/** "start failed: `bin/instance start` exited with code 3" + last output, where = the release dir. */
export function serviceFailure(action: string, outcome: CommandOutcome, releaseDir: string, hint: string): ServiceError {
  return new ServiceError(`${action} failed: \`${outcome.display}\` ${describeOutcome(outcome)}`, { where: releaseDir, hint });
}
