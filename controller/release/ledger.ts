import { existsSync, readFileSync } from 'node:fs';
import * as pep440 from '@renovatebot/pep440';
import { ReleaseError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';

/**
 * The ledger: which source content became which version of which package.
 * The team commits it beside buildout.cfg so that every laptop and CI agree
 * on versions; one line per minted version keeps merges easy to read.
 */
export interface LedgerEntry {
  name: string;
  version: string;
  sourceHash: string;
  eggSha256: string;
  released: string;
}

export const LEDGER_FILE_NAME = 'hostout-ledger.txt';

const HEADER = `# Hostout release ledger: which source became which version. Commit this file.
# package version source-sha256 egg-sha256 released-utc
`;

export function parseLedger(text: string, path: string): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const [name, version, sourceHash, eggSha256, released] = fields;
    if (fields.length !== 5 || !name || !version || !sourceHash || !eggSha256 || !released) {
      throw new ReleaseError(`a ledger line needs 5 fields (package version source-sha256 egg-sha256 date), found ${fields.length}`, {
        where: `${path}:${index + 1}`,
        hint: 'fix or remove the line (a merge conflict marker?)',
      });
    }
    if (!pep440.valid(version)) {
      throw new ReleaseError(`'${version}' is not a PEP 440 version`, { where: `${path}:${index + 1}` });
    }
    entries.push({ name, version, sourceHash, eggSha256, released });
  });
  return entries;
}

export function renderLedger(entries: readonly LedgerEntry[]): string {
  const sorted = [...entries].sort((a, b) => a.name.localeCompare(b.name) || pep440.compare(a.version, b.version));
  return HEADER + sorted.map((e) => `${e.name} ${e.version} ${e.sourceHash} ${e.eggSha256} ${e.released}\n`).join('');
}

export function readLedger(path: string): LedgerEntry[] {
  return existsSync(path) ? parseLedger(readFileSync(path, 'utf8'), path) : [];
}

export function writeLedger(path: string, entries: readonly LedgerEntry[]): void {
  writeFileAtomic(path, renderLedger(entries));
}

/** Adds entries not yet recorded (same name and version); a clash of content is an error. */
export function mergeLedgerEntries(existing: readonly LedgerEntry[], added: readonly LedgerEntry[]): LedgerEntry[] {
  const merged = [...existing];
  for (const entry of added) {
    const known = merged.find((e) => e.name === entry.name && e.version === entry.version);
    if (!known) merged.push(entry);
    else if (known.sourceHash !== entry.sourceHash) {
      throw new ReleaseError(`${entry.name} ${entry.version} is already in the ledger for different source content`, {
        where: entry.name,
        hint: 'pull the latest ledger and release again; a version never names two contents',
      });
    }
  }
  return merged;
}
