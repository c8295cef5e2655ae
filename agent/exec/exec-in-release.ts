/**
 * `ctl exec -- CMD ARGS...`: one command run in the current release directory as the
 * agent's own user (the deploy user), its stdout and stderr sent back as they come and
 * its exit status last. No shell (argv as given), no stdin (/dev/null). It is refused
 * while a deploy or rollback holds the deploy lock, since `current` may be switching;
 * a timeout, or the caller going away, kills the command's whole process group.
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { LockError, StateError, UsageError } from '../../shared/errors.ts';
import type { Agent } from '../agent.ts';
import { isStaleLock, readDeployLock } from '../state/deploy-lock.ts';

export const EXEC_DEFAULT_TIMEOUT_SECONDS = 3600;
/** Output is sent in pieces no larger than this, whatever the pipe delivers. */
export const EXEC_CHUNK_BYTES = 16 * 1024;

export interface ExecOutput {
  stdout?: Buffer;
  stderr?: Buffer;
  exited?: boolean;
  exitCode?: number;
  signal?: string;
  timedOut?: boolean;
  cwd?: string;
}

export interface ExecOutcome {
  exitCode: number;
  signal: string;
  timedOut: boolean;
  cwd: string;
}

export function execInCurrentRelease(
  agent: Agent,
  request: { argv: readonly string[]; timeoutSeconds: number },
  send: (output: ExecOutput) => void,
  cancelled?: AbortSignal,
): Promise<ExecOutcome> {
  if (request.argv.length === 0 || !request.argv[0]) throw new UsageError('no command to run', { hint: 'ctl exec TARGET -- COMMAND ARGS...' });
  const deploy = readDeployLock(agent.layout.lockFile);
  if (deploy && !isStaleLock(deploy)) {
    throw new LockError(`a deploy is under way (${deploy.holder}, ${deploy.tag}, since ${deploy.since}): current may be switching`, { hint: 'run the command once the deploy has finished (ctl status)' });
  }
  const cwd = currentReleaseDir(agent);
  const timeoutMs = (request.timeoutSeconds || EXEC_DEFAULT_TIMEOUT_SECONDS) * 1000;
  send({ cwd });
  return new Promise((resolve) => {
    // detached: the command leads its own process group, so a timeout or a cancel ends all it started
    const child = spawn(request.argv[0]!, request.argv.slice(1), { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    cancelled?.addEventListener('abort', killGroup);
    child.stdout.on('data', (data: Buffer) => sendChunks(data, (piece) => send({ stdout: piece })));
    child.stderr.on('data', (data: Buffer) => sendChunks(data, (piece) => send({ stderr: piece })));
    let finished = false;
    const finish = (outcome: ExecOutcome) => {
      // a command that cannot start reports 'error' and may still report 'close'
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      cancelled?.removeEventListener('abort', killGroup);
      send({ exited: true, exitCode: outcome.exitCode, signal: outcome.signal, timedOut: outcome.timedOut });
      resolve(outcome);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      const problem = error.code === 'ENOENT' ? `${request.argv[0]}: command not found (in ${cwd}, on the agent's PATH)` : `${request.argv[0]}: ${error.message}`;
      send({ stderr: Buffer.from(`${problem}\n`) });
      // 127: what a shell answers for a command it cannot find
      finish({ exitCode: 127, signal: '', timedOut: false, cwd });
    });
    child.on('close', (code, signal) => finish({ exitCode: code ?? -1, signal: signal ?? '', timedOut, cwd }));
  });
}

/** The directory `current` points at now, resolved: a switch while the command runs does not move it. */
function currentReleaseDir(agent: Agent): string {
  try {
    return realpathSync(agent.layout.currentLink);
  } catch {
    throw new StateError('nothing is deployed on this host: there is no current release to run the command in', { where: agent.layout.currentLink, hint: 'ctl deploy first' });
  }
}

function sendChunks(data: Buffer, send: (piece: Buffer) => void): void {
  for (let at = 0; at < data.length; at += EXEC_CHUNK_BYTES) send(data.subarray(at, at + EXEC_CHUNK_BYTES));
}

/** The command line as the audit log shows it. */
export function describeCommandLine(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
