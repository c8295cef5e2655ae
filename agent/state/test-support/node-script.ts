/**
 * Tests of crash safety and locking need real, separate processes. A NodeScript runs a snippet
 * of JavaScript as an ES module in a fresh `node` with tsx loaded, so it can import the repo's
 * .ts files by absolute path (see `stateModule`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

const repoRoot = join(import.meta.dirname, "..", "..", "..");

/** The absolute path of a module in agent/state, quoted for use in a script's `import`. */
export function stateModule(file: string): string {
  return JSON.stringify(join(import.meta.dirname, "..", file));
}

export interface ScriptResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class NodeScript {
  readonly child: ChildProcess;
  /** settles when the process has exited and its output is read */
  readonly finished: Promise<ScriptResult>;
  private readonly lines: string[] = [];
  private readonly waiters = new Set<() => void>();
  private stderr = "";
  private ended = false;

  constructor(code: string) {
    this.child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stderr!.on("data", (data: Buffer) => (this.stderr += data.toString()));
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      this.lines.push(line);
      this.notify();
    });
    this.finished = new Promise((resolve) => {
      this.child.once("close", (exitCode, signal) => {
        this.ended = true;
        this.notify();
        resolve({ exitCode, signal, stdout: this.lines.map((line) => `${line}\n`).join(""), stderr: this.stderr });
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first line of stdout (seen so far or to come) that `matches`; rejects if the script ends without one. */
  waitForLine(matches: (line: string) => boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.lines.find(matches);
        if (line !== undefined) resolve(line);
        else if (this.ended) {
          reject(new Error(`script ended (${this.child.exitCode ?? this.child.signalCode}) before the expected line\n${this.stderr}`));
        } else return;
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** SIGKILLs the process (if it still runs) and waits for it to be gone. */
  async kill(): Promise<ScriptResult> {
    this.child.kill("SIGKILL");
    return this.finished;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Runs `code` to its end. */
export function runNodeScript(code: string): Promise<ScriptResult> {
  return new NodeScript(code).finished;
}
