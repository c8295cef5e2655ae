import type { Command } from 'commander';
import { Agent } from '../agent.ts';
import { startAgentServer } from '../rpc/agent-server.ts';
import { recoverUnfinished } from '../deploy/recover-unfinished.ts';
import { SystemdNotifier } from '../daemon/systemd-notify.ts';
import { HOSTOUT_VERSION } from '../../shared/hostout-version.ts';
import { typedError } from '../../shared/system-error.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the agent: finish what a previous run left half-way, then serve controllers over gRPC (TLS)')
    .requiredOption('--path <dir>', 'state directory')
    .option('-q, --quiet', 'log only warnings and errors')
    .option('-v, --verbose', 'log debug lines too')
    .action(async (options: { path: string; quiet?: boolean; verbose?: boolean }) => {
      const agent = new Agent(options.path);
      if (options.quiet || options.verbose) agent.log.level = options.quiet ? 'warn' : 'debug';
      const notifier = new SystemdNotifier();
      const log = agent.log;
      await notifier.status('recovering');
      // refusals a killed agent had counted and not yet written go to the audit log first
      agent.writeLeftOverRefusalCounts();
      const recovered = await recoverUnfinished(agent, (event) => log.info({ tag: event.tag, phase: event.phase, state: event.state }, event.message));
      if (recovered) log.warn({ phase: 'recover' }, recovered);
      const server = await startAgentServer(agent, agent.config.listen).catch((error: unknown) => {
        throw listenFailure(error, agent.config.listen);
      });
      const address = `${agent.config.listen.host}:${server.port}`;
      log.info({ phase: 'serve', address, fingerprint: agent.fingerprint, version: HOSTOUT_VERSION }, `hostout-agent listening on ${address}`);
      await notifier.ready(`serving on ${address}`);

      // SIGTERM: accept no new calls; a deploy under way finishes (or rolls back) first, running
      // commands (ctl exec) are killed and followed logs end.
      // A second signal leaves at once: the journal lets the next start finish the job.
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) {
          log.warn({ phase: 'serve' }, `${signal} again: exiting now; the next start recovers from the journal`);
          process.exit(1);
        }
        stopping = true;
        log.info({ phase: 'serve', activity: agent.activity }, `${signal}: finishing ${agent.activity === 'idle' ? 'open calls' : agent.activity}, then exiting`);
        await notifier.stopping();
        // execs and followed logs end now (their process groups killed); a deploy finishes first
        agent.stopping.abort();
        await server.close();
        log.info({ phase: 'serve' }, 'stopped');
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop('SIGTERM'));
      process.on('SIGINT', () => void stop('SIGINT'));
    });
}

/** grpc-js reports a failed bind as "No address added ... [listen EADDRINUSE: ...]": read the errno back out of it. */
function listenFailure(error: unknown, listen: { host: string; port: number }): unknown {
  const code = /\b(?:listen|bind) (E[A-Z]+)\b/.exec((error as Error)?.message ?? '')?.[1];
  return code ? typedError(Object.assign(new Error((error as Error).message), { code, syscall: 'listen', address: listen.host, port: listen.port })) : error;
}
