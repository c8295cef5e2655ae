import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { PhaseEvent } from '../deploy/deploy-progress.ts';
import type { AgentConnection } from '../agent-client/agent-client.ts';
import { formatStatus, type AgentStatus } from '../../shared/agent-status.ts';
import { defaultConfigDir, loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { loadTargetConfig } from '../release/release-inputs.ts';
import { bootstrapTarget, withRootCredentialOptions, type BootstrapCliOptions } from './bootstrap-commands.ts';
import { lookupKnownAgent } from '../agent-client/known-agents.ts';
import type { Target } from '../target/target.ts';

// gRPC and the deploy pipeline load only when a command needs them: `ctl plan` starts faster.
const deployPipeline = () => import('../deploy/run-deploy.ts');
const deployProgress = () => import('../deploy/deploy-progress.ts');

async function withTargetAgent<T>(configFile: string, target: string | undefined, work: (connection: AgentConnection) => Promise<T>): Promise<T> {
  const { withAgent } = await import('../agent-client/with-agent.ts');
  return withAgent(loadTargetConfig(resolve(configFile), target).target, work);
}

const configOption = ['-c, --config <file>', 'the development buildout config', 'buildout.cfg'] as const;

export function registerAgentCommands(program: Command): void {
  withRootCredentialOptions(program
    .command('deploy')
    .description('release what changed, send the host what it lacks, and switch it to the new release (rolls back by itself on failure)')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option(...configOption)
    .option('--force', 'deploy even when the host already runs this release (restarts it)')
    .option('-v, --verbose', 'show buildout\'s and the services\' output'))
    .action(async (target: string | undefined, options: BootstrapCliOptions & { force?: boolean; verbose?: boolean }) => {
      const write = (text: string) => void process.stdout.write(text);
      const { runDeploy } = await deployPipeline();
      const loaded = loadTargetConfig(resolve(options.config), target);
      if (!agentIsPinned(loaded.target)) {
        // a brand-new host: prepare it once over SSH, then deploy as usual
        write(`Connecting to ${loaded.target.options.get('host')}.\nUser '${loaded.target.options.get('user')}' not found or unable to connect\n`);
        await bootstrapTarget(target, options, write);
      }
      const report = await runDeploy(loaded, {
        force: Boolean(options.force),
        verbose: Boolean(options.verbose),
        progressBar: Boolean(process.stderr.isTTY),
        write,
      });
      write(report.outcome === 'already' ? `Already at version ${report.version}\n` : `Deployment complete at version ${report.version}\n`);
    });

  program
    .command('rollback')
    .description('switch the host back to an earlier built release (no rebuild)')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .option('--to <tag|version>', 'the release to go back to, e.g. 0.1 or its tag (default: the one before the current)')
    .option('--with-db', 'also restore the database as it was while that release ran')
    .action(async (target: string | undefined, options: { config: string; to?: string; withDb?: boolean }) => {
      const { DeployProgress } = await deployProgress();
      await withTargetAgent(options.config, target, async (connection) => {
        const progress = new DeployProgress((t) => void process.stdout.write(t), false);
        let last: PhaseEvent | undefined;
        for await (const event of connection.stream<PhaseEvent>('Rollback', { to: options.to ?? '', withDb: Boolean(options.withDb) })) {
          progress.event(event);
          last = event;
        }
        progress.finish();
        process.stdout.write(`Rolled back to version ${last?.version}\n`);
      });
    });

  program
    .command('status')
    .description('what the host runs: current release, kept releases, backups, lock, agent version and uptime')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .option('--json', 'print one JSON object')
    .action(async (target: string | undefined, options: { config: string; json?: boolean }) => {
      await withTargetAgent(options.config, target, async (connection) => {
        const status = await connection.unary<AgentStatus>('Status', {});
        if (options.json) return void process.stdout.write(JSON.stringify(status, null, 2) + '\n');
        process.stdout.write(`Agent     ${status.agentVersion}, up ${Math.round(status.uptimeSeconds)} s, ${status.state}\n` + formatStatus(status));
      });
    });

  program
    .command('history')
    .description('the agent\'s audit log: who did what, when, with what outcome')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .option('-n, --limit <n>', 'entries to show', '30')
    .action(async (target: string | undefined, options: { config: string; limit: string }) => {
      await withTargetAgent(options.config, target, async (connection) => {
        const { entries } = await connection.unary<{ entries: { time: string; keyId: string; peer: string; action: string; outcome: string; detail: string }[] }>('History', { limit: Number(options.limit) });
        for (const e of entries) process.stdout.write(`${e.time}  ${e.outcome.padEnd(7)} ${e.action.padEnd(12)} ${e.keyId}  ${e.detail}\n`);
      });
    });

  const keys = program.command('keys').description('your controller key, which signs every request and release');
  keys
    .command('show')
    .description('print your public key (created on first use), to authorize it on an agent')
    .action(() => {
      const key = loadOrCreateControllerKey(defaultConfigDir());
      process.stdout.write(`${key.publicKey}\n`);
      process.stderr.write(`key id ${key.keyId}${key.created ? ', just created' : ''}; authorize it on a host with: hostout-agent authorize --path PATH ${key.publicKey}\n`);
    });
}

function agentIsPinned(target: Target): boolean {
  return Boolean(target.options.get('agent-fingerprint') ?? lookupKnownAgent(defaultConfigDir(), target.options.get('host')!, Number(target.options.get('agent-port'))));
}
