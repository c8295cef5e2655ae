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
  const file = knownAgentsFile(configDir);
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith(`${host}:${port} `)) : [];
  lines.push(`${host}:${port} ${normalizeFingerprint(fingerprint)}`);
  writeFileAtomic(file, lines.join('\n') + '\n', { mode: 0o600 });
}
