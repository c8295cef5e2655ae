import { Option, type Command } from 'commander';
import { constants } from 'node:os';
import type { AgentConnection } from '../agent-client/agent-client.ts';
import { commandHosts, hostsFailed, onCommandHosts, prefixedLines } from './each-host.ts';
import { outputMode } from './terminal.ts';
import { visibleLine, visibleText } from '../../shared/text/visible-text.ts';
import type { HostOutcome } from '../fleet/on-each-host.ts';
import { splitList, type Target } from '../target/target.ts';
import { positiveWholeNumber, wholeNumberUpTo } from '../../shared/cli/option-values.ts';
import { UsageError } from '../../shared/errors.ts';
import { DEPLOY_PHASES } from '../../shared/deploy-phases.ts';

const SERVICE_COMMANDS = {
  restart: 'restart the live release\'s services without a deploy: its instances one at a time, drained, where the target names instances; else stop, start and the health check',
  stop: 'stop the live release\'s services (instances included) without a deploy; the next deploy or `ctl start` starts them',
  start: 'start the live release\'s services (instances included) and check their health',
} as const;

/** What `ctl exec` exits with when the agent killed the command at its timeout, as timeout(1) does. */
const EXEC_TIMED_OUT = 124;

const configOption = ['-c, --config <file>', 'the development buildout config', 'buildout.cfg'] as const;

const hostsOption = ['--hosts <list>', 'on a target with several hosts: only these (comma-separated HOST or HOST:PORT); default all, each line prefixed with its host'] as const;

/**
 * What an operator reaches for around deploys: the whole output of one (`logs`), the
 * maintenance lock (`lock`, `unlock`) and a command in the live release (`exec`).
 */
