import type { AgentStatus } from '../../shared/agent-status.ts';
import { FIRST_DEPLOYMENT_VERSION, nextDeploymentVersion } from '../../shared/deployment-version.ts';

/**
 * One version for the release on every host (a target's versions are the same
 * everywhere): the one a host already gave this release, else the next after every
 * version any host gave out, failed deploys' included, so no host reuses one.
 */
export function rolloutVersion(manifest: { tag: string; settings: { versionSeries?: string } }, statuses: readonly Pick<AgentStatus, 'versionsGiven'>[]): string {
  const given = statuses.flatMap((s) => s.versionsGiven ?? []);
  return given.find((g) => g.tag === manifest.tag)?.version ?? nextDeploymentVersion(given.map((g) => g.version), manifest.settings.versionSeries ?? FIRST_DEPLOYMENT_VERSION);
}
