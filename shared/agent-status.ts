import { describeMaintenanceLock, type MaintenanceLockInfo } from './maintenance-lock-message.ts';
import { formatBytes } from './text/human-units.ts';
import type { DeployRecord } from './deploy/deploy-record.ts';

/** What an agent reports about its host: `ctl status` and `hostout-agent status` show the same thing. */
export interface AgentStatus {
  agentVersion: string;
  uptimeSeconds: number;
  path: string;
  hostname: string;
  /** the name ctl bootstrap gives the agent's service (systemd unit or supervised process) */
  serviceName: string;
  /** what runs the agent now: systemd (serviceName is its unit), supervise (hostout-agent-supervise), none (by hand); '' from older agents */
  serviceManager?: string;
  /** how the last deploy or rollback ended */
  lastDeploy?: DeployRecord;
  currentTag: string;
  /** the deployment version of the current release (0.3; a whole number on releases made before versions), '' before the first deploy */
  currentVersion: string;
  releases: {
    tag: string;
    version: string;
    created: string;
    deployed: string;
    current: boolean;
    built: boolean;
    eggs: { name: string; version: string; develop: boolean }[];
    /** the code it came from ("git 3f2a9c1d + 2 uncommitted files"); '' when unknown */
    source?: string;
    hasBackup: boolean;
    /** the backed-up data's size, and the disk only this backup takes (the rest is shared with other backups); 0 when unknown */
    backupBytes?: number;
    backupOwnBytes?: number;
  }[];
  backups: string[];
  /** stale: its process died (an agent killed mid-deploy); it blocks nothing and the next deploy or agent start clears it */
  lock?: { holder: string; since: string; tag: string; pid?: number; stale?: boolean };
  /** the maintenance lock (ctl lock): deploys and rollbacks are refused while it is held */
  maintenance?: MaintenanceLockInfo;
  /** every deployment version this host gave out, and to which release: a rollout across hosts picks one version for all */
  versionsGiven: { version: string; tag: string }[];
  /** idle, deploying TAG, rolling back to TAG */
  state: string;
}

/** Status for people: what is live, what can be rolled back to, who holds the lock. */
export function formatStatus(status: AgentStatus): string {
  const lines = [
    `Path      ${status.path} (${status.hostname})`,
    `Service   ${describeService(status)}`,
    `Current   ${status.currentTag ? `version ${status.currentVersion} (${status.currentTag})` : 'nothing deployed yet'}`,
    ...(status.lastDeploy ? [`Last      ${describeLastDeploy(status.lastDeploy)}`] : []),
    `Lock      ${describeLock(status.lock)}`,
    // the maintenance lock (ctl lock), shown only while held: "Lock" above is the deploy lock
    ...(status.maintenance ? [`Locked    for maintenance ${describeMaintenanceLock(status.maintenance)} (deploys and rollbacks are refused until ctl unlock)`] : []),
    'Releases',
    ...(status.releases.length === 0 ? ['  (none)'] : []),
    ...[...status.releases].reverse().map((r) => {
      const backup = r.hasBackup ? (r.backupBytes ? `backup ${formatBytes(r.backupBytes)}, ${formatBytes(r.backupOwnBytes ?? 0)} on disk of its own` : 'backup') : '';
      const marks = [r.current ? 'current' : '', backup, r.built ? '' : 'not built'].filter(Boolean).join(', ');
      const eggs = r.eggs.filter((e) => e.develop).map((e) => `${e.name} ${e.version}`).join(', ');
      return `  ${r.version.padStart(6)}  ${r.tag}  ${r.deployed || r.created}${marks ? `  [${marks}]` : ''}\n          ${eggs}${r.source ? `\n          from ${r.source}` : ''}`;
    }),
  ];
  return lines.join('\n') + '\n';
}

function describeService(status: AgentStatus): string {
  switch (status.serviceManager) {
    case 'systemd':
      return `${status.serviceName} (systemd: systemctl status ${status.serviceName}, journalctl -u ${status.serviceName})`;
    case 'supervise':
      return `${status.serviceName}, kept running by hostout-agent-supervise (no systemd; its log: ${status.path}/agent/agent.log)`;
    case 'none':
      return 'none: this agent was started by hand (hostout-agent serve), not as a service; nothing restarts it if it stops';
    default:
      return `${status.serviceName} (systemctl status ${status.serviceName}, where ctl bootstrap installed it under systemd)`;
  }
}

/** "deploy of version 0.3 rolled back (health: …), 2026-12-01 11:40 UTC, by ana@laptop (9a6d…), took 6.1 s" */
export function describeLastDeploy(record: DeployRecord): string {
  const what = record.kind === 'rollback' ? `rollback to version ${record.version}` : `deploy of version ${record.version}`;
  const how: Record<DeployRecord['outcome'], string> = {
    deployed: 'went live',
    'rolled-back': 'failed and was rolled back',
    failed: 'failed before going live (nothing changed)',
    done: 'done',
    unfinished: 'is unfinished (under way, or the agent stopped during it)',
  };
  const failure = record.failure ? `: ${record.failure.split('\n')[0]}` : '';
  return `${what} ${how[record.outcome]}${failure} (${record.started.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}${record.by ? `, by ${record.by}` : ''}, took ${(record.durationMs / 1000).toFixed(1)} s)`;
}

function describeLock(lock: AgentStatus['lock']): string {
  if (!lock) return 'free';
  if (lock.stale) return `free: left by process ${lock.pid} (${lock.holder}, ${lock.tag}), which died; the next deploy or agent start clears it`;
  return `held by ${lock.holder} since ${lock.since} (${lock.tag})`;
}
