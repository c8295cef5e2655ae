import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, rmSync, type BigIntStats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';

/**
 * The sha256 of source files remembered by their stat, as git's index does, so an
 * unchanged file is not read again on the next release. One JSON file, keyed by the
 * tree's absolute directory, then the file's path in it (so forgetting a tree's deleted
 * files costs that tree's size, not the cache's); it only saves time, so a damaged
 * one is dropped and rebuilt.
 *
 * A file is re-read when its size, mtime, ctime or inode differ. ctime cannot be set
 * from user space, so an edit that keeps the size and restores the mtime (rsync -t,
 * touch -r) is still noticed; only moving the system clock back can hide an edit.
 *
 * Racy files (git's Documentation/technical/racy-git.txt): a file changed twice in one
 * timestamp tick, with our read in between, keeps its stat. So an entry is trusted only
 * when the file's mtime and ctime are older than the filesystem clock read just before
 * this run started hashing; later changes then necessarily carry a newer timestamp.
 * Git compares with the index file's own mtime, taken after the reads; reading the
 * clock before them also closes the window where the index is written a tick later.
 * The clock is read beside the cache file, so it assumes the sources' filesystem has
 * the same or finer timestamps (git makes the same assumption with its index).
 */

/** The part of a stat the cache compares; what `lstatSync(path, { bigint: true })` returns. */
export type FileStat = Pick<BigIntStats, 'size' | 'mtimeNs' | 'ctimeNs' | 'ino'>;

interface CachedFile extends FileStat {
  sha256: string;
}

/** On disk, bigints as decimal strings since JSON has none (size stays a number). */
interface StoredFile {
  size: number;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  sha256: string;
}

interface StoredCache {
  format: typeof FORMAT;
  /** the filesystem clock when the run that wrote this file started; newer entries were racy */
  trustedBeforeNs: string;
  /** absolute tree directory → path relative to it → file */
  trees: Record<string, Record<string, StoredFile>>;
}

type TreeFiles = Map<string, CachedFile>;

const FORMAT = 'hostout-stat-cache/1';

export class StatCache {
  private changed = false;

  private constructor(
    /** where the cache is persisted, e.g. `<buildout>/.hostout/stat-cache.json` */
    readonly path: string,
    /** filesystem time read before any file of this run was; entries must be older */
    private readonly trustedBeforeNs: bigint,
    private readonly trees: Map<string, TreeFiles>,
  ) {}

  /** Loads the cache at `path` (missing or damaged: starts empty) and reads the filesystem clock beside it. */
  static open(path: string): StatCache {
    const trustedBeforeNs = probeFilesystemClock(dirname(path));
    return new StatCache(path, trustedBeforeNs, loadTrustedTrees(path));
  }

  /** The remembered sha256 of `relPath` in the tree at `treeDir`, if its stat still matches and it was not racy. */
  lookup(treeDir: string, relPath: string, stat: FileStat): string | undefined {
    const cached = this.trees.get(treeDir)?.get(relPath);
    if (!cached || !sameStat(cached, stat) || !isOlderThan(cached, this.trustedBeforeNs)) return undefined;
    return cached.sha256;
  }

  remember(treeDir: string, relPath: string, stat: FileStat, sha256: string): void {
    let files = this.trees.get(treeDir);
    if (!files) this.trees.set(treeDir, (files = new Map()));
    const cached = files.get(relPath);
    if (cached && sameStat(cached, stat) && cached.sha256 === sha256) return;
    const { size, mtimeNs, ctimeNs, ino } = stat;
    files.set(relPath, { size, mtimeNs, ctimeNs, ino, sha256 });
    this.changed = true;
  }

  /** Drops the tree's entries for files not in `relPaths`, so deleted files do not pile up. */
  forgetAllBut(treeDir: string, relPaths: ReadonlySet<string>): void {
    const files = this.trees.get(treeDir);
    for (const relPath of files?.keys() ?? []) {
      if (!relPaths.has(relPath)) {
        files!.delete(relPath);
        this.changed = true;
      }
    }
  }

  /** Writes the cache atomically if anything changed since it was opened; says whether it wrote. */
  save(): boolean {
    if (!this.changed) return false;
    const stored: StoredCache = { format: FORMAT, trustedBeforeNs: String(this.trustedBeforeNs), trees: {} };
    for (const [treeDir, files] of this.trees) {
      const tree: Record<string, StoredFile> = (stored.trees[treeDir] = {});
      for (const [relPath, file] of files) tree[relPath] = toStored(file);
    }
    try {
      writeFileAtomic(this.path, JSON.stringify(stored));
    } catch (error) {
      throw new ReleaseError('cannot save the stat cache', {
        where: this.path,
        hint: 'make its directory writable; deleting the file is always safe',
        cause: error,
      });
    }
    this.changed = false;
    return true;
  }
}

/**
 * The filesystem's current time as it stamps files in `dir`: the mtime of a file
 * created there. Not Date.now(): file times come from a coarser kernel clock, or
 * from the server on network filesystems.
 */
export function probeFilesystemClock(dir: string): bigint {
  const probe = join(dir, `.clock-${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(probe, 'wx');
    try {
      return fstatSync(fd, { bigint: true }).mtimeNs;
    } finally {
      closeSync(fd);
      rmSync(probe, { force: true });
    }
  } catch (error) {
    throw new ReleaseError('cannot write in the stat cache directory', {
      where: dir,
      hint: 'make it writable by the user running ctl',
      cause: error,
    });
  }
}

function loadTrustedTrees(path: string): Map<string, TreeFiles> {
  const trees = new Map<string, TreeFiles>();
  let stored: Partial<StoredCache>;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return trees;
  }
  if (stored?.format !== FORMAT || !isDecimal(stored.trustedBeforeNs) || !isObject(stored.trees)) return trees;
  const trustedBeforeNs = BigInt(stored.trustedBeforeNs);
  for (const [treeDir, storedFiles] of Object.entries(stored.trees)) {
    if (!isObject(storedFiles)) continue;
    const files: TreeFiles = new Map();
    for (const [relPath, entry] of Object.entries(storedFiles)) {
      const file = fromStored(entry);
      // A racy entry never becomes trusted by being carried into a later save.
      if (file && isOlderThan(file, trustedBeforeNs)) files.set(relPath, file);
    }
    trees.set(treeDir, files);
  }
  return trees;
}

function fromStored(entry: unknown): CachedFile | undefined {
  const e = entry as Partial<StoredFile> | null;
  if (!e || !Number.isSafeInteger(e.size) || e.size! < 0) return undefined;
  if (!isDecimal(e.mtimeNs) || !isDecimal(e.ctimeNs) || !isDecimal(e.ino)) return undefined;
  if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) return undefined;
  return { size: BigInt(e.size!), mtimeNs: BigInt(e.mtimeNs), ctimeNs: BigInt(e.ctimeNs), ino: BigInt(e.ino), sha256: e.sha256 };
}

function toStored(file: CachedFile): StoredFile {
  return {
    size: Number(file.size),
    mtimeNs: String(file.mtimeNs),
    ctimeNs: String(file.ctimeNs),
    ino: String(file.ino),
    sha256: file.sha256,
  };
}

function sameStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

function isOlderThan(stat: FileStat, clockNs: bigint): boolean {
  return stat.mtimeNs < clockNs && stat.ctimeNs < clockNs;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isDecimal(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,30}$/.test(value);
}
