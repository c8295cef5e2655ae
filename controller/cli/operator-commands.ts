import { Option, type Command } from 'commander';
import { constants } from 'node:os';
import { resolve } from 'node:path';
import type { AgentConnection } from '../agent-client/agent-client.ts';
import { loadTargetConfig } from '../target/load-target.ts';
import { positiveWholeNumber } from '../../shared/cli/option-values.ts';
import { UsageError } from '../../shared/errors.ts';
import { DEPLOY_PHASES } from '../../shared/deploy-phases.ts';

/** What `ctl exec` exits with when the agent killed the command at its timeout, as timeout(1) does. */
const EXEC_TIMED_OUT = 124;

const configOption = ['-c, --config <file>', 'the development buildout config', 'buildout.cfg'] as const;

async function withTargetAgent<T>(command: string, configFile: string, target: string | undefined, work: (connection: AgentConnection) => Promise<T>): Promise<T> {
  const { withAgent } = await import('../agent-client/with-agent.ts');
  return withAgent(loadTargetConfig(resolve(configFile), target, command).target, work);
}

/**
 * What an operator reaches for around deploys: the whole output of one (`logs`), the
 * maintenance lock (`lock`, `unlock`) and a command in the live release (`exec`).
 */
export function registerOperatorCommands(program: Command): void {
  program
    .command('logs')
    .description('a deploy\'s whole phase output as the agent stored it (default: the latest deploy), or the agent\'s own log')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .option('--tag <tag>', 'the deploy of this release tag (ctl status lists them)')
    .addOption(new Option('--phase <phase>', 'only this phase\'s output').choices(DEPLOY_PHASES))
    .option('-f, --follow', 'follow the deploy under way live, until it ends')
    .option('--agent', 'the agent\'s own log instead (its last lines)')
    .option('-n, --lines <n>', 'with --agent: how many of the last lines', positiveWholeNumber, 200)
    .option('--json', 'print one JSON object: the output per phase, or the agent\'s log entries')
    .action(async (target: string | undefined, options: { config: string; tag?: string; phase?: string; follow?: boolean; agent?: boolean; lines: number; json?: boolean }) => {
      if (options.agent && (options.tag || options.phase || options.follow)) throw new UsageError('--agent shows the agent\'s own log: it takes no --tag, --phase or --follow');
      await withTargetAgent('logs', options.config, target, async (connection) => {
        const request = { tag: options.tag ?? '', phase: options.phase ?? '', follow: Boolean(options.follow), agent: Boolean(options.agent), lines: options.lines };
        const chunks = connection.stream<{ tag: string; phase: string; text: string }>('Logs', request);
        if (options.agent) return printAgentLog(chunks, Boolean(options.json));
        if (!options.json) {
          for await (const chunk of chunks) process.stdout.write(chunk.text);
          return;
        }
        const output: { tag: string; phase: string; text: string }[] = [];
        for await (const chunk of chunks) {
          const last = output.at(-1);
          if (last && last.phase === chunk.phase) last.text += chunk.text;
          else output.push({ ...chunk });
        }
        process.stdout.write(JSON.stringify({ tag: output[0]?.tag ?? options.tag ?? null, output: output.map(({ phase, text }) => ({ phase, text })) }, null, 2) + '\n');
      });
    });

  program
    .command('lock')
    .description('lock the host for maintenance: deploys and rollbacks are refused with your message until ctl unlock')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .requiredOption('-m, --message <why>', 'why the host is locked: shown to whoever tries to deploy')
    .option('--json', 'print the lock as one JSON object')
    .action(async (target: string | undefined, options: { config: string; message: string; json?: boolean }) => {
      await withTargetAgent('lock', options.config, target, async (connection) => {
        const reply = await connection.unary<LockReply>('Lock', { message: options.message });
        if (options.json) return void process.stdout.write(JSON.stringify(reply, null, 2) + '\n');
        process.stdout.write(`Locked for maintenance by ${reply.lock?.holder} since ${reply.lock?.since}: "${reply.lock?.message}"\n`);
        if (reply.deployUnderWay) process.stdout.write(`A deploy that began before the lock is under way (${reply.deployUnderWay}); it finishes, the next ones are refused.\n`);
      });
    });

  program
    .command('unlock')
    .description('release the maintenance lock (anyone authorized can; audited)')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .option('--json', 'print the released lock as one JSON object')
    .action(async (target: string | undefined, options: { config: string; json?: boolean }) => {
      await withTargetAgent('unlock', options.config, target, async (connection) => {
        const reply = await connection.unary<LockReply>('Unlock', {});
        if (options.json) return void process.stdout.write(JSON.stringify(reply, null, 2) + '\n');
        process.stdout.write(reply.lock ? `Unlocked (the lock of ${reply.lock.holder} since ${reply.lock.since}: "${reply.lock.message}")\n` : 'The host was not locked\n');
      });
    });

  program
    .command('exec')
    .description('run a command in the current release directory as the deploy user; its output streamed, its exit code returned (no stdin)')
    .argument('[target]', 'deployment target section')
    .argument('[command...]', 'after --: the command and its arguments, e.g. -- bin/instance run scripts/fix.py')
    .option(...configOption)
    .option('--timeout <seconds>', 'kill the command (and all it started) after this long; ctl then exits 124', positiveWholeNumber, 3600)
    .usage('[options] [target] -- COMMAND [ARGS...]')
    .action(async (_target: string | undefined, words: string[], options: { config: string; timeout: number }) => {
      const { target, argv } = splitAtDoubleDash([...(_target === undefined ? [] : [_target]), ...words], process.argv);
      await withTargetAgent('exec', options.config, target, async (connection) => {
        let exit: ExecChunk | undefined;
        for await (const chunk of connection.stream<ExecChunk>('Exec', { argv, timeoutSeconds: options.timeout })) {
          if (chunk.stdout?.length) await writeAll(process.stdout, chunk.stdout);
          if (chunk.stderr?.length) await writeAll(process.stderr, chunk.stderr);
          if (chunk.exited) exit = chunk;
        }
        process.exitCode = execExitCode(exit, options.timeout);
      });
    });
}

