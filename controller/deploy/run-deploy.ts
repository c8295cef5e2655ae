import type { BuildoutConfig } from '../config/buildout-config.ts';
import type { Target } from '../target/target.ts';
import { defaultConfigDir, loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { signManifest } from '../../shared/trust/manifest-signature.ts';
import { deployEvents, releaseBlobs } from './deploy-on-agent.ts';
import { AgentCallError, AgentConnection } from '../agent-client/agent-client.ts';
import { agentAddressOf } from '../agent-client/agent-address.ts';
import { finishRelease, gatherRelease, type BegunRelease } from '../release/release-pipeline.ts';
import type { LedgerEntry } from '../release/ledger.ts';
import { uploadMissingBlobs, type UploadSummary } from './upload-blobs.ts';
import { DeployProgress, type PhaseEvent } from './deploy-progress.ts';
import { PhaseTimeline, type PhaseTiming } from './phase-timeline.ts';
import { connectionLost, explainInterruption, type RemoteProgress } from './interruption.ts';
import { hostoutFilesOf, readCheckoutRevision } from '../release/checkout-revision.ts';
import { DeployHooks } from './deploy-hooks.ts';
import { uncommittedWarning, withSource } from '../release/release-source.ts';
import type { ProgressOutput } from '../cli/terminal.ts';
import { plural } from '../../shared/text/plural.ts';
import { formatBytes, formatDuration } from '../../shared/text/human-units.ts';
import type { AgentStatus } from '../../shared/agent-status.ts';
import { maintenanceLockRefusal } from '../../shared/maintenance-lock-message.ts';

export interface DeployReport {
  outcome: 'deployed' | 'already';
  /** the deployment version the host now runs (0.1, 0.2, …) */
  version: string;
  tag: string;
  upload: UploadSummary;
  released: string[];
  /** the host's phases as ctl saw them, and the time from stop to healthy */
  phases: PhaseTiming[];
  downtimeMs?: number;
  totalMs: number;
}

/**
 * ctl deploy: connect and ask the host while the release's local half (after `begun`) runs →
 * finish the release (minting only versions no host has seen) → upload what the agent lacks →
 * deploy, one line per phase.
 */
export async function runDeploy(
  loaded: { config: BuildoutConfig; target: Target },
  /** the release's first step, taken by the caller before this module (and gRPC) loaded */
  begun: BegunRelease,
  options: { force: boolean; skipStop?: boolean; verbose: boolean; output: ProgressOutput; configDir?: string },
): Promise<DeployReport> {
  const began = performance.now();
  const { output } = options;
  const write = output.write;
  const ok = output.style.ok('done');
  const configDir = options.configDir ?? defaultConfigDir();
  const key = loadOrCreateControllerKey(configDir);
  if (key.created) write(`Created your controller key ${key.keyId} (${configDir}/controller.key)\n`);
  const address = agentAddressOf(loaded.target, configDir);
  const remote: RemoteProgress = { operation: 'deploy', requested: false };
  // which code this is, read while the rest runs: recorded in the signed manifest
  const source = readCheckoutRevision(loaded.target.buildoutDirectory, hostoutFilesOf(loaded.target.buildoutDirectory, loaded.target.ledgerFile));
  const stopExplaining = explainInterruption(remote);
  write(`Connecting to ${address.host}:${address.port}...`);
  let connection: AgentConnection | undefined;
  try {
    connection = await AgentConnection.open(address, key, configDir);
    // The host is asked (one round trip: what it runs, whether it is locked, the egg versions
    // it knows) while the release's local half runs: hashing, metadata, pins, and an egg
    // builder importing setuptools in a process of its own.
    const asked = Promise.all([
      connection.unary<AgentStatus>('Status', {}),
      connection.unary<{ versions: LedgerEntry[] }>('KnownVersions', { names: [] }),
    ]).then(([status, known]) => {
      write(`${ok} (${status.hostname}, agent ${status.agentVersion})\n`);
      // the agent refuses a deploy to a host locked for maintenance: say so before building and uploading
      if (status.maintenance) throw maintenanceLockRefusal(status.maintenance, 'deploy', `${address.host}:${address.port}`);
      write('Pinning egg versions...');
      return { status, known };
    });
    asked.catch(() => undefined); // a failure is thrown where it is awaited, below
    const gathered = await gatherRelease(loaded, begun);
    const { status, known } = await asked;
    const { result } = await finishRelease(gathered, known.versions, (name, index, count) => output.status(`building ${name} (${index} of ${count})`));
    remote.tag = result.tag;
    const released = result.eggs.filter((e) => e.changed).map((e) => `${e.name} ${e.version}`);
    write(`${ok} (${plural(result.eggs.length, 'egg')}${released.length ? `; released ${released.join(', ')}` : ''})\n`);
    for (const warning of result.warnings) write(`${output.style.warn('warning:')} ${warning}\n`);

    // The tag hashes everything the release holds: the host already runs this very release,
    // so there is nothing to send and nothing to ask of it (the agent would answer "already").
    if (status.currentTag === result.tag && !options.force) {
      return { outcome: 'already', version: status.currentVersion, tag: result.tag, upload: { blobs: 0, bytes: 0, resumedBytes: 0 }, released, phases: [], totalMs: Math.round(performance.now() - began) };
    }

    // hooks pair up: after-deploy runs whenever before-deploy ran, whatever happened in between
    const hooks = new DeployHooks(loaded.target, { target: loaded.target.name, hosts: [`${address.host}:${address.port}`], tag: result.tag, released }, write, output.style.warn('warning:'));
    await hooks.before();
    let liveVersion: string | undefined;
    try {
      write('Deploying eggs to host...');
      const upload = await uploadMissingBlobs(connection, releaseBlobs(result), output.lendLine());
      output.redraw();
      write(upload.blobs ? `${ok} (${plural(upload.blobs, 'file')}, ${formatBytes(upload.bytes)})\n` : `${ok} (the host has them all)\n`);

      const manifest = withSource(result.manifest, await source);
      if (manifest.source?.uncommittedFiles) write(`${output.style.warn('warning:')} ${uncommittedWarning(manifest.source)}\n`);
      const signature = signManifest(key, manifest);
      const progress = new DeployProgress(write, options.verbose, output);
      const timeline = new PhaseTimeline();
      let final: PhaseEvent | undefined;
      let failure: Error | undefined;
      try {
        remote.requested = true;
        for await (const event of deployEvents(connection, { manifest, signature }, { force: options.force, skipStop: Boolean(options.skipStop) })) {
          progress.event(event);
          timeline.record(event);
          final = event;
          liveVersion ??= event.version || undefined;
          if (event.state === 'started') remote.phase = event.phase;
        }
      } catch (error) {
        failure = error as Error;
      }
      progress.finish();
      if (failure) throw failure;
      await hooks.after('deployed', final?.version);
      return {
        outcome: final?.phase === 'already' ? 'already' : 'deployed',
        version: final?.version ?? '',
        tag: result.tag,
        upload,
        released,
        phases: timeline.phases(),
        downtimeMs: timeline.downtimeMs(),
        totalMs: Math.round(performance.now() - began),
      };
    } catch (error) {
      await hooks.after('failed', liveVersion, error as Error);
      throw error;
    }
  } catch (error) {
    throw error instanceof AgentCallError && error.connectionLost ? connectionLost(error, remote) : error;
  } finally {
    stopExplaining();
    connection?.close();
    // a builder started for a release that failed before it was built
    begun.eggBuilders.close();
  }
}

/** The closing line of a deploy: how long it took, how long the site was down, what travelled. */
export function deploySummary(report: DeployReport): string {
  const down = report.downtimeMs === undefined ? 'no downtime' : `down ${formatDuration(report.downtimeMs)} (stop to healthy)`;
  return `Took ${formatDuration(report.totalMs)}, ${down}, ${formatBytes(report.upload.bytes)} sent`;
}
