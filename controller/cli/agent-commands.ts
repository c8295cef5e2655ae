import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { AgentConnection } from '../agent-client/agent-client.ts';
import { formatStatus, type AgentStatus } from '../../shared/agent-status.ts';
import { defaultConfigDir, loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { loadTargetConfig, stateDirOf } from '../target/load-target.ts';
import { withWorkFolderLock } from '../release/work-folder-lock.ts';
import { bootstrapTarget, withRootCredentialOptions, type BootstrapCliOptions } from './bootstrap-commands.ts';
import { lookupKnownAgent } from '../agent-client/known-agents.ts';
import type { Target } from '../target/target.ts';
import type { DeployReport } from '../deploy/run-deploy.ts';
import { positiveWholeNumber } from '../../shared/cli/option-values.ts';
import { deployFleet, fleetHostsOf, historyOfFleet, isFleet, rollbackFleet, statusOfFleet } from './fleet-commands.ts';
import { hostLabel, targetForHost } from '../target/target-hosts.ts';
import { outputMode } from './terminal.ts';
import { describeKeyHolder } from '../../shared/trust/authorized-keys.ts';
import { controllerKeyName } from '../../shared/trust/controller-key.ts';
import { ExitCode } from '../../shared/cli/exit-codes.ts';
import { visibleLine, visibleText } from '../../shared/text/visible-text.ts';

// gRPC and the deploy pipeline load only when a command needs them: `ctl plan` starts faster.
const deployPipeline = () => import('../deploy/run-deploy.ts');

async function withTargetAgent<T>(target: Target, work: (connection: AgentConnection) => Promise<T>): Promise<T> {
  const { withAgent } = await import('../agent-client/with-agent.ts');
  return withAgent(target, work);
}

const configOption = ['-c, --config <file>', 'the development buildout config', 'buildout.cfg'] as const;
const hostsOption = ['--hosts <list>', 'only these of the target\'s hosts, comma-separated (HOST or HOST:PORT)'] as const;

export function registerAgentCommands(program: Command): void {
  withRootCredentialOptions(program
    .command('deploy')
    .description('release what changed, send the host what it lacks, and switch it to the new release (rolls back by itself on failure)')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option(...configOption)
    .option('--force', 'deploy even when the host already runs this release (restarts it)')
    .option('--skip-stop', 'do not run the running release\'s stop command: you stopped its services by hand (e.g. because that command hangs)')
    .option('--dry-run', 'say what would be sent and which phases would run, changing nothing (no build, no ledger, nothing on the host)')
    .option('-v, --verbose', 'show buildout\'s and the services\' output')
    .option('--json', 'print one JSON object at the end (version, tag, phase timings, bytes sent, downtime); progress goes to stderr')
    .option(...hostsOption))
    .action(async (target: string | undefined, options: BootstrapCliOptions & { force?: boolean; skipStop?: boolean; dryRun?: boolean; verbose?: boolean; json?: boolean; hosts?: string }) => {
      // with --json, stdout carries only the final object
      const { ProgressOutput } = await import('./terminal.ts');
      const output = new ProgressOutput(options.json ? process.stderr : process.stdout);
      const write = output.write;
      const loaded = loadTargetConfig(resolve(options.config), target, 'deploy');
      if (options.dryRun) return printDryRun(loaded, options.hosts, Boolean(options.force), Boolean(options.json));
      if (isFleet(loaded.target)) return deployFleet(loaded, options, write);
      fleetHostsOf(loaded.target, options.hosts); // --hosts must name the target's host
      if (!agentIsPinned(loaded.target)) {
        // a brand-new host: prepare it once over SSH, then deploy as usual
        write(`Connecting to ${loaded.target.options.get('host')}.\nUser '${loaded.target.options.get('user')}' not found or unable to connect\n`);
        await bootstrapTarget('deploy', target, options, write);
      }
      const { report, deploySummary } = await withWorkFolderLock(stateDirOf(loaded.config), `ctl deploy ${loaded.target.name}`, async () => {
        // begun before the deploy code and gRPC load: a changed egg's builder starts importing
        // setuptools in its own process meanwhile
        const { beginRelease } = await import('../release/release-pipeline.ts');
        const begun = beginRelease(loaded);
        const { runDeploy, deploySummary } = await deployPipeline();
        const report = await runDeploy(loaded, begun, {
          force: Boolean(options.force),
          skipStop: Boolean(options.skipStop),
          verbose: Boolean(options.verbose),
          output,
        });
        return { report, deploySummary };
      });
      // the result, even under --quiet
      const result = output.stream;
      if (report.outcome !== 'already') result.write(`${deploySummary(report)}\n`);
      result.write(report.outcome === 'already' ? `Already at version ${report.version}\n` : `${output.style.bold(`Deployment complete at version ${report.version}`)}\n`);
      if (options.json) process.stdout.write(JSON.stringify(deployJson(report), null, 2) + '\n');
    });

  program
    .command('rollback')
    .description('switch the host back to an earlier built release (no rebuild)')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .option('--to <tag|version>', 'the release to go back to, e.g. 0.1 or its tag (default: the one before the current)')
    .option('--with-db', 'also restore the database as it was while that release ran')
    .option('--skip-stop', 'do not run the current release\'s stop command: you stopped its services by hand (e.g. because that command hangs)')
    .option('--json', 'print one JSON object at the end (version, phase timings, downtime); progress goes to stderr')
    .option(...hostsOption)
    .action(async (target: string | undefined, options: { config: string; to?: string; withDb?: boolean; skipStop?: boolean; json?: boolean; hosts?: string }) => {
      const { ProgressOutput } = await import('./terminal.ts');
      const output = new ProgressOutput(options.json ? process.stderr : process.stdout);
      const loaded = loadTargetConfig(resolve(options.config), target, 'rollback');
      if (isFleet(loaded.target)) return rollbackFleet(loaded.target, options, output.write);
      fleetHostsOf(loaded.target, options.hosts);
      const { runRollback } = await import('../deploy/run-rollback.ts');
      const request = { to: options.to, withDb: Boolean(options.withDb), skipStop: Boolean(options.skipStop) };
      const outcome = await runRollback(loaded.target, request, output);
      output.stream.write(`Rolled back to version ${outcome.version}\n`);
      if (options.json) process.stdout.write(JSON.stringify(outcome, null, 2) + '\n');
    });

  program
    .command('status')
    .description('what the host runs: current release, kept releases, backups, lock, agent version and uptime')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .option('--json', 'print one JSON object')
    .option(...hostsOption)
    .action(async (target: string | undefined, options: { config: string; json?: boolean; hosts?: string }) => {
      const loaded = loadTargetConfig(resolve(options.config), target, 'status');
      if (isFleet(loaded.target)) return statusOfFleet(loaded.target, options);
      fleetHostsOf(loaded.target, options.hosts);
      await withTargetAgent(loaded.target, async (connection) => {
        const status = await connection.unary<AgentStatus>('Status', {});
        if (options.json) return void process.stdout.write(JSON.stringify(status, null, 2) + '\n');
        // -q: the result alone, what a script or a prompt wants: the live version and tag
        if (outputMode().quiet) return void process.stdout.write(status.currentTag ? `${status.currentVersion} ${status.currentTag}\n` : 'nothing deployed\n');
        process.stdout.write(visibleText(`Agent     ${status.agentVersion}, up ${Math.round(status.uptimeSeconds)} s, ${status.state}\n` + formatStatus(status)));
      });
    });

  program
    .command('history')
    .description('the agent\'s audit log: who did what, when, with what outcome')
    .argument('[target]', 'deployment target section')
    .option(...configOption)
    .option('-n, --limit <n>', 'entries to show (the newest)', positiveWholeNumber, 30)
    .option('--json', 'print the entries as one JSON object')
    .option(...hostsOption)
    .action(async (target: string | undefined, options: { config: string; limit: number; json?: boolean; hosts?: string }) => {
      const loaded = loadTargetConfig(resolve(options.config), target, 'history');
      if (isFleet(loaded.target)) return historyOfFleet(loaded.target, options);
      fleetHostsOf(loaded.target, options.hosts);
      await withTargetAgent(loaded.target, async (connection) => {
        const { entries } = await connection.unary<{ entries: { time: string; keyId: string; keyName: string; peer: string; action: string; outcome: string; detail: string }[] }>('History', { limit: options.limit });
        if (options.json) return void process.stdout.write(JSON.stringify({ entries }, null, 2) + '\n');
        for (const e of entries) process.stdout.write(`${visibleLine(`${e.time}  ${e.outcome.padEnd(7)} ${e.action.padEnd(12)} ${describeKeyHolder(e.keyId, e.keyName)}  ${e.detail}`)}\n`);
      });
    });

  const keys = program.command('keys').description('your controller key, which signs every request and release');
  keys
    .command('show')
    .description('print your public key (created on first use), to authorize it on an agent')
    .option('--json', 'print key id and public key as one JSON object')
    .action((options: { json?: boolean }) => {
      const key = loadOrCreateControllerKey(defaultConfigDir());
      if (options.json) return void process.stdout.write(JSON.stringify({ keyId: key.keyId, publicKey: key.publicKey, name: controllerKeyName(), created: key.created }, null, 2) + '\n');
      process.stdout.write(`${key.publicKey}\n`);
      process.stderr.write(`key id ${key.keyId}${key.created ? ', just created' : ''}; authorize it on a host with: hostout-agent authorize --path PATH ${key.publicKey} ${controllerKeyName()}\n`);
    });
}

/** Each host of the target (narrowed by --hosts) asked in turn; one host prints as before, several one block each. */
async function printDryRun(loaded: ReturnType<typeof loadTargetConfig>, only: string | undefined, force: boolean, json: boolean): Promise<void> {
  const { dryRunDeploy } = await import('../deploy/dry-run-deploy.ts');
  const { dryRunSummary, fleetSendSummary } = await import('./dry-run-summary.ts');
  const hosts = fleetHostsOf(loaded.target, only);
  const reports = [];
  for (const host of hosts) reports.push({ label: hostLabel(host), report: await dryRunDeploy({ ...loaded, target: targetForHost(loaded.target, host) }, { force }) });
  if (json) process.stdout.write(JSON.stringify(reports.length === 1 ? reports[0]!.report : { hosts: reports.map((r) => ({ ...r.report, host: r.label })) }, null, 2) + '\n');
  else {
    process.stdout.write(reports.map(({ label, report }) => (reports.length === 1 ? '' : `== ${label}\n`) + dryRunSummary(report)).join('\n'));
    if (reports.length > 1) process.stdout.write(`\n${fleetSendSummary(reports.map((r) => r.report), loaded.target.options.get('relay') !== 'off')}`);
  }
  // a script asking "would it go through?" hears no when a lock would refuse it
  if (reports.some(({ report }) => (report.lock || report.maintenance) && !report.already)) process.exitCode = ExitCode.locked;
}

function agentIsPinned(target: Target): boolean {
  return Boolean(target.options.get('agent-fingerprint') ?? lookupKnownAgent(defaultConfigDir(), target.options.get('host')!, Number(target.options.get('agent-port'))));
}

/** `ctl deploy --json`: what a script wants to know about the deploy that just ended. */
function deployJson(report: DeployReport) {
  return {
    outcome: report.outcome,
    version: report.version,
    tag: report.tag,
    released: report.released,
    bytesSent: report.upload.bytes,
    filesSent: report.upload.blobs,
    downtimeMs: report.downtimeMs ?? null,
    totalMs: report.totalMs,
    phases: report.phases,
  };
}
