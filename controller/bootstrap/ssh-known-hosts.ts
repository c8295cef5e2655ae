import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';

/**
 * SSH host keys this user has seen, per host:port, by SHA256 fingerprint
 * (as `ssh-keygen -lf` prints them). Recorded on first contact; a changed key
 * is refused, as ssh does.
 */
export function sshKnownHostsFile(configDir: string): string {
  return join(configDir, 'known_ssh_hosts');
}

export function sshKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export function knownSshHostKey(configDir: string, address: string): string | undefined {
  const file = sshKnownHostsFile(configDir);
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).find(([a]) => a === address)?.[1];
}

export function rememberSshHostKey(configDir: string, address: string, fingerprint: string): void {
  const file = sshKnownHostsFile(configDir);
  const kept = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith(`${address} `)) : [];
  writeFileAtomic(file, [...kept, `${address} ${fingerprint}`].join('\n') + '\n', { mode: 0o600 });
}
