import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { StateError } from '../../shared/errors.ts';
import { OutputTail } from '../logs/output-tail.ts';

export class BuildoutError extends StateError {}

/**
 * Runs the release's buildout in its own directory, offline from the shipped
 * eggs, while the previous release keeps serving. Output lines are passed on
 * as they come; on failure the error carries buildout's last lines.
 */
export function runBuildout(options: {
  python: string;
  launcher: string;
  releaseDir: string;
  buildoutFile: string;
  eggsDirectory: string;
  onLine: (line: string) => void;
}): Promise<void> {
  const args = [options.launcher, '-c', options.buildoutFile, `buildout:eggs-directory=${options.eggsDirectory}`];
  return new Promise((resolve, reject) => {
    const child = spawn(options.python, args, {
      cwd: options.releaseDir,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail = new OutputTail(30);
    const take = (line: string) => {
      if (/Warning|warnings\.warn/.test(line)) return;
      tail.push(line);
      options.onLine(line);
    };
    createInterface({ input: child.stdout }).on('line', take);
    createInterface({ input: child.stderr }).on('line', take);
    child.on('error', (error) =>
      reject(new BuildoutError(`cannot run buildout with ${options.python}: ${error.message}`, { where: options.releaseDir, hint: 'install python3-zc.buildout, or set the agent\'s python in agent.json' })),
    );
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      reject(
        new BuildoutError(`buildout failed (${signal ?? `exit ${code}`})${tail.cutNote()}:\n${tail.lines.map((l) => `    ${l}`).join('\n')}`, {
          where: `${options.releaseDir} (phase build)`,
          hint: 'the release was dropped and the previous one keeps serving; fix the buildout and deploy again',
        }),
      );
    });
  });
}
