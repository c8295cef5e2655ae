import type { AgentStatus } from '../../shared/agent-status.ts';
import { nextDeploymentVersion } from '../../shared/deployment-version.ts';

export interface DryRunPhases {
  /** the host runs a release of the same content: a deploy would say "Already at version N" and change nothing */
  already: boolean;
  /**
   * the version the release would have (or has, when already live); for a new release the
   * next after those the host keeps: the agent may know of higher ones (given to releases
   * that failed and were dropped), so it can be higher
   */
  version: string;
  /** the host's phases in the order a deploy would run them; empty when already */
  phases: string[];
  /** the version a deploy would stop, when one is live */
  stops?: string;
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
  /** the target's `version` option: the series a new version continues */
  series: string;
  status: Pick<AgentStatus, 'currentTag' | 'currentVersion' | 'releases'>;
  /** the database kind backs up in two passes, the first while the old release serves */
  earlyBackup?: boolean;
  /**
   * the target names instances: with a live release and no migrate, they roll one at a time
   * (the agent also stops everything when the live release's instances or services differ,
   * which only it knows: switch-mode.ts)
   */
  instances?: boolean;
}): DryRunPhases {
  const { status, plannedTag } = input;
  if (status.currentTag && !input.force && sameReleaseContent(status.currentTag, plannedTag)) {
    return { already: true, version: status.currentVersion, phases: [] };
  }
  const existing = status.releases.find((r) => r.tag === plannedTag);
  const version = existing?.version ?? nextDeploymentVersion(status.releases.map((r) => r.version), input.series);
  const previous = status.currentTag && status.currentTag !== plannedTag ? status.currentTag : undefined;
  if (input.instances && previous && !input.migrate) {
    const phases = ['verify', ...(existing?.built ? [] : ['stage', 'build']), 'backup', 'roll', 'switch', 'health', 'commit', 'prune'];
    return { already: false, version, phases, stops: status.currentVersion };
  }
  const phases = [
    'verify',
    ...(existing?.built ? [] : ['stage', 'build']),
    ...(input.earlyBackup ? ['prebackup'] : []),
    ...(previous ? ['stop'] : []),
    'backup',
    'switch',
    ...(input.migrate ? ['migrate'] : []),
    'start',
    'health',
    'commit',
    'prune',
  ];
  return { already: false, version, phases, ...(previous ? { stops: status.currentVersion } : {}) };
}

/** Tags are DATE-HASH, the hash of the release's content: the same hash on another day is the same release. */
function sameReleaseContent(a: string, b: string): boolean {
  return a.slice(a.indexOf('-')) === b.slice(b.indexOf('-'));
}
