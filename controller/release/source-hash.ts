import { closeSync, constants, lstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';
import { listSourceFiles, sourceChangedError, sourceReadError } from './source-tree.ts';
import type { StatCache } from './stat-cache.ts';

/**
 * The content hash that decides whether a develop egg changed: one sha256 over the
 * sorted (path, mode, content sha256) of its source files, like a git tree, so it does
 * not depend on where the checkout lives, on mtimes, or on build output beside it.
 */

export interface SourceTreeHash {
  /** sha256 hex of the tree digest */
  hash: string;
  /** source files in the tree */
  files: number;
  /** their relative paths, sorted: what an egg is built from */
  paths: string[];
  /** bytes of file content read this time: 0 when the stat cache vouched for every file */
  bytesRead: number;
  /** each path's content sha256 (of the link target for a symlink) */
  fileSha256: ReadonlyMap<string, string>;
}

/** One source file as it enters the digest; modes as git writes them in a tree. */
export interface SourceEntry {
  path: string;
  mode: '100644' | '100755' | '120000';
  /** of the content, or of the link target for a symlink */
  sha256: string;
}

/** Changing how the digest is formed changes every hash: bump this with it. */
const DIGEST_FORMAT = 'hostout-source-tree/1\0';

/**
 * Hashes the source files of `packageDir`, reading only those `cache` cannot vouch for.
 * The cache learns the new hashes; the caller saves it once all packages are hashed.
 */
export function hashSourceTree(packageDir: string, cache: StatCache): SourceTreeHash {
  const root = resolve(packageDir);
  const paths = listSourceFiles(root);
  const read = { bytes: 0 };
  const entries = paths.map((path) => ({ path, ...hashSourceFile(root, path, cache, read) }));
  cache.forgetAllBut(root, new Set(paths));
  return { hash: digestSourceEntries(entries), files: entries.length, paths, bytesRead: read.bytes, fileSha256: new Map(entries.map((e) => [e.path, e.sha256])) };
}

function hashSourceFile(root: string, path: string, cache: StatCache, read: { bytes: number }): Omit<SourceEntry, 'path'> {
  const absPath = join(root, path);
  try {
    const stat = lstatSync(absPath, { bigint: true });
    if (stat.isSymbolicLink()) return { mode: '120000', sha256: sha256Hex(readlinkSync(absPath, { encoding: 'buffer' })) };
    if (!stat.isFile()) throw sourceChangedError(absPath);
    let sha256 = cache.lookup(root, path, stat);
    if (sha256 === undefined) {
      sha256 = sha256OfFile(absPath, read);
      cache.remember(root, path, stat, sha256);
    }
    return { mode: (stat.mode & 0o111n) === 0n ? '100644' : '100755', sha256 };
  } catch (error) {
    throw error instanceof ReleaseError ? error : sourceReadError(absPath, error);
  }
}

/**
 * The tree digest. Paths are compared in NFC so a checkout made on macOS (which
 * decomposes accents in file names) hashes like one made on Linux.
 */
export function digestSourceEntries(entries: readonly SourceEntry[]): string {
  const normalized = entries
    .map((entry) => ({ ...entry, path: entry.path.normalize('NFC') }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const digest = createHash('sha256').update(DIGEST_FORMAT);
  // NUL cannot occur in a path, so the framing is unambiguous.
  for (const { mode, sha256, path } of normalized) digest.update(`${mode} ${sha256} ${path}\0`);
  return digest.digest('hex');
}

const readBuffer = Buffer.allocUnsafe(1 << 20);

/**
 * Reads in fixed chunks so a large data file need not fit in memory. O_NOFOLLOW and
 * O_NONBLOCK: a file swapped for a symlink or a FIFO since its lstat is neither
 * followed nor waited on.
 */
function sha256OfFile(absPath: string, read: { bytes: number }): string {
  const digest = createHash('sha256');
  const fd = openSync(absPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    for (let n; (n = readSync(fd, readBuffer, 0, readBuffer.length, null)) > 0; read.bytes += n) {
      digest.update(readBuffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return digest.digest('hex');
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