export function registerOperatorCommands(program: Command): void {
  program
    .command('logs')
    .description('a deploy\'s whole phase output as the agent stored it (default: the latest deploy), the application\'s own logs (--app), or the agent\'s own log (--agent)')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .option('--tag <tag>', 'the deploy of this release tag or version (ctl status lists them)')
    .addOption(new Option('--phase <phase>', 'only this phase\'s output').choices(DEPLOY_PHASES))
    .option('-f, --follow', 'follow live: the deploy under way until it ends, or with --app the application\'s logs until Ctrl-C')
    .option('--app', 'the application\'s own log files the target names (app-logs): their last lines, and with -f what is appended')
    .option('--agent', 'the agent\'s own log instead (its last lines)')
    .option('-n, --lines <n>', `with --agent or --app: how many of the last lines (default ${AGENT_LOG_LINES} and ${APP_LOG_LINES})`, positiveWholeNumber)
    .option('--json', 'print one JSON object: the output per phase, the application\'s log lines, or the agent\'s log entries')
    .option(...hostsOption)
    .action(async (target: string | undefined, options: { config: string; tag?: string; phase?: string; follow?: boolean; app?: boolean; agent?: boolean; lines?: number; json?: boolean; hosts?: string }) => {
      if (options.agent && (options.tag || options.phase || options.follow || options.app)) throw new UsageError('--agent shows the agent\'s own log: it takes no --tag, --phase, --follow or --app');
      if (options.app && (options.tag || options.phase)) throw new UsageError('--app shows the application\'s own logs: it takes no --tag or --phase (those pick a deploy\'s output)');
      if (options.app && options.follow && options.json) throw new UsageError('--app --follow streams lines until Ctrl-C: it has no JSON object to print');
      if (options.lines !== undefined && !options.agent && !options.app) {
        throw new UsageError('-n counts the last lines of a log: it goes with --agent or --app', { hint: 'a deploy\'s output is shown whole; pick one phase of it with --phase' });
      }
      const lines = options.lines ?? (options.app ? APP_LOG_LINES : AGENT_LOG_LINES);
      const request = { tag: options.tag ?? '', phase: options.phase ?? '', follow: Boolean(options.follow), agent: Boolean(options.agent), app: Boolean(options.app), lines };
      const { target: loaded, hosts } = commandHosts(options.config, target, 'logs', options.hosts);
      if (hosts.length === 1) {
        const { withAgent } = await import('../agent-client/with-agent.ts');
        return withAgent(hosts[0]!.target, async (connection) => {
          const chunks = connection.stream<LogChunk>('Logs', request);
          if (options.agent) return printAgentLog(chunks, Boolean(options.json));
          if (options.app) return printAppLogs(chunks, loaded, Boolean(options.json));
          if (!options.json) {
            for await (const chunk of chunks) process.stdout.write(visibleText(chunk.text));
            return;
          }
          process.stdout.write(JSON.stringify(await collectLogs(chunks, options.tag), null, 2) + '\n');
        });
      }
      // several hosts: each line prefixed with its host; followed live all at once, else host after host
      const outcomes: HostOutcome<unknown>[] = [];
      if (options.follow) outcomes.push(...(await onCommandHosts(loaded, hosts, (connection, host) => logsOfHost(connection, host.label, request, false))));
      else for (const host of hosts) outcomes.push(...(await onCommandHosts(loaded, [host], (connection) => logsOfHost(connection, host.label, request, Boolean(options.json)))));
      if (options.json) {
        const rows = outcomes.map((o) => (o.ok ? { host: o.label, ...(o.value as object) } : { host: o.label, error: o.error.message.split('\n')[0] }));
        process.stdout.write(JSON.stringify({ hosts: rows }, null, 2) + '\n');
      }
      const failed = hostsFailed(outcomes, 'could not send their logs');
      if (failed) throw failed;
    });

  for (const action of ['restart', 'stop', 'start'] as const) {
    program
      .command(action)
      .description(SERVICE_COMMANDS[action])
      .argument('[target]', 'deployment target section')
      .option(...configOption)
      .option('-v, --verbose', 'show the services\' own output')
      .option('--json', 'print one JSON object at the end: each host\'s outcome')
      .option(...hostsOption)
      .action(async (target: string | undefined, options: { config: string; verbose?: boolean; json?: boolean; hosts?: string }) => {
        const { hosts } = commandHosts(options.config, target, action, options.hosts);
        const { operateServicesOnHosts } = await import('../deploy/run-services.ts');
        await operateServicesOnHosts(hosts, action, { verbose: Boolean(options.verbose), json: Boolean(options.json) });
      });
  }

  program
    .command('lock')
    .description('lock the host for maintenance: deploys and rollbacks are refused with your message until ctl unlock')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .requiredOption('-m, --message <why>', 'why the host is locked: shown to whoever tries to deploy')
    .option('--json', 'print the lock as one JSON object')
    .option(...hostsOption)
    .action(async (target: string | undefined, options: { config: string; message: string; json?: boolean; hosts?: string }) => {
      await onEveryHost(options, target, 'lock', 'could not be locked: they are NOT locked', (connection) => connection.unary<LockReply>('Lock', { message: options.message }), (reply) => {
        const lines = [`Locked for maintenance by ${reply.lock?.holder} since ${reply.lock?.since}: "${reply.lock?.message}"`];
        if (reply.deployUnderWay) lines.push(`A deploy that began before the lock is under way (${reply.deployUnderWay}); it finishes, the next ones are refused.`);
        return lines;
      });
    });

  program
    .command('unlock')
    .description('release the maintenance lock (anyone authorized can; audited)')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .option('--json', 'print the released lock as one JSON object')
    .option(...hostsOption)
    .action(async (target: string | undefined, options: { config: string; json?: boolean; hosts?: string }) => {
      await onEveryHost(options, target, 'unlock', 'could not be unlocked', (connection) => connection.unary<LockReply>('Unlock', {}), (reply) => [
        reply.lock ? `Unlocked (the lock of ${reply.lock.holder} since ${reply.lock.since}: "${reply.lock.message}")` : 'The host was not locked',
      ]);
    });

  program
    .command('exec')
    .description('run a command in the current release directory as the deploy user; its output streamed, its exit code returned (no stdin)')
    .argument('[target]', 'deployment target section')
    .argument('[command...]', 'after --: the command and its arguments, e.g. -- bin/instance run scripts/fix.py')
    .option(...configOption)
    .option('--timeout <seconds>', 'kill the command (and all it started) after this long, at most a week; ctl then exits 124', wholeNumberUpTo(7 * 24 * 3600, 'seconds (a week)'), 3600)
    .option('-i, --interactive', 'forward stdin, and run the command on a terminal when ctl has one (bin/instance debug, a shell, manage.py shell); one host')
    .option(...hostsOption)
    .usage('[options] [target] -- COMMAND [ARGS...]')
    // `ctl exec production ls -la` reads -la as an option of ctl's: say where the command goes
    .showHelpAfterError('(the command to run and its options go after --: ctl exec [TARGET] -- COMMAND [ARGS...], e.g. ctl exec production -- ls -la)')
    .action(async (_target: string | undefined, words: string[], options: { config: string; timeout: number; hosts?: string; interactive?: boolean }) => {
      const { target, argv } = splitAtDoubleDash([...(_target === undefined ? [] : [_target]), ...words], process.argv);
      const { target: loaded, hosts } = commandHosts(options.config, target, 'exec', options.hosts);
      const request = { argv, timeoutSeconds: options.timeout };
      if (options.interactive) {
        if (hosts.length !== 1) throw new UsageError('ctl exec -i talks to one host: name it with --hosts', { hint: `e.g. --hosts ${hosts[0]?.label}` });
        const { withAgent } = await import('../agent-client/with-agent.ts');
        const { runInteractive } = await import('./interactive-exec.ts');
        return withAgent(hosts[0]!.target, async (connection) => void (process.exitCode = execExitCode(await runInteractive(connection, request), options.timeout)));
      }
      if (hosts.length === 1) {
        const { withAgent } = await import('../agent-client/with-agent.ts');
        return withAgent(hosts[0]!.target, async (connection) => {
          let exit: ExecChunk | undefined;
          for await (const chunk of connection.stream<ExecChunk>('Exec', request)) {
            if (chunk.stdout?.length) await writeAll(process.stdout, chunk.stdout);
            if (chunk.stderr?.length) await writeAll(process.stderr, chunk.stderr);
            if (chunk.exited) exit = chunk;
          }
          process.exitCode = execExitCode(exit, options.timeout);
        });
      }
      // several hosts at once, each line prefixed with its host; the exit code is the first host's that failed
      const outcomes = await onCommandHosts(loaded, hosts, async (connection, host) => {
        const out = prefixedLines(process.stdout, host.label, (line) => line);
        const err = prefixedLines(process.stderr, host.label, (line) => line);
        let exit: ExecChunk | undefined;
        for await (const chunk of connection.stream<ExecChunk>('Exec', request)) {
          if (chunk.stdout?.length) out.write(chunk.stdout);
          if (chunk.stderr?.length) err.write(chunk.stderr);
          if (chunk.exited) exit = chunk;
        }
        out.end();
        err.end();
        return execExitCode(exit, options.timeout, host.label);
      });
      const failed = hostsFailed(outcomes, 'could not run the command');
      if (failed) throw failed;
      const codes = outcomes.map((o) => ({ host: o.label, code: o.ok ? o.value : 1 }));
      const nonZero = codes.filter((c) => c.code !== 0);
      if (nonZero.length) process.stderr.write(`ctl exec: the command failed on ${nonZero.length} of ${codes.length} hosts: ${nonZero.map((c) => `${c.host} (exit ${c.code})`).join(', ')}\n`);
      process.exitCode = nonZero[0]?.code ?? 0;
    });
}

