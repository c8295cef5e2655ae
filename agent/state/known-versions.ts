import { join } from 'node:path';
import type { AgentLayout } from './agent-layout.ts';
import { appendJsonLine, readJsonLines } from './json-lines-file.ts';

/**
 * Develop-egg versions this host has received: name, version, the source it
 * was built from and the egg's bytes. Controllers ask for them before minting,
 * so two laptops never give one version to two contents.
 */
export interface KnownVersion {
  name: string;
  version: string;
  sourceHash: string;
  eggSha256: string;
  released: string;
}

function knownVersionsFile(layout: AgentLayout): string {
  return join(layout.agentDir, 'known-versions');
}

export function readKnownVersions(layout: AgentLayout): KnownVersion[] {
  return readJsonLines(knownVersionsFile(layout)) as unknown as KnownVersion[];
}

export function recordKnownVersions(layout: AgentLayout, versions: readonly KnownVersion[]): void {
  const known = readKnownVersions(layout);
  for (const version of versions) {
    if (!known.some((k) => k.name === version.name && k.version === version.version)) {
      appendJsonLine(knownVersionsFile(layout), version);
      known.push(version);
    }
  }
}
