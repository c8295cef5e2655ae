/**
 * Tests of crash safety and locking need real, separate processes. These run a snippet of
 * JavaScript as an ES module in a fresh `node` with tsx loaded, so it can import the repo's
 * .ts files by absolute path (see `stateModule`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";

const repoRoot = join(import.meta.dirname, "..", "..", "..");

/** The absolute path of a module in agent/state, quoted for use in a script's `import`. */
export function stateModule(file: string): string {
  return JSON.stringify(join(import.meta.dirname, "..", file));
}

export function startNodeScript(code: string): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export interface ScriptResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `code` to its end (or until `child` is killed) and collects its output. */
export async function finishedScript(child: ChildProcess): Promise<ScriptResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (data: Buffer) => (stdout += data.toString()));
  child.stderr?.on("data", (data: Buffer) => (stderr += data.toString()));
  const [exitCode, signal] = (await once(child, "close")) as [number | null, NodeJS.Signals | null];
  return { exitCode, signal, stdout, stderr };
}

export function runNodeScript(code: string): Promise<ScriptResult> {
  return finishedScript(startNodeScript(code));
}

/** Resolves with the first line of the child's stdout that `matches`; rejects if it exits first. */
export function waitForLine(child: ChildProcess, matches: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr?.on("data", (data: Buffer) => (stderr += data.toString()));
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      if (matches(line)) resolve(line);
    });
    child.once("exit", (code, signal) => reject(new Error(`script exited (${code ?? signal}) before the expected line\n${stderr}`)));
  });
}
