import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';

/** Hostout's own Python helpers (buildout launcher, metadata reader, egg builder). */
export const PYTHON_HELPERS_DIR = fileURLToPath(new URL('../../shared/python/', import.meta.url));

export interface PythonRun {
  stdout: string;
  stderr: string;
}

/** How a helper ended, before it is judged. */
export interface HelperOutcome {
  stdout: string;
  stderr: string;
  code: number | null;
  /** set when the interpreter could not be started at all (e.g. ENOENT) */
  spawnError?: NodeJS.ErrnoException;
}

/**
 * Starts one of Hostout's helper scripts with the given interpreter; its output is
 * collected from the start, so a helper that fails before anyone waits for it is still
 * heard. `stdin: 'pipe'` for a helper that is told its work on stdin (build_egg.py --wait).
 */
export function startPythonHelper(
  python: string,
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: 'pipe' | 'ignore' } = {},
): { child: ChildProcess; outcome: Promise<HelperOutcome> } {
  const child = spawn(python, [join(PYTHON_HELPERS_DIR, script), ...args], {
    cwd: options.cwd,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: PYTHON_HELPERS_DIR, ...options.env },
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  child.stdin?.on('error', () => undefined); // a helper that died early: its exit says why
  const outcome = new Promise<HelperOutcome>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', (spawnError: NodeJS.ErrnoException) => resolve({ stdout, stderr, code: null, spawnError }));
    child.once('close', (code) => resolve({ stdout, stderr, code }));
  });
  return { child, outcome };
}

/**
 * A helper's output, or a ReleaseError carrying the end of it when it failed, since that
 * is where Python and buildout put the reason.
 */
export function helperResult(outcome: HelperOutcome, python: string, options: { what: string; where?: string }): PythonRun {
  if (outcome.code === 0 && !outcome.spawnError) return { stdout: outcome.stdout, stderr: outcome.stderr };
  const missing = outcome.spawnError?.code === 'ENOENT';
  throw new ReleaseError(missing ? `${options.what}: ${python} not found` : `${options.what} failed:\n${tail(outcome.stderr || outcome.stdout)}`, {
    where: options.where,
    hint: missing ? 'install Debian\'s python3, python3-setuptools and python3-zc.buildout, or set the target\'s python option' : undefined,
    cause: outcome.spawnError ?? new Error(`${python} exited with ${outcome.code === null ? 'a signal' : `status ${outcome.code}`}`),
  });
}

/** Runs one of Hostout's Python helper scripts to its end. */
export async function runPythonHelper(
  python: string,
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; what: string; where?: string },
): Promise<PythonRun> {
  const { outcome } = startPythonHelper(python, script, args, options);
  return helperResult(await outcome, python, options);
}

/** The last lines of a tool's output, without the deprecation chatter setuptools prints. */
export function tail(output: string, lines = 25): string {
  const kept = output
    .split('\n')
    .filter((l) => !/(Deprecation|SetuptoolsDeprecationWarning|EasyInstallDeprecationWarning)Warning|^\s+warnings\.warn\(/.test(l));
  return kept.slice(-lines).map((l) => `    ${l}`).join('\n').trimEnd();
}
