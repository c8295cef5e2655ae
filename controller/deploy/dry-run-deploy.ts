import { FIRST_DEPLOYMENT_VERSION } from '../../shared/deployment-version.ts';
import type { BuildoutConfig } from '../config/buildout-config.ts';
import type { Target } from '../target/target.ts';
import type { AgentStatus } from '../../shared/agent-status.ts';
import type { MaintenanceLockInfo } from '../../shared/maintenance-lock-message.ts';
import { defaultConfigDir, loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { AgentConnection } from '../agent-client/agent-client.ts';
import { agentAddressOf } from '../agent-client/agent-address.ts';
import { lookupKnownAgent } from '../agent-client/known-agents.ts';
import type { LedgerEntry } from '../release/ledger.ts';
import { previewBlobs, previewRelease, type PreviewBlob, type ReleasePreview } from '../release/release-preview.ts';
import { dryRunPhases } from './dry-run-phases.ts';

export interface DryRunFile {
  filename: string;
  /** bytes that would travel; for an egg still to be built, the bytes of its source files */
  bytes: number;
  /** a develop egg the release would build first (its exact bytes are known only then) */
  toBuild: boolean;
}

export interface DryRunReport {
  target: string;
  host: string;
  /** false: no agent is paired yet, a deploy would first bootstrap the host over SSH */
  paired: boolean;
  tag: string;
  version: string;
  already: boolean;
  /** develop eggs that would get a new version */
  released: string[];
  send: { files: DryRunFile[]; bytes: number; filesToBuild: number; sourceBytesToBuild: number };
  phases: string[];
  /** the version a deploy would stop */
  stops?: string;
  lock?: { holder: string; since: string; tag: string };
  /** the maintenance lock (ctl lock): a deploy now would be refused with exit 5 */
  maintenance?: MaintenanceLockInfo;
}

/**
 * `ctl deploy --dry-run`: what a deploy would do, asked of the host with read-only
 * calls (Hello, KnownVersions, Status, MissingBlobs) and computed here without
 * building eggs or writing the ledger, .hostout/releases or anything on the host.
 */
export async function dryRunDeploy(loaded: { config: BuildoutConfig; target: Target }, options: { force: boolean; configDir?: string }): Promise<DryRunReport> {
  const configDir = options.configDir ?? defaultConfigDir();
  const host = loaded.target.options.get('host')!;
  const paired = Boolean(loaded.target.options.get('agent-fingerprint') ?? lookupKnownAgent(configDir, host, Number(loaded.target.options.get('agent-port'))));
  if (!paired) {
    const preview = await previewRelease(loaded);
    const phases = dryRunPhases({ plannedTag: preview.plan.tag, force: options.force, migrate: Boolean(preview.plan.settings.migrate), series: seriesOf(preview.plan), status: { currentTag: '', currentVersion: '', releases: [] }, earlyBackup: backsUpEarly(preview.plan.settings.db.kind), instances: Boolean(preview.plan.settings.services.instances?.length) });
    // nothing is on a host that has no agent yet: everything travels
    return report(loaded.target, host, false, preview, () => true, phases);
  }
  const connection = await AgentConnection.open(agentAddressOf(loaded.target, configDir), loadOrCreateControllerKey(configDir));
  try {
    const known = await connection.unary<{ versions: LedgerEntry[] }>('KnownVersions', { names: [] });
    const status = await connection.unary<AgentStatus>('Status', {});
    const preview = await previewRelease(loaded, known.versions);
    const phases = dryRunPhases({ plannedTag: preview.plan.tag, force: options.force, migrate: Boolean(preview.plan.settings.migrate), series: seriesOf(preview.plan), status, earlyBackup: backsUpEarly(preview.plan.settings.db.kind), instances: Boolean(preview.plan.settings.services.instances?.length) });
    const hashed = previewBlobs(preview).filter((b) => b.sha256);
    const reply = await connection.unary<{ missing: { sha256: string; receivedBytes: number }[] }>('MissingBlobs', { blobs: hashed.map((b) => ({ sha256: b.sha256, size: b.size })) });
    const received = new Map(reply.missing.map((m) => [m.sha256, Number(m.receivedBytes)]));
    const travels = (b: PreviewBlob) => (b.sha256 === undefined ? true : received.has(b.sha256));
    return { ...report(loaded.target, host, true, preview, travels, phases, received), ...(status.lock ? { lock: status.lock } : {}), ...(status.maintenance ? { maintenance: status.maintenance } : {}) };
  } finally {
    connection.close();
  }
}

function report(
  target: Target,
  host: string,
  paired: boolean,
  preview: ReleasePreview,
  travels: (blob: PreviewBlob) => boolean,
  phases: ReturnType<typeof dryRunPhases>,
  received = new Map<string, number>(),
): DryRunReport {
  const files: DryRunFile[] = previewBlobs(preview)
    .filter(travels)
    .map((b) => ({ filename: b.filename, bytes: b.toBuild ? b.size : b.size - (received.get(b.sha256!) ?? 0), toBuild: b.toBuild }));
  const built = files.filter((f) => f.toBuild);
  return {
    target: target.name,
    host,
    paired,
    tag: preview.plan.tag,
    version: phases.version,
    already: phases.already,
    released: preview.plan.eggs.filter((e) => e.changed).map((e) => `${e.name} ${e.version}`),
    send: {
      files,
      bytes: files.filter((f) => !f.toBuild).reduce((sum, f) => sum + f.bytes, 0),
      filesToBuild: built.length,
      sourceBytesToBuild: built.reduce((sum, f) => sum + f.bytes, 0),
    },
    phases: phases.phases,
    ...(phases.stops !== undefined ? { stops: phases.stops } : {}),
  };
}

/** The target's version series, as the manifest carries it (0.1 unless the target sets `version`). */
function seriesOf(plan: { settings: { versionSeries?: string } }): string {
  return plan.settings.versionSeries ?? FIRST_DEPLOYMENT_VERSION;
}

/** The database kinds whose backup takes a first pass while the old release serves (agent/backup/database-backup.ts prepare). */
function backsUpEarly(kind: string): boolean {
  return kind === 'files' || kind === 'postgresql';
}
