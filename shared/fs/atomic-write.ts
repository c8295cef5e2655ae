/**
 * Writing files so that readers see the old content or the new, never a torn
 * file: a temp name in the same directory, fsync, rename, fsync of the directory.
 * Every file Hostout writes (ledger, caches, keys, archives, journal state) goes
 * through here.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, copyFileSync, fchmodSync, fsyncSync, linkSync, openSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { makeDirectories } from './make-directories.ts';

export interface AtomicWriteOptions {
  /** permission bits of the new file (default 0o644); the umask does not change them */
  mode?: number;
  /** keep a file that already exists instead of replacing it (safe against a concurrent creator) */
  noClobber?: boolean;
}

export interface FileDigest {
  /** hex SHA-256 of the file's bytes */
  sha256: string;
  size: number;
}

/** Returns false when `noClobber` is set and the file already existed (it is left untouched). */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): boolean {
  const mode = options.mode ?? 0o644;
  makeDirectories(dirname(path));
  const temp = tempNameBeside(path);
  const fd = openSync(temp, 'wx', mode);
  try {
    fchmodSync(fd, mode);
    writeFileSync(fd, data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  const written = options.noClobber ? linkUnlessExists(temp, path) : renameOver(temp, path);
  if (written) fsyncDirectory(dirname(path));
  return written;
}

/** Copies `source` to `path` the same way (temp name, fsync, rename or, with `noClobber`, link). */
export function copyFileAtomic(source: string, path: string, options: AtomicWriteOptions = {}): boolean {
  makeDirectories(dirname(path));
  const temp = tempNameBeside(path);
  try {
    copyFileSync(source, temp, constants.COPYFILE_EXCL);
    const fd = openSync(temp, 'r');
    try {
      fchmodSync(fd, options.mode ?? 0o644);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  const written = options.noClobber ? linkUnlessExists(temp, path) : renameOver(temp, path);
  if (written) fsyncDirectory(dirname(path));
  return written;
}

/** Streams chunks into `outFile` atomically; the digest is of the bytes as written. */
export async function writeStreamAtomic(outFile: string, chunks: AsyncIterable<Uint8Array>, mode = 0o644): Promise<FileDigest> {
  const temp = tempNameBeside(outFile);
  const file = await open(temp, 'wx', mode);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
      for (let written = 0; written < chunk.length; ) written += (await file.write(chunk, written)).bytesWritten;
    }
    await file.sync();
    await file.close();
    await rename(temp, outFile);
  } catch (error) {
    await file.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  fsyncDirectory(dirname(outFile));
  return { sha256: hash.digest('hex'), size };
}

/** Makes a rename or a new entry in `dir` survive a power loss. */
export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function tempNameBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function renameOver(temp: string, path: string): boolean {
  try {
    renameSync(temp, path);
    return true;
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
}

function linkUnlessExists(temp: string, path: string): boolean {
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}
