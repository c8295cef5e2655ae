/**
 * A lock file owned by a process: created whole and exclusively (written to a temp file,
 * fsync'd, then hard-linked to the lock's name, which fails if the name exists: O_EXCL
 * without a moment where the lock exists but is empty), so it works across processes. It
 * records the owner's pid and the boot and start time of that pid, so a lock whose process
 * died (or whose pid was reused) is known to be stale. The agent's deploy lock and ctl's
 * lock of its work folder are both built on this.
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, basename } from 'node:path';
import { fsyncDirectory } from './atomic-write.ts';

/** What every lock records about its owner. */
export interface LockOwner {
  pid: number;
  /** the boot and start time of `pid`, so that a reused pid is not mistaken for the owner */
  process?: string;
}

/** This process, as a lock records it. */
export function currentOwner(): LockOwner {
  return { pid: process.pid, process: processIdentity(process.pid) };
}

/** Creates `file` with `content` unless it exists; false when someone holds it. */
export function createLockFile(file: string, content: string): boolean {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  fsyncDirectory(dirname(file));
  return true;
}

/** The lock's content, or undefined when nobody holds it. */
export function readLockFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Removes the lock only if it still holds `content`. The lock is first renamed aside, which
 * only one process can do, and its content checked there: a lock that another process put
 * in place meanwhile is put back instead of being removed.
 */
export function removeLockFileIfContent(file: string, content: string): boolean {
  const aside = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.removing`);
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') === content) return true;
    try {
      linkSync(aside, file);
    } catch (error) {
      // EEXIST: yet another process took the lock in that instant; it stands, the one set aside is lost.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return false;
  } finally {
    rmSync(aside, { force: true });
    fsyncDirectory(dirname(file));
  }
}

/** Whether the owner is gone (dead, or its pid now belongs to another process). */
export function isOwnerGone(owner: LockOwner): boolean {
  if (!isAlive(owner.pid)) return true;
  const now = processIdentity(owner.pid);
  return owner.process !== undefined && now !== undefined && now !== owner.process;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** "<boot id>/<start time>" of a process on Linux; undefined where /proc cannot tell. */
function processIdentity(pid: number): string | undefined {
  try {
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis); starttime is field 22.
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return startTime === undefined ? undefined : `${bootId}/${startTime}`;
  } catch {
    return undefined;
  }
}
