import type { BuildoutConfig } from '../config/buildout-config.ts';
import type { Target } from '../target/target.ts';
import { defaultConfigDir, loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { signManifest, canonicalJson } from '../../shared/trust/manifest-signature.ts';
import { AgentConnection } from '../agent-client/agent-client.ts';
import { agentAddressOf } from '../agent-client/agent-address.ts';
import { releaseTarget } from '../release/release-pipeline.ts';
import type { LedgerEntry } from '../release/ledger.ts';
import { uploadMissingBlobs, type UploadSummary } from './upload-blobs.ts';
import { DeployProgress, type PhaseEvent } from './deploy-progress.ts';
import { PhaseTimeline, type PhaseTiming } from './phase-timeline.ts';
import type { AgentStatus } from '../../shared/agent-status.ts';
import { maintenanceLockRefusal } from '../../shared/maintenance-lock-message.ts';

export interface DeployReport {
  outcome: 'deployed' | 'already';
  number: number;
  tag: string;
  upload: UploadSummary;
  released: string[];
  /** the host's phases as ctl saw them, and the time from stop to healthy */
  phases: PhaseTiming[];
  downtimeMs?: number;
  totalMs: number;
}

/**
 * ctl deploy: connect → release (minting only versions no host has seen) →
 * upload what the agent lacks → deploy, one line per phase.
 */
export async function runDeploy(
  loaded: { config: BuildoutConfig; target: Target },
  options: { force: boolean; verbose: boolean; progressBar: boolean; write: (text: string) => void; configDir?: string },
): Promise<DeployReport> {
  const began = performance.now();
  const configDir = options.configDir ?? defaultConfigDir();
  const key = loadOrCreateControllerKey(configDir);
  if (key.created) options.write(`Created your controller key ${key.keyId} (${configDir}/controller.key)\n`);
  const address = agentAddressOf(loaded.target, configDir);
  options.write(`Connecting to ${address.host}:${address.port}...`);
  const connection = await AgentConnection.open(address, key);
  try {
    const hello = await connection.unary<{ agentVersion: string; hostname: string }>('Hello', {});
    options.write(`done (${hello.hostname}, agent ${hello.agentVersion})\n`);
    // the agent refuses a deploy to a host locked for maintenance: say so before building and uploading
    const { maintenance } = await connection.unary<AgentStatus>('Status', {});
    if (maintenance) throw maintenanceLockRefusal(maintenance, 'deploy', `${address.host}:${address.port}`);

    options.write('Pinning egg versions...');
    const known = await connection.unary<{ versions: LedgerEntry[] }>('KnownVersions', { names: [] });
    const { result } = await releaseTarget(loaded, known.versions);
    const released = result.eggs.filter((e) => e.changed).map((e) => `${e.name} ${e.version}`);
    options.write(`done (${result.eggs.length} eggs${released.length ? `; released ${released.join(', ')}` : ''})\n`);
    for (const warning of result.warnings) options.write(`warning: ${warning}\n`);

    options.write('Deploying eggs to host...');
    const upload = await uploadMissingBlobs(
      connection,
      [{ sha256: result.archive.sha256, path: result.archive.file, what: 'buildout archive' }, ...result.eggs.map((e) => ({ sha256: e.sha256, path: e.file, what: e.filename }))],
      options.progressBar,
    );
    options.write(upload.blobs ? `done (${upload.blobs} file(s), ${upload.bytes} bytes)\n` : 'done (the host has them all)\n');

    const signature = signManifest(key, result.manifest);
    const progress = new DeployProgress(options.write, options.verbose);
    const timeline = new PhaseTimeline();
    let final: PhaseEvent | undefined;
    let failure: Error | undefined;
    try {
      for await (const event of connection.stream<PhaseEvent>('Deploy', {
        manifest: Buffer.from(canonicalJson(result.manifest)),
        manifestKeyId: signature.keyId,
        manifestSignature: Buffer.from(signature.signature),
        force: options.force,
      })) {
        progress.event(event);
        timeline.record(event);
        final = event;
      }
    } catch (error) {
      failure = error as Error;
    }
    progress.finish();
    if (failure) throw failure;
    return {
      outcome: final?.phase === 'already' ? 'already' : 'deployed',
      number: final?.number ?? 0,
      tag: result.tag,
      upload,
      released,
      phases: timeline.phases(),
      downtimeMs: timeline.downtimeMs(),
      totalMs: Math.round(performance.now() - began),
    };
  } finally {
    connection.close();
  }
}
