/**
 * Runs one child process for the agent's plug points (service commands, health commands,
 * backup tools). Output lines reach the log as they come; a timeout kills the whole process
 * group; the outcome is returned, never thrown, so each caller raises its own kind of error.
 */
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { OutputTail } from "../logs/output-tail.ts";

export interface CommandSpec {
  argv: readonly string[];
  cwd: string;
  timeoutMs: number;
  log: (line: string) => void;
  /** added to the agent's own environment */
  env?: Record<string, string>;
}

export interface CommandOutcome {
  /** how the command is shown to people: the shell line, or the argv joined */
  display: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  timeoutMs: number;
  /** why the program could not be started at all (missing program or working directory) */
  startProblem?: string;
  /** stdout alone, for commands whose answer is their output (status queries) */
  stdout: string;
  /** the last lines of stdout and stderr, in the order they came, and their count */
  outputTail: OutputTail;
}

const TAIL_LINES = 20;
const MAX_STDOUT_CHARS = 1 << 20;
/**
 * After the command exits, how long to wait for its output pipes to close. A process it left
 * running in the background may hold them open for ever; we stop reading rather than hang.
 */
const PIPE_CLOSE_GRACE_MS = 200;

/** The argv that runs `line` with /bin/sh, as service, health and backup commands are written. */
export function shellCommand(line: string): string[] {
  return ["/bin/sh", "-c", line];
}

export function succeeded(outcome: CommandOutcome): boolean {
  return outcome.exitCode === 0 && !outcome.timedOut && outcome.startProblem === undefined;
}

/** "exited with code 3", "was killed after the 120 s timeout", ... plus the last output lines. */
export function describeOutcome(outcome: CommandOutcome): string {
  const how = outcome.startProblem
    ? `could not be started: ${outcome.startProblem}`
    : outcome.timedOut
      ? `did not finish within ${formatSeconds(outcome.timeoutMs)} and was killed (with its process group)`
      : outcome.signal
        ? `was killed by ${outcome.signal}`
        : `exited with code ${outcome.exitCode}`;
  const tail = outcome.outputTail.total ? `\n  last output${outcome.outputTail.cutNote()}:\n${outcome.outputTail.lines.map((line) => `    ${line}`).join("\n")}` : "";
  return `${how}${tail}`;
}

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

export function runCommand(spec: CommandSpec): Promise<CommandOutcome> {
  const display = spec.argv[0] === "/bin/sh" && spec.argv[1] === "-c" ? String(spec.argv[2]) : spec.argv.join(" ");
  const outcome: CommandOutcome = { display, exitCode: null, signal: null, timedOut: false, timeoutMs: spec.timeoutMs, stdout: "", outputTail: new OutputTail(TAIL_LINES) };
  if (!isDirectory(spec.cwd)) {
    return Promise.resolve({ ...outcome, startProblem: `working directory ${spec.cwd} does not exist` });
  }
  spec.log(`$ ${display}`);
  const keepLine = (line: string) => {
    spec.log(line);
    outcome.outputTail.push(line);
  };

  return new Promise((resolve) => {
    // detached: the command leads its own process group, so a timeout can kill all it started
    const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdoutLines = lineSplitter(keepLine);
    const stderrLines = lineSplitter(keepLine);
    child.stdout.on("data", (chunk: Buffer) => {
      if (outcome.stdout.length < MAX_STDOUT_CHARS) outcome.stdout += chunk.toString();
      stdoutLines.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => stderrLines.write(chunk));

    const timer = setTimeout(() => {
      outcome.timedOut = true;
      killProcessGroup(child.pid);
    }, spec.timeoutMs);
    let graceTimer: NodeJS.Timeout | undefined;
    let openPipes = 2;
    let exited = false;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      stdoutLines.end();
      stderrLines.end();
      resolve(outcome);
    };
    const pipeClosed = () => {
      openPipes -= 1;
      if (openPipes === 0 && exited) settle();
    };
    child.stdout.on("close", pipeClosed);
    child.stderr.on("close", pipeClosed);

    child.on("exit", (code, signal) => {
      exited = true;
      outcome.exitCode = code;
      outcome.signal = signal;
      if (openPipes === 0) return settle();
      graceTimer = setTimeout(() => {
        spec.log("note: a process this command left running still holds its output open; redirect its output (> FILE 2>&1) so it does not write into a closed pipe");
        child.stdout.destroy();
        child.stderr.destroy();
        settle();
      }, PIPE_CLOSE_GRACE_MS);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      outcome.startProblem = error.code === "ENOENT" ? `${spec.argv[0]} was not found (is it installed and on PATH?)` : error.message;
      settle();
    });
  });
}

function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Cuts a byte stream into lines (UTF-8 safe); a last line without a newline comes at end(). */
function lineSplitter(onLine: (line: string) => void): { write(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  const emitComplete = (text: string) => {
    const lines = (pending + text).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line.replace(/\r$/, ""));
  };
  return {
    write: (chunk) => emitComplete(decoder.write(chunk)),
    end: () => {
      emitComplete(decoder.end());
      if (pending !== "") onLine(pending);
      pending = "";
    },
  };
}
