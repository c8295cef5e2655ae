import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, rmSync, type BigIntStats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, sep } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';

/**
 * The sha256 of source files remembered by their stat, as git's index does, so an
 * unchanged file is not read again on the next release. One JSON file, keyed by
 * absolute path; it only saves time, so a damaged one is dropped and rebuilt.
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
  files: Record<string, StoredFile>;
}

const FORMAT = 'hostout-stat-cache/1';

export class StatCache {
  private changed = false;

  private constructor(
    /** where the cache is persisted, e.g. `<buildout>/.hostout/stat-cache.json` */
    readonly path: string,
    /** filesystem time read before any file of this run was; entries must be older */
    private readonly trustedBeforeNs: bigint,
    private readonly files: Map<string, CachedFile>,
  ) {}

  /** Loads the cache at `path` (missing or damaged: starts empty) and reads the filesystem clock beside it. */
  static open(path: string): StatCache {
    const trustedBeforeNs = probeFilesystemClock(dirname(path));
    return new StatCache(path, trustedBeforeNs, loadTrustedFiles(path));
  }

  /** The remembered sha256 of the file at `absPath`, if its stat still matches and it was not racy. */
  lookup(absPath: string, stat: FileStat): string | undefined {
    const cached = this.files.get(absPath);
    if (!cached || !sameStat(cached, stat) || !isOlderThan(cached, this.trustedBeforeNs)) return undefined;
    return cached.sha256;
  }

  remember(absPath: string, stat: FileStat, sha256: string): void {
    const cached = this.files.get(absPath);
    if (cached && sameStat(cached, stat) && cached.sha256 === sha256) return;
    const { size, mtimeNs, ctimeNs, ino } = stat;
    this.files.set(absPath, { size, mtimeNs, ctimeNs, ino, sha256 });
    this.changed = true;
  }

  /** Drops entries below `dir` for files no longer there, so old files do not pile up. */
  forgetMissingUnder(dir: string, present: ReadonlySet<string>): void {
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const path of this.files.keys()) {
      if (path.startsWith(prefix) && !present.has(path)) {
        this.files.delete(path);
        this.changed = true;
      }
    }
  }

  /** Writes the cache atomically if anything changed since it was opened; says whether it wrote. */
  save(): boolean {
    if (!this.changed) return false;
    const stored: StoredCache = { format: FORMAT, trustedBeforeNs: String(this.trustedBeforeNs), files: {} };
    for (const [path, file] of this.files) stored.files[path] = toStored(file);
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

function loadTrustedFiles(path: string): Map<string, CachedFile> {
  const files = new Map<string, CachedFile>();
  let stored: Partial<StoredCache>;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return files;
  }
  if (stored?.format !== FORMAT || !isDecimal(stored.trustedBeforeNs) || typeof stored.files !== 'object' || !stored.files) {
    return files;
  }
  const trustedBeforeNs = BigInt(stored.trustedBeforeNs);
  for (const [filePath, entry] of Object.entries(stored.files)) {
    const file = fromStored(entry);
    // A racy entry never becomes trusted by being carried into a later save.
    if (file && isOlderThan(file, trustedBeforeNs)) files.set(filePath, file);
  }
  return files;
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

function isDecimal(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,30}$/.test(value);
}
