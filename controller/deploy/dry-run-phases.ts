import type { AgentStatus } from '../../shared/agent-status.ts';

export interface DryRunPhases {
  /** the host runs a release of the same content: a deploy would say "Already at version N" and change nothing */
  already: boolean;
  /** the version number the release would have (or has, when already live) */
  number: number;
  /** the host's phases in the order a deploy would run them; empty when already */
  phases: string[];
  /** the version a deploy would stop, when one is live */
  stops?: number;
}

/**
 * Which phases `ctl deploy` would run on the host, decided as the agent decides
 * (agent/deploy/deploy-release.ts): nothing when the live release has this content
 * (same tag hash: the tag's hash covers the archive, every pin and the settings),
 * no stage and build when the release is already built there, no stop when nothing
 * is live, migrate only when set.
 */
export function dryRunPhases(input: {
  plannedTag: string;
  force: boolean;
  migrate: boolean;
  status: Pick<AgentStatus, 'currentTag' | 'currentNumber' | 'releases'>;
}): DryRunPhases {
  const { status, plannedTag } = input;
  if (status.currentTag && !input.force && sameReleaseContent(status.currentTag, plannedTag)) {
    return { already: true, number: status.currentNumber, phases: [] };
  }
  const existing = status.releases.find((r) => r.tag === plannedTag);
  const number = existing?.number ?? Math.max(0, ...status.releases.map((r) => r.number)) + 1;
  const previous = status.currentTag && status.currentTag !== plannedTag ? status.currentTag : undefined;
  const phases = [
    'verify',
    ...(existing?.built ? [] : ['stage', 'build']),
    ...(previous ? ['stop'] : []),
    'backup',
    'switch',
    ...(input.migrate ? ['migrate'] : []),
    'start',
    'health',
    'commit',
    'prune',
  ];
  return { already: false, number, phases, ...(previous ? { stops: status.currentNumber } : {}) };
}

/** Tags are DATE-HASH, the hash of the release's content: the same hash on another day is the same release. */
function sameReleaseContent(a: string, b: string): boolean {
  return a.slice(a.indexOf('-')) === b.slice(b.indexOf('-'));
}
