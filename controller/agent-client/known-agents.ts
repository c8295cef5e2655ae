import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { normalizeFingerprint } from '../../shared/trust/fingerprint.ts';

/**
 * Agents this user has paired with, like ssh's known_hosts: "host:port fingerprint"
 * per line, in the user's config dir (not in the team's buildout: each laptop pins
 * what it verified itself).
 */
export function knownAgentsFile(configDir: string): string {
  return join(configDir, 'known_agents');
}

export function lookupKnownAgent(configDir: string, host: string, port: number): string | undefined {
  const file = knownAgentsFile(configDir);
  if (!existsSync(file)) return undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [address, fingerprint] = line.trim().split(/\s+/);
    if (address === `${host}:${port}` && fingerprint) return fingerprint;
  }
  return undefined;
}

export function rememberKnownAgent(configDir: string, host: string, port: number, fingerprint: string): void {
  const lines = otherLines(configDir, host, port);
  lines.push(`${host}:${port} ${normalizeFingerprint(fingerprint)}`);
  writeFileAtomic(knownAgentsFile(configDir), lines.join('\n') + '\n', { mode: 0o600 });
}

/** Removes a pinned agent; false when none was pinned for that address. */
export function forgetKnownAgent(configDir: string, host: string, port: number): boolean {
  if (!lookupKnownAgent(configDir, host, port)) return false;
  const lines = otherLines(configDir, host, port);
  writeFileAtomic(knownAgentsFile(configDir), lines.length ? lines.join('\n') + '\n' : '', { mode: 0o600 });
  return true;
}

/** Every pinned agent: address ("host:port") and fingerprint. */
export function listKnownAgents(configDir: string): { address: string; fingerprint: string }[] {
  const file = knownAgentsFile(configDir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([address, fingerprint]) => address && fingerprint)
    .map(([address, fingerprint]) => ({ address: address!, fingerprint: fingerprint! }));
}

function otherLines(configDir: string, host: string, port: number): string[] {
  const file = knownAgentsFile(configDir);
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith(`${host}:${port} `)) : [];
}
