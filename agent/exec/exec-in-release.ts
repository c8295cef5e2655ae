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
import type { Emit } from '../rpc/authenticated-service.ts';
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

/** `ctl exec -i`: the caller's input, and (tty) the size of the terminal to run the command on. */
export interface ExecInteraction {
  tty: boolean;
  rows: number;
  cols: number;
  input: AsyncIterable<{ stdin?: Buffer | Uint8Array; stdinEnd?: boolean }>;
}

/** The longest `--timeout`: a week. Past it Node's timers overflow (24.8 days) and fire at once. */
export const EXEC_MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
/**
 * After the command's own process exited, its output is read to the end; but something it
 * left running (a `setsid` child) may hold the pipes open for ever. Once nothing came for
 * this long (and the caller is not the one holding things up), the call ends without it.
 */
const QUIET_AFTER_EXIT_MS = 500;
/** And however much such a leftover still writes, the call ends this long after the command exited. */
const MAX_READ_AFTER_EXIT_MS = 10_000;

export function execInCurrentRelease(
  agent: Agent,
  request: { argv: readonly string[]; timeoutSeconds: number },
  send: Emit<ExecOutput>,
  cancelled?: AbortSignal,
  interaction?: ExecInteraction,
): Promise<ExecOutcome> {
  if (request.argv.length === 0 || !request.argv[0]) throw new UsageError('no command to run', { hint: 'ctl exec TARGET -- COMMAND ARGS...' });
  if (!Number.isInteger(request.timeoutSeconds) || request.timeoutSeconds < 0 || request.timeoutSeconds > EXEC_MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`timeout ${request.timeoutSeconds} s is out of range: at most ${EXEC_MAX_TIMEOUT_SECONDS} s (a week)`, { hint: 'ctl exec --timeout SECONDS; 0 means the default, one hour' });
  }
  const deploy = readDeployLock(agent.layout.lockFile);
  if (deploy && !isStaleLock(deploy)) {
    throw new LockError(`a deploy is under way (${deploy.holder}, ${deploy.tag}, since ${deploy.since}): current may be switching`, { hint: 'run the command once the deploy has finished (ctl status)' });
  }
  const cwd = currentReleaseDir(agent);
  const timeoutMs = (request.timeoutSeconds || EXEC_DEFAULT_TIMEOUT_SECONDS) * 1000;
  send({ cwd });
  return new Promise((resolve) => {
    // detached: the command leads its own process group, so a timeout or a cancel ends all it started
    const [command, ...args] = interaction?.tty ? onTerminal(request.argv, interaction) : request.argv;
    const child = spawn(command!, args, {
      cwd,
      detached: true,
      stdio: [interaction ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      // script(1) runs the line with $SHELL, which under a service may be the deploy user's nologin
      ...(interaction?.tty ? { env: { ...process.env, SHELL: '/bin/sh', TERM: process.env.TERM || 'xterm' } } : {}),
    });
    if (interaction && child.stdin) void forwardInput(interaction.input, child.stdin);
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

    // Backpressure: while the call cannot take more, the pipes are not read; the kernel's pipe
    // buffer fills and the command waits in write(). Memory stays flat whatever it prints.
    let paused = false;
    let lastOutputAt = Date.now();
    const outputs = [child.stdout!, child.stderr!];
    const forward = (key: 'stdout' | 'stderr') => (data: Buffer) => {
      lastOutputAt = Date.now();
      let full = false;
      for (let at = 0; at < data.length; at += EXEC_CHUNK_BYTES) full = !send({ [key]: data.subarray(at, at + EXEC_CHUNK_BYTES) }) || full;
      if (full && !paused) {
        paused = true;
        for (const stream of outputs) stream.pause();
        void send.drained().then(() => {
          paused = false;
          lastOutputAt = Date.now();
          for (const stream of outputs) stream.resume();
        });
      }
    };
    child.stdout!.on('data', forward('stdout'));
    child.stderr!.on('data', forward('stderr'));

    let finished = false;
    let afterExit: NodeJS.Timeout | undefined;
    const finish = (outcome: ExecOutcome) => {
      // a command that cannot start reports 'error' and may still report 'close'
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearInterval(afterExit);
      cancelled?.removeEventListener('abort', killGroup);
      // what a leftover process still writes is not ours to wait for
      for (const stream of outputs) stream.destroy();
      send({ exited: true, exitCode: outcome.exitCode, signal: outcome.signal, timedOut: outcome.timedOut });
      resolve(outcome);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      const problem = error.code === 'ENOENT' ? `${request.argv[0]}: command not found (in ${cwd}, on the agent's PATH)` : `${request.argv[0]}: ${error.message}`;
      send({ stderr: Buffer.from(`${problem}\n`) });
      // 127: what a shell answers for a command it cannot find
      finish({ exitCode: 127, signal: '', timedOut: false, cwd });
    });
    child.on('exit', (code, signal) => {
      const outcome = () => ({ exitCode: code ?? -1, signal: signal ?? '', timedOut, cwd });
      const exitedAt = Date.now();
      // its output is read to the end ('close'), unless a leftover keeps the pipes open
      afterExit = setInterval(() => {
        const quiet = !paused && Date.now() - lastOutputAt > QUIET_AFTER_EXIT_MS;
        if (quiet || timedOut || Date.now() - exitedAt > MAX_READ_AFTER_EXIT_MS) finish(outcome());
      }, 100);
      child.once('close', () => finish(outcome()));
    });
  });
}

/**
 * The command run on a pseudo-terminal of the caller's size: util-linux's script(1), which is
 * on every Debian host, with the command's exit status (-e) and nothing of its own (-q).
 */
function onTerminal(argv: readonly string[], size: { rows: number; cols: number }): string[] {
  const rows = Math.min(Math.max(size.rows || 24, 1), 1000);
  const cols = Math.min(Math.max(size.cols || 80, 1), 1000);
  return ['script', '-qfec', `stty rows ${rows} cols ${cols} 2>/dev/null; exec ${describeCommandLine(argv)}`, '/dev/null'];
}

/** The caller's input into the command, as it comes, waiting while the command reads slowly. */
async function forwardInput(input: AsyncIterable<{ stdin?: Buffer | Uint8Array; stdinEnd?: boolean }>, stdin: NodeJS.WritableStream): Promise<void> {
  stdin.on('error', () => {}); // the command exited: what it did not read is dropped
  try {
    for await (const message of input) {
      if (message.stdin?.length && !stdin.write(Buffer.from(message.stdin))) await new Promise((resolve) => stdin.once('drain', resolve));
      if (message.stdinEnd) break;
    }
  } catch {
    // the caller went away: the command gets end of file
  }
  stdin.end();
}

/** The directory `current` points at now, resolved: a switch while the command runs does not move it. */
function currentReleaseDir(agent: Agent): string {
  try {
    return realpathSync(agent.layout.currentLink);
  } catch {
    throw new StateError('nothing is deployed on this host: there is no current release to run the command in', { where: agent.layout.currentLink, hint: 'ctl deploy first' });
  }
}


/** The command line as the audit log shows it. */
export function describeCommandLine(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
