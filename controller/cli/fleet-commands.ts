import type { Command } from 'commander';
import type { BuildoutConfig } from '../config/buildout-config.ts';
import type { Target } from '../target/target.ts';
import { hostLabel, parseHostAddress, selectHosts, targetForHost, type TargetHost } from '../target/target-hosts.ts';
import { DEFAULT_AGENT_PORT } from '../../shared/agent-port.ts';
import { forgetKnownAgent, listKnownAgents, lookupKnownAgent, rememberKnownAgent } from '../agent-client/known-agents.ts';
import { defaultConfigDir } from '../../shared/trust/controller-key.ts';
import { normalizeFingerprint } from '../../shared/trust/fingerprint.ts';
import { HostoutError, TrustError, UsageError } from '../../shared/errors.ts';
import { textTable } from '../fleet/text-table.ts';
import { exitCodeForKind } from '../../shared/cli/exit-codes.ts';
import { FleetProgress } from '../fleet/fleet-progress.ts';
import { onEachHost } from '../fleet/on-each-host.ts';
import type { BootstrapCliOptions } from './bootstrap-commands.ts';
import { fleetDeployHint, fleetSplit } from '../fleet/fleet-outcome.ts';
import { describeKeyHolder } from '../../shared/trust/authorized-keys.ts';
import { visibleLine } from '../../shared/text/visible-text.ts';

/** A rollout in which some hosts failed: the per-host table says which; exit code as a failed deploy. */
export class FleetRolloutError extends HostoutError {}

type Write = (text: string) => void;
const fleet = () => import('../fleet/fleet-operations.ts');

/** Whether a command works on several hosts: the target has more than one. */
export function isFleet(target: Target): boolean {
  return target.hosts.length > 1;
}

export function fleetHostsOf(target: Target, only: string | undefined): TargetHost[] {
  return selectHosts(target.hosts, only);
}