/**
 * Lock and unlock: one call per host. One host prints as before; several print a line each,
 * and the hosts that failed end the command with one error naming them.
 */
async function onEveryHost(
  options: { config: string; json?: boolean; hosts?: string },
  targetName: string | undefined,
  command: 'lock' | 'unlock',
  failure: string,
  call: (connection: AgentConnection) => Promise<LockReply>,
  describe: (reply: LockReply) => string[],
): Promise<void> {
  const { target, hosts } = commandHosts(options.config, targetName, command, options.hosts);
  if (hosts.length === 1) {
    const { withAgent } = await import('../agent-client/with-agent.ts');
    const reply = await withAgent(hosts[0]!.target, call);
    // -q: nothing to say when it went through (the exit code says it)
    if (!options.json && outputMode().quiet) return;
    return void process.stdout.write(options.json ? JSON.stringify(reply, null, 2) + '\n' : visibleText(describe(reply).join('\n')) + '\n');
  }
  const outcomes = await onCommandHosts(target, hosts, (connection) => call(connection));
  if (options.json) {
    process.stdout.write(JSON.stringify({ hosts: outcomes.map((o) => (o.ok ? { host: o.label, ...o.value } : { host: o.label, error: o.error.message.split('\n')[0] })) }, null, 2) + '\n');
  } else {
    for (const o of outcomes) process.stdout.write(`${visibleLine(`${o.label}  ${o.ok ? describe(o.value).join(' ') : `FAILED: ${o.error.message.split('\n')[0]}`}`)}\n`);
  }
  const failed = hostsFailed(outcomes, failure);
  if (failed) throw failed;
}

