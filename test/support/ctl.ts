import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CTL = `${REPO_ROOT}bin/ctl.js`;
export const AGENT = `${REPO_ROOT}bin/hostout-agent.js`;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a real program and collects its output; never throws on a non-zero exit. */
export function runCommand(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a program may exit without reading its input
      child.stdin.end(options.input);
    }
  });
}

/** Runs the real `ctl` command line. */
export function ctl(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return runCommand(process.execPath, [CTL, ...args], options);
}

/** Runs `ctl ... --json` and parses its one JSON object, failing with its stderr if it did not succeed. */
export async function ctlJson<T = any>(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<T> {
  const result = await ctl([...args, '--json'], options);
  if (result.code !== 0) throw new Error(`ctl ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout) as T;
}
