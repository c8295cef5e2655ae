import { join } from 'node:path';
import type { AgentLayout } from './agent-layout.ts';
import { appendJsonLine, readJsonLines } from './json-lines-file.ts';
import { isDeploymentVersion, nextDeploymentVersion } from '../../shared/deployment-version.ts';
import { StateError } from '../../shared/errors.ts';

/**
 * Every deployment version this host gave out, and to which release (tag).
 *
 * The rule: a version names one release for ever. The agent assigns it, under the
 * deploy lock, and records it here when it accepts a deploy, before anything can
 * fail; so the version of a failed deploy is never given to other content, while a
 * retry of the same release (same tag) gets its version back. Release directories
 * come and go (failed, pruned); this file only grows.
 */
export interface GivenVersion {
  version: string;
  tag: string;
  /** ISO time the deploy that got it was accepted */
  given: string;
}

function deploymentVersionsFile(layout: AgentLayout): string {
  return join(layout.agentDir, 'deployment-versions');
}

export function readGivenVersions(layout: AgentLayout): GivenVersion[] {
  return readJsonLines(deploymentVersionsFile(layout)).filter(
    (v): v is GivenVersion & Record<string, unknown> => typeof v.version === 'string' && typeof v.tag === 'string',
  );
}

/**
 * The version release `tag` deploys as: the one it was given before, else `wanted` (the
 * version a rollout across hosts gives it everywhere) when no other release has it here,
 * else the next of `series` (recorded before this returns). `onDisk` are the releases on
 * the host, whose versions count as given too: hosts deployed before this file existed
 * have their legacy numbers (1, 2, 3) only there.
 */
export function versionForRelease(layout: AgentLayout, tag: string, series: string, onDisk: readonly { tag: string; version: string }[], wanted?: string): string {
  // from the signed manifest (the target's `version`): still bounded here, since it is stored for ever
  if (!isDeploymentVersion(series)) {
    throw new StateError(`the release's version series '${series.length > 40 ? `${series.slice(0, 40)}…` : series}' is not a deployment version (two to eight whole numbers such as 0.1 or 2.0)`, { where: layout.root, hint: 'fix the target\'s version option; use a ctl of the same version as the agent' });
  }
  const given = readGivenVersions(layout);
  const before = given.find((v) => v.tag === tag) ?? onDisk.find((r) => r.tag === tag);
  if (before) return before.version;
  if (wanted !== undefined && !isDeploymentVersion(wanted)) {
    throw new StateError(`'${wanted.length > 40 ? `${wanted.slice(0, 40)}…` : wanted}' is not a deployment version (such as 0.1 or 2.10; at most eight numbers of 18 digits)`, { where: layout.root, hint: 'use a ctl of the same version as the agent' });
  }
  const taken = [...given, ...onDisk].find((v) => v.version === wanted);
  if (wanted !== undefined && taken) {
    throw new StateError(`version ${wanted} was given to release ${taken.tag} on this host; it is never given to other content`, {
      where: layout.root,
      hint: 'deploy again: ctl asks every host which versions they gave out and picks one none has used',
    });
  }
  const version = wanted ?? nextDeploymentVersion([...given, ...onDisk].map((v) => v.version), series, layout.root);
  appendJsonLine(deploymentVersionsFile(layout), { version, tag, given: new Date().toISOString() } satisfies GivenVersion);
  return version;
}