interface LockReply {
  lock?: { holder: string; since: string; message: string };
  deployUnderWay: string;
}

interface ExecChunk {
  stdout?: Buffer;
  stderr?: Buffer;
  exited: boolean;
  exitCode: number;
  signal: string;
  timedOut: boolean;
}

/** The command is what follows `--`; a word before it is the target. */
function splitAtDoubleDash(operands: string[], processArgv: readonly string[]): { target?: string; argv: string[] } {
  const dash = processArgv.indexOf('--');
  if (dash < 0) throw new UsageError('put the command after --', { hint: 'ctl exec [TARGET] -- COMMAND [ARGS...]' });
  const argv = processArgv.slice(dash + 1);
  if (argv.length === 0) throw new UsageError('no command after --', { hint: 'ctl exec [TARGET] -- COMMAND [ARGS...]' });
  const before = operands.slice(0, operands.length - argv.length);
  if (before.length > 1) throw new UsageError(`one target at most before --, not ${before.join(' ')}`);
  return { target: before[0], argv };
}

/** The command's own exit code; 128 + the signal's number when a signal ended it; 124 for the timeout. */
function execExitCode(exit: ExecChunk | undefined, timeoutSeconds: number): number {
  if (!exit) {
    process.stderr.write('the agent did not say how the command ended\n');
    return 1;
  }
  if (exit.timedOut) {
    process.stderr.write(`ctl exec: the command did not finish within ${timeoutSeconds} s; the agent killed it (with all it started)\n`);
    return EXEC_TIMED_OUT;
  }
  if (exit.signal) return 128 + (constants.signals[exit.signal as NodeJS.Signals] ?? 0);
  return exit.exitCode;
}

async function printAgentLog(chunks: AsyncIterable<{ text: string }>, json: boolean): Promise<void> {
  let text = '';
  for await (const chunk of chunks) text += chunk.text;
  const entries = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  if (json) return void process.stdout.write(JSON.stringify({ entries }, null, 2) + '\n');
  for (const entry of entries) process.stdout.write(formatAgentLogEntry(entry) + '\n');
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** "2026-12-01T11:40:00.000Z info  [20261201-abc build] buildout: Installing app." */
function formatAgentLogEntry(entry: Record<string, unknown>): string {
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString() : String(entry.time ?? '');
  const where = [entry.tag, entry.phase].filter((v) => typeof v === 'string' && v).join(' ');
  return `${time} ${(LEVELS[Number(entry.level)] ?? String(entry.level)).padEnd(5)} ${where ? `[${where}] ` : ''}${String(entry.msg ?? '')}`;
}

function writeAll(stream: NodeJS.WriteStream, data: Buffer): Promise<void> {
  return new Promise((done) => (stream.write(data) ? done() : stream.once('drain', done)));
}
