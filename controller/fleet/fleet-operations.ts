import type { Target } from '../target/target.ts';
import { hostLabel, targetForHost, type TargetHost } from '../target/target-hosts.ts';
import { AgentConnection } from '../agent-client/agent-client.ts';
import { agentAddressOf } from '../agent-client/agent-address.ts';
import { lookupKnownAgent } from '../agent-client/known-agents.ts';
import type { PhaseEvent } from '../deploy/deploy-progress.ts';
import { PhaseTimeline, type PhaseTiming } from '../deploy/phase-timeline.ts';
import type { AgentStatus } from '../../shared/agent-status.ts';
import { loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { onEachHost } from './on-each-host.ts';
import { rolloutBatches, rolloutMayContinue } from './rollout-batches.ts';
import { rolloutSettingsOf } from './fleet-deploy.ts';
import type { FleetProgress } from './fleet-progress.ts';

const keys = new Map<string, ReturnType<typeof loadOrCreateControllerKey>>();
function controllerKeyOf(configDir: string) {
  if (!keys.has(configDir)) keys.set(configDir, loadOrCreateControllerKey(configDir));
  return keys.get(configDir)!;
}

/** Opens a signed connection to one host of the target for the length of `work`. */
export async function withHostAgent<T>(target: Target, host: TargetHost, configDir: string, work: (connection: AgentConnection) => Promise<T>): Promise<T> {
  // the controller key read once per command, and the agents' kept certificates: one TLS connection per host
  const connection = await AgentConnection.open(agentAddressOf(targetForHost(target, host), configDir), controllerKeyOf(configDir), configDir);
  try {
    return await work(connection);
  } finally {
    connection.close();
  }
}

/** One row of `ctl status` for a target with several hosts; an unreachable host is a row too. */
export interface FleetStatusRow {
  host: string;
  agentUp: boolean;
  version?: string;
  tag?: string;
  lock?: string;
  lastDeploy?: string;
  agentVersion?: string;
  error?: string;
}

export async function fleetStatus(target: Target, hosts: readonly TargetHost[], configDir: string): Promise<FleetStatusRow[]> {
  const outcomes = await onEachHost(hosts, Number(target.options.get('parallel')), (host) => withHostAgent(target, host, configDir, (c) => c.unary<AgentStatus>('Status', {})));
  return outcomes.map((o) => {
    if (!o.ok) return { host: o.label, agentUp: false, error: o.error.message.split('\n')[0] };
    const s = o.value;
    const current = s.releases.find((r) => r.current);
    return {
      host: o.label,
      agentUp: true,
      version: s.currentVersion || undefined,
      tag: s.currentTag || undefined,
      lock: s.lock ? `${s.lock.holder} since ${s.lock.since}` : undefined,
      lastDeploy: current?.deployed || undefined,
      agentVersion: s.agentVersion,
    };
  });
}

/** What became of one host in a fleet rollback. */
export interface FleetRollbackResult {
  host: string;
  result: 'rolled back' | 'failed' | 'unreachable' | 'skipped';
  version?: string;
  error?: string;
  phases: PhaseTiming[];
}

/** `ctl rollback` on every host, in the target's batches, stopping as a deploy would when hosts fail. */
export async function fleetRollback(
  target: Target,
  hosts: readonly TargetHost[],
  request: { to: string; withDb: boolean },
  configDir: string,
  progress: FleetProgress,
): Promise<FleetRollbackResult[]> {
  const settings = rolloutSettingsOf(target);
  const results = new Map(hosts.map((h) => [hostLabel(h), { host: hostLabel(h), result: 'skipped', phases: [] } as FleetRollbackResult]));
  const batches = rolloutBatches(hosts, settings);
  let failed = 0;
  for (const [index, batch] of batches.entries()) {
    progress.start(`Rolling back, batch ${index + 1} of ${batches.length} (${batch.hosts.length} host${batch.hosts.length === 1 ? '' : 's'})`, batch.hosts.length);
    const outcomes = await onEachHost(
      batch.hosts,
      settings.parallel,
      (host) =>
        withHostAgent(target, host, configDir, async (connection) => {
          const timeline = new PhaseTimeline();
          let last: PhaseEvent | undefined;
          try {
            for await (const event of connection.stream<PhaseEvent>('Rollback', request)) {
              timeline.record(event);
              last = event;
            }
          } finally {
            results.get(hostLabel(host))!.phases = timeline.phases();
          }
          return last?.version;
        }),
      progress.count,
    );
    progress.end();
    let batchFailed = 0;
    for (const outcome of outcomes) {
      const result = results.get(outcome.label)!;
      if (outcome.ok) Object.assign(result, { result: 'rolled back', version: outcome.value });
      else {
        batchFailed++;
        Object.assign(result, { result: outcome.error.name === 'AgentUnreachableError' ? 'unreachable' : 'failed', error: outcome.error.message.split('\n')[0] });
      }
    }
    failed += batchFailed;
    if (!rolloutMayContinue(failed, { canary: batch.canary, failed: batchFailed }, settings.maxFail)) break;
  }
  return [...results.values()];
}

export interface FleetHistoryEntry {
  host: string;
  time: string;
  keyId: string;
  keyName?: string;
  peer: string;
  action: string;
  outcome: string;
  detail: string;
}

/** The hosts' audit logs merged by time, the newest `limit` entries; unreachable hosts are named apart. */
export async function fleetHistory(target: Target, hosts: readonly TargetHost[], limit: number, configDir: string): Promise<{ entries: FleetHistoryEntry[]; unreachable: { host: string; error: string }[] }> {
  const outcomes = await onEachHost(hosts, Number(target.options.get('parallel')), (host) =>
    withHostAgent(target, host, configDir, (c) => c.unary<{ entries: Omit<FleetHistoryEntry, 'host'>[] }>('History', { limit })),
  );
  const entries = outcomes.flatMap((o) => (o.ok ? o.value.entries.map((e) => ({ host: o.label, ...e })) : []));
  entries.sort((a, b) => a.time.localeCompare(b.time));
  return {
    entries: entries.slice(-limit),
    unreachable: outcomes.flatMap((o) => (o.ok ? [] : [{ host: o.label, error: o.error.message.split('\n')[0]! }])),
  };
}

/** The hosts whose agent identity is not pinned yet: the ones `ctl bootstrap` prepares. */
export function unpinnedHosts(hosts: readonly TargetHost[], configDir: string): TargetHost[] {
  return hosts.filter((h) => !lookupKnownAgent(configDir, h.host, h.agentPort));
}
