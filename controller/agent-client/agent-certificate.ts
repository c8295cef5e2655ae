import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { certificateFingerprint, normalizeFingerprint } from '../../shared/trust/fingerprint.ts';
import { fetchPinnedCertificate } from '../../shared/trust/pinned-certificate.ts';

/**
 * The agent's certificate for a pinned fingerprint: the copy kept from an earlier
 * connection when its fingerprint is the pinned one, else fetched (and kept). With
 * a kept copy a command opens one TLS connection, gRPC's, not two; an agent that
 * presents another certificate fails gRPC's handshake all the same.
 */
export async function pinnedCertificate(host: string, port: number, fingerprint: string, cacheDir: string | undefined): Promise<string> {
  const expected = normalizeFingerprint(fingerprint);
  const kept = cacheDir ? join(cacheDir, 'agent-certificates', `${expected.slice('sha256:'.length)}.pem`) : undefined;
  if (kept) {
    try {
      const pem = readFileSync(kept, 'utf8');
      if (certificateFingerprint(pem) === expected) return pem;
    } catch {
      // not kept yet, or unreadable: fetch it
    }
  }
  const pem = await fetchPinnedCertificate(host, port, expected);
  if (kept) writeFileAtomic(kept, pem, { mode: 0o644 });
  return pem;
}
