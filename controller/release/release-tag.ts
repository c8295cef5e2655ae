import { createHash } from 'node:crypto';

/**
 * A release tag: the UTC date and a short hash of what the release contains
 * (the archive's files and every pinned egg), e.g. 20261125-3f2a9c1d.
 * Same content on the same day gives the same tag.
 */
export function releaseTag(now: Date, archiveDigest: string, pins: Readonly<Record<string, string>>): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  const content = createHash('sha256').update(archiveDigest);
  for (const name of Object.keys(pins).sort()) content.update(`\n${name}==${pins[name]}`);
  return `${date}-${content.digest('hex').slice(0, 8)}`;
}
