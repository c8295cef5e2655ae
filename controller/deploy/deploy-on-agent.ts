import type { AgentConnection } from '../agent-client/agent-client.ts';
import type { ReleaseResult } from '../release/apply-release.ts';
import { canonicalJson, type ManifestSignature } from '../../shared/trust/manifest-signature.ts';
import type { BlobToSend } from './upload-blobs.ts';
import type { PhaseEvent } from './deploy-progress.ts';

/** Every blob a release consists of: the buildout archive and its eggs, what the agent may lack. */
export function releaseBlobs(result: ReleaseResult): BlobToSend[] {
  return [
    { sha256: result.archive.sha256, path: result.archive.file, what: 'buildout archive' },
    ...result.eggs.map((e) => ({ sha256: e.sha256, path: e.file, what: e.filename })),
    ...result.toolchainWheels.map((w) => ({ sha256: w.sha256, path: w.file, what: w.filename })),
  ];
}

/**
 * The agent's Deploy call for a signed release, its phases as they come.
 * `prepareOnly` stops after the build (a rollout across hosts goes live later,
 * in batches); a later call for the same release then only goes live.
 */
export function deployEvents(
  connection: AgentConnection,
  release: { manifest: ReleaseResult['manifest']; signature: ManifestSignature },
  flags: { force: boolean; skipStop?: boolean; prepareOnly?: boolean; version?: string },
): AsyncGenerator<PhaseEvent> {
  return connection.stream<PhaseEvent>('Deploy', {
    manifest: Buffer.from(canonicalJson(release.manifest)),
    manifestKeyId: release.signature.keyId,
    manifestSignature: Buffer.from(release.signature.signature),
    force: flags.force,
    skipStop: Boolean(flags.skipStop),
    prepareOnly: Boolean(flags.prepareOnly),
    version: flags.version ?? '',
  });
}
