import type { BuildoutConfig } from '../config/buildout-config.ts';
import type { Target } from '../target/target.ts';
import { targetForHost, type TargetHost } from '../target/target-hosts.ts';
import { AgentConnection } from '../agent-client/agent-client.ts';
import { agentAddressOf } from '../agent-client/agent-address.ts';
import { releaseTarget } from '../release/release-pipeline.ts';
import type { LedgerEntry } from '../release/ledger.ts';
import type { ReleaseResult } from '../release/apply-release.ts';
import { BlobRelay } from './blob-relay.ts';
import { formatBytes } from '../../shared/text/human-units.ts';
import { plural } from '../../shared/text/plural.ts';
import { deployEvents, releaseBlobs } from '../deploy/deploy-on-agent.ts';
import type { PhaseEvent } from '../deploy/deploy-progress.ts';
import { PhaseTimeline, type PhaseTiming } from '../deploy/phase-timeline.ts';
import type { AgentStatus } from '../../shared/agent-status.ts';
import { signManifest, type ManifestSignature } from '../../shared/trust/manifest-signature.ts';
import { loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { onEachHost } from './on-each-host.ts';
import { rolloutBatches, rolloutMayContinue, type RolloutSettings } from './rollout-batches.ts';
import { FleetProgress } from './fleet-progress.ts';
import { rolloutVersion } from './rollout-version.ts';
import { hostoutFilesOf, readCheckoutRevision } from '../release/checkout-revision.ts';
import { DeployHooks } from '../deploy/deploy-hooks.ts';
import { uncommittedWarning, withSource } from '../release/release-source.ts';

/** What became of one host in a rollout. */
export interface FleetHostResult {
  host: string;
  /** deployed, already (ran this release), failed (rolled itself back or never went live), unreachable, skipped (the rollout stopped first) */
  result: 'deployed' | 'already' | 'failed' | 'unreachable' | 'skipped';
  /** the version the host serves now, when known */
  version?: string;
  tag?: string;
  /** the phase a failure happened in, and what it said */
  phase?: string;
  error?: string;
  /** bytes ctl uploaded to this host */
  bytesSent: number;
  /** bytes this host fetched from another host instead (the blob relay), and from which */
  bytesRelayed: number;
  relayedFrom?: string;
  phases: PhaseTiming[];
}

export interface FleetDeployReport {
  tag?: string;
  released: string[];
  hosts: FleetHostResult[];
  failed: number;
  stoppedEarly: boolean;
  totalMs: number;
}

interface HostSession {
  host: TargetHost;
  label: string;
  connection: AgentConnection;
  status: AgentStatus;
  /** the develop-egg versions the host knows (KnownVersions), asked with its status */
  known: LedgerEntry[];
  result: FleetHostResult;
}

export function rolloutSettingsOf(target: Target): RolloutSettings {
  return {
    parallel: Number(target.options.get('parallel')),
    batchSize: target.options.get('batch-size')!,
    canary: Number(target.options.get('canary')),
    maxFail: Number(target.options.get('max-fail')),
  };
}

/**
 * `ctl deploy` of a target with several hosts: release once; on every host, with
 * bounded parallelism, connect, upload what it lacks and build (old releases keep
 * serving); then go live in batches, canary first, stopping when more hosts fail
 * than max-fail allows. Each failed host rolls itself back; hosts not reached
 * keep their release.
 */
export async function runFleetDeploy(
  loaded: { config: BuildoutConfig; target: Target },
  hosts: readonly TargetHost[],
  options: { force: boolean; configDir: string; write: (text: string) => void },
): Promise<FleetDeployReport> {
  const began = performance.now();
  const { target } = loaded;
  const settings = rolloutSettingsOf(target);
  const key = loadOrCreateControllerKey(options.configDir);
  // which code this is, read while hosts connect: recorded in the signed manifest
  const source = readCheckoutRevision(target.buildoutDirectory, hostoutFilesOf(target.buildoutDirectory, target.ledgerFile));
  const progress = new FleetProgress(options.write);
  const results = new Map<string, FleetHostResult>();
  const fail = (label: string, result: FleetHostResult['result'], error: Error, phase?: string) => {
    const entry = results.get(label)!;
    Object.assign(entry, { result, error: error.message.split('\n')[0], phase: phase ?? entry.phase });
  };

  // 1. connect to every host, read what it runs and which egg versions it knows
  progress.start(`Connecting to ${hosts.length} hosts`, hosts.length);
  const connected = await onEachHost(
    hosts,
    settings.parallel,
    async (host): Promise<HostSession> => {
      // the kept certificate (configDir): one TLS connection per host, not two
      const connection = await AgentConnection.open(agentAddressOf(targetForHost(target, host), options.configDir), key, options.configDir);
      try {
        // asked together: one round trip for what it runs and which egg versions it knows
        const [status, known] = await Promise.all([connection.unary<AgentStatus>('Status', {}), connection.unary<{ versions: LedgerEntry[] }>('KnownVersions', { names: [] })]);
        return { host, label: '', connection, status, known: known.versions, result: undefined as never };
      } catch (error) {
        connection.close();
        throw error;
      }
    },
    progress.count,
  );
  progress.end();
  const sessions: HostSession[] = [];
  for (const outcome of connected) {
    const result: FleetHostResult = { host: outcome.label, result: 'skipped', bytesSent: 0, bytesRelayed: 0, phases: [] };
    results.set(outcome.label, result);
    if (outcome.ok) {
      Object.assign(result, { version: outcome.value.status.currentVersion || undefined, tag: outcome.value.status.currentTag || undefined });
      sessions.push({ ...outcome.value, label: outcome.label, result });
    } else fail(outcome.label, 'unreachable', outcome.error, 'connect');
  }

  try {
    // 2. one release for all: versions no reachable host has seen for other code
    options.write('Pinning egg versions...');
    const { result: built } = await releaseTarget(loaded, sessions.flatMap((s) => s.known));
    const release: ReleaseResult = { ...built, manifest: withSource(built.manifest, await source) };
    if (release.manifest.source?.uncommittedFiles) options.write(`warning: ${uncommittedWarning(release.manifest.source)}\n`);
    const released = release.eggs.filter((e) => e.changed).map((e) => `${e.name} ${e.version}`);
    options.write(`done (${release.eggs.length} eggs${released.length ? `; released ${released.join(', ')}` : ''})\n`);
    for (const warning of release.warnings) options.write(`warning: ${warning}\n`);
    const signature = signManifest(key, release.manifest);
    const version = rolloutVersion(release.manifest, sessions.map((s) => s.status));
    options.write(`Version ${version} on every host\n`);
    // a host that runs this very release (its tag hashes all it holds) is asked nothing more, as one host is
    const stale = options.force ? sessions : sessions.filter((s) => s.status.currentTag !== release.manifest.tag);
    for (const session of sessions) if (!stale.includes(session)) Object.assign(session.result, { result: 'already' });
    if (stale.length === 0) {
      const hosts = [...results.values()];
      return { tag: release.manifest.tag, released, hosts, failed: countFailed(results), stoppedEarly: false, totalMs: Math.round(performance.now() - began) };
    }

    const hooks = new DeployHooks(target, { target: target.name, hosts: stale.map((s) => s.label), tag: release.manifest.tag, released }, options.write);
    await hooks.before();

    // 3. get the blobs onto every host (each leaves ctl once, see BlobRelay) and build
    // everywhere while the old releases serve
    const relay = new BlobRelay(releaseBlobs(release), target.options.get('relay') !== 'off');
    const relayFailures: string[] = [];
    const ready = await stepOnEach(stale, settings.parallel, progress, `Building on ${stale.length} hosts`, async (session) => {
      const delivery = await relay.deliver(session);
      Object.assign(session.result, { bytesSent: delivery.fromCtl, bytesRelayed: delivery.relayed, relayedFrom: delivery.from });
      if (delivery.relayFailed) relayFailures.push(`${session.label} ${delivery.relayFailed}`);
      await runDeployCall(session, release, signature, { force: options.force, prepareOnly: true, version });
    }, fail);
    options.write(relaySummary(stale.map((s) => s.result), relayFailures));
    let failed = countFailed(results);

    // 4. go live in batches
    const batches = rolloutBatches(ready, settings);
    let stoppedEarly = failed > settings.maxFail;
    for (const [index, batch] of batches.entries()) {
      if (stoppedEarly) break;
      const label = `Going live, batch ${index + 1} of ${batches.length} (${batch.canary ? 'canary, ' : ''}${plural(batch.hosts.length, 'host')})`;
      const live = await stepOnEach(batch.hosts, settings.parallel, progress, label, (session) => runDeployCall(session, release, signature, { force: options.force, version }), fail);
      const batchFailed = batch.hosts.length - live.length;
      failed += batchFailed;
      stoppedEarly = !rolloutMayContinue(failed, { canary: batch.canary, failed: batchFailed }, settings.maxFail) && index < batches.length - 1;
    }
    const hosts = [...results.values()];
    await hooks.after(failed ? 'failed' : 'deployed', version, failed ? new Error(`${failed} of ${hosts.length} hosts failed`) : undefined);
    return { tag: release.manifest.tag, released, hosts, failed, stoppedEarly, totalMs: Math.round(performance.now() - began) };
  } finally {
    for (const session of sessions) session.connection.close();
  }
}

/** One step on many hosts with a count line; returns the hosts it succeeded on. */
async function stepOnEach(
  sessions: readonly HostSession[],
  parallel: number,
  progress: FleetProgress,
  label: string,
  work: (session: HostSession) => Promise<void>,
  fail: (label: string, result: FleetHostResult['result'], error: Error) => void,
): Promise<HostSession[]> {
  progress.start(label, sessions.length);
  const outcomes = await onEachHost(sessions.map((s) => s.host), parallel, (host) => work(sessions.find((s) => s.host === host)!), progress.count);
  progress.end();
  const succeeded: HostSession[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.ok) succeeded.push(sessions[i]!);
    else fail(sessions[i]!.label, 'failed', outcome.error);
  });
  return succeeded;
}

