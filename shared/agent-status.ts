import { describeMaintenanceLock, type MaintenanceLockInfo } from './maintenance-lock-message.ts';

/** What an agent reports about its host: `ctl status` and `hostout-agent status` show the same thing. */
export interface AgentStatus {
  agentVersion: string;
  uptimeSeconds: number;
  path: string;
  hostname: string;
  /** the name ctl bootstrap gives the agent's service (systemd unit or supervised process) */
  serviceName: string;
  currentTag: string;
  currentNumber: number;
  releases: {
    tag: string;
    number: number;
    created: string;
    deployed: string;
    current: boolean;
    built: boolean;
    eggs: { name: string; version: string; develop: boolean }[];
    hasBackup: boolean;
  }[];
  backups: string[];
  lock?: { holder: string; since: string; tag: string };
  /** the maintenance lock (ctl lock): deploys and rollbacks are refused while it is held */
  maintenance?: MaintenanceLockInfo;
  /** idle, deploying TAG, rolling back to TAG */
  state: string;
}

/** Status for people: what is live, what can be rolled back to, who holds the lock. */
export function formatStatus(status: AgentStatus): string {
  const lines = [
    `Path      ${status.path} (${status.hostname})`,
    `Service   ${status.serviceName} (systemctl status ${status.serviceName}, where ctl bootstrap installed it under systemd)`,
    `Current   ${status.currentTag ? `version ${status.currentNumber} (${status.currentTag})` : 'nothing deployed yet'}`,
    `Lock      ${status.lock ? `held by ${status.lock.holder} since ${status.lock.since} (${status.lock.tag})` : 'free'}`,
    // the maintenance lock (ctl lock), shown only while held: "Lock" above is the deploy lock
    ...(status.maintenance ? [`Locked    for maintenance ${describeMaintenanceLock(status.maintenance)} (deploys and rollbacks are refused until ctl unlock)`] : []),
    'Releases',
    ...(status.releases.length === 0 ? ['  (none)'] : []),
    ...[...status.releases].reverse().map((r) => {
      const marks = [r.current ? 'current' : '', r.hasBackup ? 'backup' : '', r.built ? '' : 'not built'].filter(Boolean).join(', ');
      const eggs = r.eggs.filter((e) => e.develop).map((e) => `${e.name} ${e.version}`).join(', ');
      return `  ${String(r.number).padStart(3)}  ${r.tag}  ${r.deployed || r.created}${marks ? `  [${marks}]` : ''}\n       ${eggs}`;
    }),
  ];
  return lines.join('\n') + '\n';
}
