/**
 * What a rollout that went wrong left on each host, said truly. Pure: from the per-host
 * results, never from what usually happens. A host whose deploy failed before anything
 * stopped kept its release untouched; one that failed going live rolled back by itself; an
 * unreachable one was never asked. A fleet rollback that did not bring every host to one
 * version says the fleet is split, which host runs what, and the command that joins it.
 */
import type { FleetHostResult } from './fleet-deploy.ts';

/** Phases a deploy can fail in without production noticing: the staged release is dropped. */
const BEFORE_LIVE = new Set(['verify', 'stage', 'build', 'prebackup', 'upload', 'connect']);

export function fleetDeployHint(hosts: readonly Pick<FleetHostResult, 'host' | 'result' | 'phase'>[]): string {
  const unreachable = hosts.filter((h) => h.result === 'unreachable').map((h) => h.host);
  const failed = hosts.filter((h) => h.result === 'failed');
  const beforeLive = failed.filter((h) => !h.phase || BEFORE_LIVE.has(h.phase)).map((h) => h.host);
  const rolledBack = failed.filter((h) => h.phase && !BEFORE_LIVE.has(h.phase)).map((h) => h.host);
  const skipped = hosts.filter((h) => h.result === 'skipped').map((h) => h.host);
  const parts = [
    unreachable.length ? `${list(unreachable)} could not be reached: nothing changed there` : '',
    beforeLive.length ? `${list(beforeLive)} failed before going live: nothing stopped there, the release was dropped` : '',
    rolledBack.length ? `${list(rolledBack)} failed going live and rolled back by itself to the release it served before` : '',
    skipped.length ? `${list(skipped)} not reached: the rollout stopped first` : '',
  ].filter(Boolean);
  return `${parts.join('; ')}. The table above names each phase and cause; \`ctl status\` shows every host`;
}

export interface RolledBackHost {
  host: string;
  result: 'rolled back' | 'failed' | 'unreachable' | 'skipped';
  /** the version the host serves now, when known (asked again after a failure) */
  version?: string;
}

/**
 * Undefined when every host answered and serves one version; else the split and how to join it.
 * `wanted`: the version the rollback went to (--to), when one was named.
 */
export function fleetSplit(hosts: readonly RolledBackHost[], wanted?: string): string | undefined {
  const byVersion = new Map<string, string[]>();
  for (const h of hosts) {
    const where = h.result === 'unreachable' ? 'unreachable' : h.version ?? 'unknown';
    byVersion.set(where, [...(byVersion.get(where) ?? []), h.host]);
  }
  const versions = [...byVersion.keys()].filter((v) => v !== 'unreachable' && v !== 'unknown');
  if (byVersion.size === 1 && versions.length === 1) return undefined;
  // the version most hosts reached is where the rest should go (or the one asked for)
  const goal = wanted ?? hosts.filter((h) => h.result === 'rolled back' && h.version).map((h) => h.version!).sort((a, b) => count(hosts, b) - count(hosts, a))[0];
  const lagging = hosts.filter((h) => h.version !== goal || h.result === 'unreachable').map((h) => h.host);
  const described = [...byVersion.entries()].map(([version, names]) => `${list(names)} ${version === 'unreachable' ? 'unreachable' : version === 'unknown' ? 'on an unknown version' : `on ${version}`}`);
  const join = goal
    ? `bring it together once the failed hosts are fixed: \`ctl rollback --to ${goal} --hosts ${lagging.join(',')}\`, or deploy again (\`ctl deploy\`) to put every host on one new release`
    : 'deploy again (`ctl deploy`) to put every host on one release';
  return `the fleet is split: ${described.join('; ')}. To ${join}`;
}

function count(hosts: readonly RolledBackHost[], version: string): number {
  return hosts.filter((h) => h.version === version).length;
}

function list(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
