import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { agentLayout, type AgentLayout } from './state/agent-layout.ts';
import { readAgentConfig, type AgentConfig } from './config/agent-config.ts';
import { BlobStore } from './state/blob-store.ts';
import { MANIFEST_FILE, ReleaseStore } from './state/release-store.ts';
import { appendAudit, readAudit, type AuditRecord } from './state/audit-log.ts';
import { RefusalSummaries } from './state/refusal-summary.ts';
import { isStaleLock, readDeployLock } from './state/deploy-lock.ts';
import { DeployOutputStore } from './logs/deploy-output-store.ts';
import { agentLogger } from './logs/agent-log.ts';
import { readMaintenanceLock } from './maintenance/maintenance-lock.ts';
import { describeSource } from '../shared/manifest.ts';
import { loadAuthorizedKeys, authorizedKeyNames, authorizedKeysPath, describeKeyHolder, type AuthorizedKeys } from '../shared/trust/authorized-keys.ts';
import { NonceStore } from '../shared/trust/nonce-store.ts';
import { loadTlsIdentity } from '../shared/trust/tls-identity.ts';
import { StateError } from '../shared/errors.ts';
import type { SignedManifest } from '../shared/manifest.ts';
import { readKnownVersions, type KnownVersion } from './state/known-versions.ts';
import { readGivenVersions } from './state/deployment-versions.ts';
import { HOSTOUT_VERSION } from '../shared/hostout-version.ts';
import { agentServiceName } from '../shared/agent-service-name.ts';
import type { AgentStatus } from '../shared/agent-status.ts';
import { readBackupUsage } from './backup/prune-backups.ts';
import { serviceManagerOfThisProcess } from './daemon/service-manager.ts';
import { lastDeployRecord } from './deploy/recent-deploys.ts';

export { MANIFEST_FILE };

/**
 * One host's agent: its state directory and the stores in it. Deploy,
 * rollback and recovery are functions over this object (agent/deploy/);
 * the RPC server and the host CLI call them, and hold no logic of their own.
 */
export class Agent {
  readonly layout: AgentLayout;
  readonly config: AgentConfig;
  readonly blobs: BlobStore;
  readonly releases: ReleaseStore;
  /** each deploy's phase output, for `ctl logs` */
  readonly deployOutput: DeployOutputStore;
  readonly log: Logger;
  readonly startedAt = Date.now();
  /** what the agent is doing now, for status: idle, deploying TAG, rolling back */
  activity = 'idle';

  private readonly refusals: RefusalSummaries;

  constructor(path: string, log?: Logger) {
    this.layout = agentLayout(path);
    this.config = readAgentConfig(this.layout);
    this.blobs = new BlobStore(this.layout);
    this.releases = new ReleaseStore(this.layout);
    this.deployOutput = new DeployOutputStore(join(this.layout.logsDir, 'deploys'));
    this.log = log ?? agentLogger(this.layout.logsDir, process.env.HOSTOUT_LOG_LEVEL ?? 'info');
    this.refusals = new RefusalSummaries((record) => appendAudit(this.layout.refusalsFile, record), undefined, undefined, `${this.layout.refusalsFile}.counting`);
  }

  /** The buildout launcher copied into the state by init (Debian's buildout needs it on Python 3.11). */
  get buildoutLauncher(): string {
    return join(this.layout.agentDir, 'buildout_launcher.py');
  }

  get fingerprint(): string {
    const identity = loadTlsIdentity(this.layout.tlsDir);
    if (!identity) throw new StateError('the agent has no TLS identity', { where: this.layout.tlsDir, hint: 'run hostout-agent init' });
    return identity.fingerprint;
  }

  /**
   * Aborted when the agent is asked to stop (SIGTERM): calls that would run on without end
   * (exec, followed logs) end then, so the agent exits within its stop timeout; a deploy
   * under way is not one of them, it finishes first.
   */
  readonly stopping = new AbortController();

  authorizedKeys(): AuthorizedKeys {
    return loadAuthorizedKeys(authorizedKeysPath(this.layout.agentDir));
  }

  /** "ana@laptop (9a6d593480b6b9ec)": a key as locks and history name who acted (its name from authorized_keys). */
  keyHolder(keyId: string): string {
    return describeKeyHolder(keyId, authorizedKeyNames(authorizedKeysPath(this.layout.agentDir)).get(keyId));
  }