/** The Deploy call on one host; its phases recorded, its outcome on the host's result. */
async function runDeployCall(session: HostSession, release: ReleaseResult, signature: ManifestSignature, flags: { force: boolean; prepareOnly?: boolean; version: string }): Promise<void> {
  const timeline = new PhaseTimeline();
  let last: PhaseEvent | undefined;
  try {
    for await (const event of deployEvents(session.connection, { manifest: release.manifest, signature }, flags)) {
      timeline.record(event);
      if (event.state === 'failed') session.result.phase ??= event.phase; // the phase that failed first, not the rollback after it
      last = event;
    }
  } finally {
    session.result.phases.push(...timeline.phases());
  }
  if (flags.prepareOnly) return;
  Object.assign(session.result, { result: last?.phase === 'already' ? 'already' : 'deployed', version: last?.version, tag: release.manifest.tag });
}

/** What ctl sent and what hosts passed on; why relaying failed where it did. */
function relaySummary(results: readonly FleetHostResult[], relayFailures: readonly string[]): string {
  const sent = results.reduce((sum, r) => sum + r.bytesSent, 0);
  const relayed = results.filter((r) => r.bytesRelayed > 0 || r.relayedFrom);
  if (sent === 0 && relayed.length === 0) return '';
  const passedOn = relayed.length ? `; ${plural(relayed.length, 'host')} fetched ${formatBytes(relayed.reduce((sum, r) => sum + r.bytesRelayed, 0))} from other hosts` : '';
  const lines = [`Sent ${formatBytes(sent)} from here${passedOn}\n`];
  for (const failure of relayFailures) lines.push(`warning: relaying to ${failure}; uploaded from here instead (where hosts reach each other at other addresses, give each its hostout_relay_host in the inventory; relay = off skips relaying)\n`);
  return lines.join('');
}

function countFailed(results: Map<string, FleetHostResult>): number {
  return [...results.values()].filter((r) => r.result === 'failed' || r.result === 'unreachable').length;
}
