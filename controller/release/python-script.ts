import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';

/** Hostout's own Python helpers (buildout launcher, metadata reader, egg builder). */
export const PYTHON_HELPERS_DIR = fileURLToPath(new URL('../../shared/python/', import.meta.url));

export interface PythonRun {
  stdout: string;
  stderr: string;
}

/**
 * Runs one of Hostout's Python helper scripts with the given interpreter.
 * A non-zero exit becomes a ReleaseError carrying the end of its output,
 * since that is where Python and buildout put the reason.
 */
export function runPythonHelper(
  python: string,
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; what: string; where?: string },
): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [join(PYTHON_HELPERS_DIR, script), ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: PYTHON_HELPERS_DIR, ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new ReleaseError(missing ? `${options.what}: ${python} not found` : `${options.what} failed:\n${tail(stderr || stdout)}`, {
            where: options.where,
            hint: missing
              ? 'install Debian\'s python3, python3-setuptools and python3-zc.buildout, or set the target\'s python option'
              : undefined,
            cause: error,
          }),
        );
      },
    );
  });
}

/** The last lines of a tool's output, without the deprecation chatter setuptools prints. */
export function tail(output: string, lines = 25): string {
  const kept = output
    .split('\n')
    .filter((l) => !/(Deprecation|SetuptoolsDeprecationWarning|EasyInstallDeprecationWarning)Warning|^\s+warnings\.warn\(/.test(l));
  return kept.slice(-lines).map((l) => `    ${l}`).join('\n').trimEnd();
}
