import { join } from 'node:path';
import type { AgentLayout } from './agent-layout.ts';
import { appendJsonLine, readJsonLines } from './json-lines-file.ts';
import { nextDeploymentVersion } from '../../shared/deployment-version.ts';

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
 * The version release `tag` deploys as: the one it was given before, else the next of
 * `series` (recorded before this returns). `onDisk` are the releases on the host, whose
 * versions count as given too: hosts deployed before this file existed have their
 * legacy numbers (1, 2, 3) only there.
 */
export function versionForRelease(layout: AgentLayout, tag: string, series: string, onDisk: readonly { tag: string; version: string }[]): string {
  const given = readGivenVersions(layout);
  const before = given.find((v) => v.tag === tag) ?? onDisk.find((r) => r.tag === tag);
  if (before) return before.version;
  const version = nextDeploymentVersion([...given, ...onDisk].map((v) => v.version), series, layout.root);
  appendJsonLine(deploymentVersionsFile(layout), { version, tag, given: new Date().toISOString() } satisfies GivenVersion);
  return version;
}
