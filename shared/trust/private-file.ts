/**
 * Files that hold secrets or trust decisions: written with shared/fs/atomic-write.ts,
 * created owner-only, and refused when others can read or change them.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { TrustError } from "../errors.ts";


/** Creates `dir` (and parents) readable by the owner only; an existing directory is left as is. */
export function makePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
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
