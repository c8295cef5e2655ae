/**
 * Files that hold secrets or trust decisions: written atomically (temp, fsync, rename),
 * created owner-only, and refused when others can read or change them.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { TrustError } from "../errors.ts";

export interface AtomicWriteOptions {
  /** permission bits of the new file, e.g. 0o600 */
  mode: number;
  /** keep a file that already exists instead of replacing it (safe against a concurrent creator) */
  noClobber?: boolean;
}

/** Creates `dir` (and parents) readable by the owner only; an existing directory is left as is. */
export function makePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Writes `path` so that readers see either the old content or the new, never a torn file.
 * Returns false when `noClobber` is set and the file already existed (it is left untouched).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions): boolean {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(temp, "wx", options.mode);
  try {
    fchmodSync(fd, options.mode); // the umask must not widen or narrow what we asked for
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

/**
 * Reads a file that must not be readable or writable by group or others, checking the
 * mode of the very file descriptor it reads (no check-then-open race).
 */
export function readOwnerOnlyFile(path: string, what: string): Buffer {
  return readCheckedFile(path, what, 0o077, "readable or writable by group or others");
}

/** Reads a file that others may read but must not change (like sshd's StrictModes). */
export function readOwnerWritableFile(path: string, what: string): Buffer {
  return readCheckedFile(path, what, 0o022, "writable by group or others");
}

function readCheckedFile(path: string, what: string, forbiddenBits: number, problem: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if (mode & forbiddenBits) {
      throw new TrustError(`${what} is ${problem} (mode ${mode.toString(8).padStart(3, "0")}); refusing to use it`, {
        where: path,
        hint: `chmod 600 ${path}`,
      });
    }
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function renameOver(temp: string, path: string): boolean {
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  return true;
}

// link(2) fails with EEXIST instead of replacing, so two processes creating the same file
// at once end up sharing one of the two versions rather than each keeping its own.
function linkUnlessExists(temp: string, path: string): boolean {
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

// The rename is only durable once the directory entry itself reaches the disk.
function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