/** One host's logs: printed with its name before each line, or (json) returned as --json shows them. */
async function logsOfHost(connection: AgentConnection, label: string, request: { agent: boolean; app: boolean; tag: string }, json: boolean): Promise<unknown> {
  const chunks = connection.stream<LogChunk>('Logs', request);
  if (json) return request.agent ? { entries: await agentLogEntries(chunks) } : request.app ? collectAppLogs(chunks) : collectLogs(chunks, request.tag || undefined);
  if (request.app) {
    // one prefixed writer per file, so that lines of two files never mix inside a line
    const writers = new Map<string, ReturnType<typeof prefixedLines>>();
    for await (const chunk of chunks) {
      if (!writers.has(chunk.file)) writers.set(chunk.file, prefixedLines(process.stdout, `${label} ${chunk.file}`));
      writers.get(chunk.file)!.write(chunk.text);
    }
    for (const writer of writers.values()) writer.end();
    return undefined;
  }
  const out = prefixedLines(process.stdout, label);
  if (request.agent) for (const entry of await agentLogEntries(chunks)) out.write(formatAgentLogEntry(entry) + '\n');
  else for await (const chunk of chunks) out.write(chunk.text);
  out.end();
  return undefined;
}

/** One host's application logs: as they are with one file, each line prefixed with its file with several. */
async function printAppLogs(chunks: AsyncIterable<LogChunk>, target: Target, json: boolean): Promise<void> {
  if (json) return void process.stdout.write(JSON.stringify(await collectAppLogs(chunks), null, 2) + '\n');
  const several = splitList(target.options.get('app-logs') ?? '').length > 1;
  const writers = new Map<string, ReturnType<typeof prefixedLines>>();
  for await (const chunk of chunks) {
    if (!several) {
      process.stdout.write(visibleText(chunk.text));
      continue;
    }
    if (!writers.has(chunk.file)) writers.set(chunk.file, prefixedLines(process.stdout, chunk.file));
    writers.get(chunk.file)!.write(chunk.text);
  }
  for (const writer of writers.values()) writer.end();
}

async function collectAppLogs(chunks: AsyncIterable<LogChunk>): Promise<{ tag: string | null; files: { file: string; text: string }[] }> {
  const files = new Map<string, string>();
  let tag: string | null = null;
  for await (const chunk of chunks) {
    tag = chunk.tag;
    files.set(chunk.file, (files.get(chunk.file) ?? '') + chunk.text);
  }
  return { tag, files: [...files].map(([file, text]) => ({ file, text })) };
}

/** What `ctl logs` shows when -n is not given. */
const AGENT_LOG_LINES = 200;
const APP_LOG_LINES = 50;

interface LogChunk {
  tag: string;
  phase: string;
  text: string;
  /** --app: the log file */
  file: string;
}

/** A deploy's output as `--json` prints it: the chunks of each phase joined. */
async function collectLogs(chunks: AsyncIterable<LogChunk>, tag: string | undefined): Promise<{ tag: string | null; output: { phase: string; text: string }[] }> {
  const output: LogChunk[] = [];
  for await (const chunk of chunks) {
    const last = output.at(-1);
    if (last && last.phase === chunk.phase) last.text += chunk.text;
    else output.push({ ...chunk });
  }
  return { tag: output[0]?.tag ?? tag ?? null, output: output.map(({ phase, text }) => ({ phase, text })) };
}

interface LockReply {
  lock?: { holder: string; since: string; message: string };
  deployUnderWay: string;
}

export interface ExecChunk {
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
function execExitCode(exit: ExecChunk | undefined, timeoutSeconds: number, host?: string): number {
  const on = host ? ` on ${host}` : '';
  if (!exit) {
    process.stderr.write(`the agent${on} did not say how the command ended\n`);
    return 1;
  }
  if (exit.timedOut) {
    process.stderr.write(`ctl exec: the command did not finish within ${timeoutSeconds} s${on}; the agent killed it (with all it started)\n`);
    return EXEC_TIMED_OUT;
  }
  if (exit.signal) return 128 + (constants.signals[exit.signal as NodeJS.Signals] ?? 0);
  return exit.exitCode;
}

async function agentLogEntries(chunks: AsyncIterable<{ text: string }>): Promise<Record<string, unknown>[]> {
  let text = '';
  for await (const chunk of chunks) text += chunk.text;
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function printAgentLog(chunks: AsyncIterable<{ text: string }>, json: boolean): Promise<void> {
  const entries = await agentLogEntries(chunks);
  if (json) return void process.stdout.write(JSON.stringify({ entries }, null, 2) + '\n');
  for (const entry of entries) process.stdout.write(visibleLine(formatAgentLogEntry(entry)) + '\n');
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