export async function deployFleet(loaded: { config: BuildoutConfig; target: Target }, options: BootstrapCliOptions & { force?: boolean; json?: boolean; hosts?: string }, write: Write): Promise<void> {
  const configDir = defaultConfigDir();
  const hosts = fleetHostsOf(loaded.target, options.hosts);
  const { unpinnedHosts } = await fleet();
  if (unpinnedHosts(hosts, configDir).length) await bootstrapFleet(loaded.target, hosts, options, write);
  const { runFleetDeploy } = await import('../fleet/fleet-deploy.ts');
  write(`Deploying to ${hosts.length} hosts\n`);
  const report = await runFleetDeploy(loaded, hosts, { force: Boolean(options.force), configDir, write });
  if (options.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else {
    write(
      '\n' +
        textTable(
          ['HOST', 'RESULT', 'VERSION', 'DETAIL'],
          report.hosts.map((h) => [h.host, h.result, h.version === undefined ? '-' : String(h.version), h.error ? `${h.phase ? `${h.phase}: ` : ''}${h.error}` : h.tag ?? '']),
        ),
    );
  }
  const live = report.hosts.filter((h) => h.result === 'deployed' || h.result === 'already').length;
  const summary = `${live} of ${report.hosts.length} hosts at ${report.tag}`;
  if (report.failed === 0) return void write(`Deployment complete on ${summary}\n`);
  failRollout(options, new FleetRolloutError(`${report.failed} of ${report.hosts.length} hosts failed${report.stoppedEarly ? '; the rollout stopped, hosts not reached keep their release' : ''}; ${summary}`, {
    kind: 'DeployFailedError',
    hint: fleetDeployHint(report.hosts),
  }));
}

/**
 * A rollout in which hosts failed ends with the exit code of a failed deploy. Under
 * --json the per-host object already on stdout says it all, so no second object follows.
 */
function failRollout(options: { json?: boolean }, error: FleetRolloutError): void {
  if (!options.json) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = exitCodeForKind(error.kind);
}

export async function statusOfFleet(target: Target, options: { json?: boolean; hosts?: string }): Promise<void> {
  const { fleetStatus } = await fleet();
  const rows = await fleetStatus(target, fleetHostsOf(target, options.hosts), defaultConfigDir());
  if (options.json) return void process.stdout.write(JSON.stringify({ hosts: rows }, null, 2) + '\n');
  process.stdout.write(
    textTable(
      ['HOST', 'VERSION', 'TAG', 'AGENT', 'LOCK', 'LAST DEPLOY'],
      rows.map((r) => [r.host, r.version === undefined ? '-' : String(r.version), r.tag ?? '-', r.agentUp ? `up ${r.agentVersion}` : `DOWN: ${r.error}`, r.lock ?? (r.agentUp ? 'free' : '-'), r.lastDeploy ?? '-'].map(visibleLine)),
    ),
  );
}

export async function rollbackFleet(target: Target, options: { to?: string; withDb?: boolean; json?: boolean; hosts?: string }, write: Write): Promise<void> {
  const { fleetRollback, fleetStatus } = await fleet();
  const results = await fleetRollback(target, fleetHostsOf(target, options.hosts), { to: options.to ?? '', withDb: Boolean(options.withDb) }, defaultConfigDir(), new FleetProgress(write));
  if (options.json) process.stdout.write(JSON.stringify({ hosts: results }, null, 2) + '\n');
  else write('\n' + textTable(['HOST', 'RESULT', 'VERSION', 'DETAIL'], results.map((r) => [r.host, r.result, r.version === undefined ? '-' : String(r.version), r.error ?? ''])));
  const failed = results.filter((r) => r.result === 'failed' || r.result === 'unreachable').length;
  if (failed) {
    // where a failed host ended is asked again: a rollback can fail before or after its switch
    const failedHosts = fleetHostsOf(target, options.hosts).filter((h) => results.find((r) => r.host === hostLabel(h))?.result === 'failed');
    const now = failedHosts.length ? await fleetStatus(target, failedHosts, defaultConfigDir()) : [];
    const ended = results.map((r) => ({ ...r, version: r.result === 'failed' ? now.find((n) => n.host === r.host)?.version : r.version }));
    const split = fleetSplit(ended, options.to);
    return failRollout(options, new FleetRolloutError(`${failed} of ${results.length} hosts could not roll back${split ? `; ${split}` : ''}`, { kind: 'DeployFailedError', hint: 'the table above names each host\'s cause; `ctl status` shows where every host is' }));
  }
  write(`Rolled back ${results.length} hosts\n`);
}

export async function historyOfFleet(target: Target, options: { limit: number; json?: boolean; hosts?: string }): Promise<void> {
  const { fleetHistory } = await fleet();
  const history = await fleetHistory(target, fleetHostsOf(target, options.hosts), options.limit, defaultConfigDir());
  if (options.json) return void process.stdout.write(JSON.stringify(history, null, 2) + '\n');
  for (const e of history.entries) process.stdout.write(`${visibleLine(`${e.time}  ${e.host}  ${e.outcome.padEnd(7)} ${e.action.padEnd(12)} ${describeKeyHolder(e.keyId, e.keyName)}  ${e.detail}`)}\n`);
  for (const u of history.unreachable) process.stderr.write(`warning: ${u.host} did not answer: ${visibleLine(u.error)}\n`);
}

/** Prepares every host of the target that is not paired yet, in parallel, from one set of root credentials. */
export async function bootstrapFleet(target: Target, hosts: readonly TargetHost[], options: BootstrapCliOptions, write: Write): Promise<void> {
  const { unpinnedHosts } = await fleet();
  const configDir = defaultConfigDir();
  const fresh = unpinnedHosts(hosts, configDir);
  const paired = hosts.length - fresh.length;
  if (paired) write(`${paired} of ${hosts.length} hosts are paired already; skipping them\n`);
  if (!fresh.length) return;
  const { bootstrapHost } = await import('../bootstrap/bootstrap-host.ts');
  const { rootCredentials } = await import('../bootstrap/root-credentials.ts');
  const { user, credentials } = await rootCredentials(options, write);
  const progress = new FleetProgress(write);
  progress.start(`Preparing ${fresh.length} hosts`, fresh.length);
  // each host's own transcript is kept, and shown when it failed
  const transcripts = new Map<TargetHost, string>();
  const outcomes = await onEachHost(
    fresh,
    Number(target.options.get('parallel')),
    (host) => bootstrapHost(targetForHost(target, host), { rootUser: user, credentials, configDir, write: (t) => void transcripts.set(host, (transcripts.get(host) ?? '') + t) }),
    progress.count,
  );
  progress.end();
  write(textTable(['HOST', 'RESULT', 'DETAIL'], outcomes.map((o) => [o.label, o.ok ? 'ready' : 'failed', o.ok ? o.value.facts : o.error instanceof HostoutError ? o.error.describe().replace(/\n\s*/g, ' ') : o.error.message])));
  const failed = outcomes.filter((o) => !o.ok).length;
  if (failed) {
    throw new FleetRolloutError(`${failed} of ${fresh.length} hosts could not be prepared`, { kind: 'BootstrapError', hint: 'the table above says why for each; fix it and run `ctl bootstrap` again (prepared hosts are skipped)' });
  }
}

export function registerPinCommands(program: Command): void {
  program
    .command('pin')
    .description('trust an agent you paired by hand: record its TLS fingerprint for HOST[:PORT] in known_agents, as bootstrap does')
    .argument('[address]', 'HOST or HOST:AGENT-PORT (default port 7611)')
    .argument('[fingerprint]', 'sha256:..., as `hostout-agent init` or `hostout-agent agent-fingerprint` printed it on the host')
    .option('--list', 'list the pinned agents')
    .option('--json', 'with --list: print one JSON object')
    .option('--replace', 'replace a fingerprint pinned before for that address (after the agent\'s identity was re-created on purpose)')
    .action((address: string | undefined, fingerprint: string | undefined, options: { list?: boolean; json?: boolean; replace?: boolean }) => {
      const configDir = defaultConfigDir();
      if (options.list) {
        const pinned = listKnownAgents(configDir);
        if (options.json) return void process.stdout.write(JSON.stringify({ agents: pinned }, null, 2) + '\n');
        return void process.stdout.write(pinned.length ? textTable(['AGENT', 'FINGERPRINT'], pinned.map((p) => [p.address, p.fingerprint])) : 'no agents pinned yet\n');
      }
      if (!address || !fingerprint) throw new UsageError('ctl pin takes HOST[:PORT] and a sha256 fingerprint, or --list', { hint: 'e.g. ctl pin web1.example.com:7611 sha256:0f3a...' });
      const { host, agentPort } = parseHostAddress(address, DEFAULT_AGENT_PORT, 'ctl pin');
      const wanted = normalizeFingerprint(fingerprint);
      const before = lookupKnownAgent(configDir, host, agentPort);
      if (before === wanted) return void process.stdout.write(`${host}:${agentPort} is pinned to ${wanted} already\n`);
      // as ssh does for a changed host key: a new identity at a known address is an alarm, not an update
      if (before && !options.replace) {
        throw new TrustError(`${host}:${agentPort} is pinned to ${before}, not ${wanted}`, {
          where: `${configDir}/known_agents`,
          hint: `an agent's identity changes only when it is re-created (hostout-agent init on a new path) or the host was replaced; if you know that happened, run ctl pin --replace ${host}:${agentPort} ${wanted}; else someone else may be answering at that address`,
        });
      }
      rememberKnownAgent(configDir, host, agentPort, wanted);
      process.stdout.write(before ? `Replaced the pinned identity of ${host}:${agentPort}: ${before} → ${wanted}\n` : `Pinned ${host}:${agentPort} ${wanted}\n`);
    });

  program
    .command('unpin')
    .description('forget the pinned identity of the agent at HOST[:PORT]')
    .argument('<address>', 'HOST or HOST:AGENT-PORT (default port 7611)')
    .action((address: string) => {
      const { host, agentPort } = parseHostAddress(address, DEFAULT_AGENT_PORT, 'ctl unpin');
      const removed = forgetKnownAgent(defaultConfigDir(), host, agentPort);
      process.stdout.write(removed ? `Unpinned ${host}:${agentPort}\n` : `${host}:${agentPort} was not pinned\n`);
    });
}
