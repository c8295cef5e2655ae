import { describeMaintenanceLock, type MaintenanceLockInfo } from './maintenance-lock-message.ts';
import { formatBytes } from './text/human-units.ts';

/** What an agent reports about its host: `ctl status` and `hostout-agent status` show the same thing. */
export interface AgentStatus {
  agentVersion: string;
  uptimeSeconds: number;
  path: string;
  hostname: string;
  /** the name ctl bootstrap gives the agent's service (systemd unit or supervised process) */
  serviceName: string;
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
    `Service   ${status.serviceName} (systemctl status ${status.serviceName}, where ctl bootstrap installed it under systemd)`,
    `Current   ${status.currentTag ? `version ${status.currentVersion} (${status.currentTag})` : 'nothing deployed yet'}`,
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

function describeLock(lock: AgentStatus['lock']): string {
  if (!lock) return 'free';
  if (lock.stale) return `free: left by process ${lock.pid} (${lock.holder}, ${lock.tag}), which died; the next deploy or agent start clears it`;
  return `held by ${lock.holder} since ${lock.since} (${lock.tag})`;
}