  openNonceStore(): NonceStore {
    return NonceStore.persistent(join(this.layout.agentDir, 'nonces'));
  }

  /** Repeated refusals are collapsed into summary lines (see RefusalSummaries). */
  audit(raw: Omit<AuditRecord, 'time'>): void {
    // a 900 KB command line is a line of the log, not most of it
    const record = { ...raw, detail: cutDetail(raw.detail) };
    if (record.outcome === 'refused') this.refusals.refused(record);
    else {
      // the key's name as it is now: a key renamed or revoked later does not rewrite who acted then
      const name = authorizedKeyNames(authorizedKeysPath(this.layout.agentDir)).get(record.keyId);
      appendAudit(this.layout.auditFile, name ? { ...record, keyName: name } : record);
    }
  }

  /** Writes the refusal counts an agent killed before could not (see RefusalSummaries); the serving agent calls it at start. */
  writeLeftOverRefusalCounts(): void {
    this.refusals.writeLeftOver();
  }

  /** Writes what the refusal summaries still hold; call when the agent stops. */
  closeAudit(): void {
    this.refusals.close();
  }

  /** What authorized keys did and the refusals, merged by time: the newest `limit`. */
  history(limit: number): AuditRecord[] {
    const merged = [...readAudit(this.layout.auditFile, limit), ...readAudit(this.layout.refusalsFile, limit)];
    return merged.sort((a, b) => a.time.localeCompare(b.time)).slice(-limit);
  }

  uptimeSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  /** The signed manifest a release was deployed with. */
  manifestOf(tag: string): SignedManifest | undefined {
    const file = join(this.layout.releasesDir, tag, MANIFEST_FILE);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SignedManifest) : undefined;
  }

  knownVersions(names: readonly string[]): KnownVersion[] {
    const wanted = new Set(names.map((n) => n.toLowerCase()));
    return readKnownVersions(this.layout).filter((v) => wanted.size === 0 || wanted.has(v.name.toLowerCase()));
  }

  status(): AgentStatus {
    const current = this.releases.currentRelease();
    const releases = this.releases.list();
    const lock = readDeployLock(this.layout.lockFile);
    const maintenance = readMaintenanceLock(this.layout.maintenanceLockFile);
    return {
      agentVersion: HOSTOUT_VERSION,
      uptimeSeconds: this.uptimeSeconds(),
      path: this.layout.root,
      hostname: hostname(),
      serviceName: agentServiceName(this.layout.root),
      serviceManager: serviceManagerOfThisProcess(),
      lastDeploy: lastDeployRecord(this.layout.journalFile),
      currentTag: current ?? '',
      currentVersion: releases.find((r) => r.tag === current)?.version ?? '',
      releases: releases.map((r) => ({
        tag: r.tag,
        version: r.version,
        created: r.created,
        deployed: r.deployed ?? '',
        current: r.tag === current,
        built: r.built,
        eggs: r.eggs.map((e) => ({ name: e.name, version: e.version, develop: e.develop })),
        source: describeSource(this.manifestOf(r.tag)?.manifest.source),
        hasBackup: existsSync(join(this.layout.backupsDir, r.tag)),
        ...readBackupUsage(join(this.layout.backupsDir, r.tag)),
      })),
      backups: releases.filter((r) => existsSync(join(this.layout.backupsDir, r.tag))).map((r) => r.tag),
      lock: lock ? { holder: lock.holder, since: lock.since, tag: lock.tag, pid: lock.pid, stale: isStaleLock(lock) } : undefined,
      maintenance: maintenance ? { holder: maintenance.holder, since: maintenance.since, message: maintenance.message } : undefined,
      versionsGiven: [...readGivenVersions(this.layout), ...releases].map(({ version, tag }) => ({ version, tag })),
      state: this.activity,
    };
  }
}

/** The most of one audit line's detail kept (a command line, an error): the rest is counted, not written. */
const MAX_AUDIT_DETAIL_CHARS = 2048;

function cutDetail(detail: string): string {
  return detail.length > MAX_AUDIT_DETAIL_CHARS ? `${detail.slice(0, MAX_AUDIT_DETAIL_CHARS)}… (${detail.length - MAX_AUDIT_DETAIL_CHARS} more characters not kept)` : detail;
}
