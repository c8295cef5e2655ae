import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';

/** What setuptools declares for a develop package. */
export interface DeclaredMetadata {
  name: string;
  declaredVersion: string;
}

/** What a setup.py looked at inside its package (read_metadata.py's Touched); absent when it ran a process. */
export interface TouchedFiles {
  opened: readonly string[];
  listed: readonly string[];
}

/** A package's source tree as the release hashed it. */
export interface HashedTree {
  hash: string;
  paths: readonly string[];
  fileSha256: ReadonlyMap<string, string>;
}

/** Tree answers kept: every edit makes a tree, so the oldest are dropped past this many. */
const KEPT_TREES = 500;

interface CacheFile {
  format: 2;
  /** source tree hash → metadata: the same sources declare the same thing */
  byTree: Record<string, DeclaredMetadata>;
  /** package dir → its last reading and what setup.py touched to give it */
  byDir: Record<string, DeclaredMetadata & { touched: TouchedFiles; touchedDigest: string }>;
}

/**
 * The name and declared version of develop packages, so setup.py runs (a quarter of a second
 * of setuptools import on Debian) only when they could have changed. Same tree, same answer;
 * and when the tree changed but none of the files setup.py opened nor the directories it
 * listed did (an edit to a module, the usual case), the answer is the same too.
 */
export class MetadataCache {
  private constructor(
    private readonly file: string,
    private readonly data: CacheFile,
    private changed = false,
  ) {}

  static open(file: string): MetadataCache {
    return new MetadataCache(file, readCacheFile(file));
  }

  lookup(dir: string, tree: HashedTree): DeclaredMetadata | undefined {
    const same = this.data.byTree[tree.hash];
    if (same) return same;
    const last = this.data.byDir[dir];
    if (!last || touchedDigest(last.touched, tree) !== last.touchedDigest) return undefined;
    const metadata = { name: last.name, declaredVersion: last.declaredVersion };
    this.data.byTree[tree.hash] = metadata;
    this.changed = true;
    return metadata;
  }

  /** `touched` undefined: setup.py ran a process, so only this very tree may reuse the answer. */
  remember(dir: string, tree: HashedTree, metadata: DeclaredMetadata, touched: TouchedFiles | undefined): void {
    this.data.byTree[tree.hash] = { name: metadata.name, declaredVersion: metadata.declaredVersion };
    if (touched) this.data.byDir[dir] = { ...this.data.byTree[tree.hash]!, touched, touchedDigest: touchedDigest(touched, tree) };
    else delete this.data.byDir[dir];
    this.changed = true;
  }

  save(): void {
    if (!this.changed) return;
    // keys keep their insertion order: the first ones are the oldest
    const trees = Object.keys(this.data.byTree);
    for (const hash of trees.slice(0, Math.max(0, trees.length - KEPT_TREES))) delete this.data.byTree[hash];
    writeFileAtomic(this.file, JSON.stringify(this.data));
    this.changed = false;
  }
}

/**
 * The content of the files setup.py opened (or that they were absent) and the entries of
 * the directories it listed, as the tree has them now.
 */
export function touchedDigest(touched: TouchedFiles, tree: HashedTree): string {
  const hash = createHash('sha256').update('hostout-setup-py-touched/1\n');
  for (const path of [...touched.opened].sort()) hash.update(`open ${path} ${tree.fileSha256.get(path) ?? 'absent'}\n`);
  for (const dir of [...touched.listed].sort()) hash.update(`list ${dir} ${directoryEntries(tree.paths, dir).join('/')}\n`);
  return hash.digest('hex');
}

/** The names directly in `dir` ("." for the package root), from the tree's file paths. */
function directoryEntries(paths: readonly string[], dir: string): string[] {
  const prefix = dir === '.' ? '' : `${dir}/`;
  const names = new Set<string>();
  for (const path of paths) if (path.startsWith(prefix)) names.add(path.slice(prefix.length).split('/')[0]!);
  return [...names].sort();
}

function readCacheFile(file: string): CacheFile {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8'));
    if (data?.format === 2) return data as CacheFile;
    // the first format: tree hash → metadata, nothing about what setup.py touched
    if (data && typeof data === 'object') return { format: 2, byTree: data as Record<string, DeclaredMetadata>, byDir: {} };
  } catch {
    // missing or torn: read the metadata again
  }
  return { format: 2, byTree: {}, byDir: {} };
}
