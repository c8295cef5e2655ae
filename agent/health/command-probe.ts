/** One run of the health command in the release directory: healthy when it exits 0. */
import { describeOutcome, runCommand, shellCommand, succeeded } from "../services/run-command.ts";
import type { ProbeResult } from "./probe.ts";

export async function probeCommand(line: string, releaseDir: string, timeoutMs: number, log: (line: string) => void): Promise<ProbeResult> {
  const outcome = await runCommand({ argv: shellCommand(line), cwd: releaseDir, timeoutMs, log });
  return succeeded(outcome) ? { ok: true } : { ok: false, reason: `health command \`${line}\` ${describeOutcome(outcome)}` };
}
