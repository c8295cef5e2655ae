/**
 * One deploy at a time per host: a lock file that names its holder. It is created whole and
 * exclusively (written to a temp file, fsync'd, then hard-linked to the lock's name, which
 * fails if the name exists: O_EXCL without a moment where the lock exists but is empty), so
 * it works across processes. A lock whose process has died is stale and is taken over.
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join, basename } from "node:path";
import { LockError } from "../../shared/errors.ts";
import { fsyncDirectory } from "../../shared/fs/atomic-write.ts";

export interface DeployLockInfo {
  /** a controller key id, or e.g. "host:root" for a command run on the host */
  holder: string;
  /** ISO time */
  since: string;
  /** the release being deployed or rolled back to */
  tag: string;
  pid: number;
  /** the boot and start time of `pid`, so that a reused pid is not mistaken for the holder */
  process?: string;
}

export interface HeldDeployLock {
  info: DeployLockInfo;
  /** the stale lock this one replaced: its process died without releasing it */
  tookOverFrom?: DeployLockInfo;
  /** Removes the lock if it is still ours; false when it is not (then it is left alone). */
  release(): boolean;
}

/** Takes the lock for `holder` or throws a LockError naming who has it. */
export function acquireDeployLock(file: string, request: { holder: string; tag: string }): HeldDeployLock {
  const info: DeployLockInfo = {
    holder: request.holder,
    since: new Date().toISOString(),
    tag: request.tag,
    pid: process.pid,
    process: processIdentity(process.pid),
  };
  const content = `${JSON.stringify(info)}\n`;
  let tookOverFrom: DeployLockInfo | undefined;
  // Each retry follows a change of hands (the lock vanished or was stale); more than a few means a fight.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusively(file, content)) {
      return { info, tookOverFrom, release: () => removeIfContent(file, content) };
    }
    const existing = readLock(file);
    if (!existing) continue;
    if (!isStaleLock(existing.info)) throw lockedBy(existing.info, file);
    if (removeIfContent(file, existing.content)) tookOverFrom = existing.info;
  }
  throw new LockError("the deploy lock keeps changing hands; could not take it", {
    where: file,
    hint: "another deploy is starting at the same moment; try again",
  });
}

/** The lock as it is on disk, or undefined when nobody holds it. */
export function readDeployLock(file: string): DeployLockInfo | undefined {
  return readLock(file)?.info;
}

/**
 * Removes the lock when its process has died (an agent killed mid-deploy), so that it no longer
 * shows as held; a live holder's lock is left alone. Returns what the dead holder held.
 */
export function releaseStaleDeployLock(file: string): DeployLockInfo | undefined {
  const existing = readLock(file);
  if (!existing || !isStaleLock(existing.info)) return undefined;
  return removeIfContent(file, existing.content) ? existing.info : undefined;
}

/** Whether the lock's process is gone (dead, or its pid now belongs to another process). */
export function isStaleLock(info: DeployLockInfo): boolean {
  if (!isAlive(info.pid)) return true;
  const now = processIdentity(info.pid);
  return info.process !== undefined && now !== undefined && now !== info.process;
}

function lockedBy(info: DeployLockInfo, file: string): LockError {
  return new LockError(`locked by ${info.holder} since ${info.since} (${info.tag})`, {
    where: file,
    hint: `process ${info.pid} is deploying; wait for it to finish (a lock whose process has died is taken over by the next deploy)`,
  });
}

function createExclusively(file: string, content: string): boolean {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  fsyncDirectory(dirname(file));
  return true;
}

function readLock(file: string): { info: DeployLockInfo; content: string } | undefined {
  let content: string;
  try {
    content = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const info = parseLock(content);
  if (!info) {
    throw new LockError("the deploy lock file is not one hostout-agent wrote", {
      where: file,
      hint: "make sure no deploy is running, then remove the file by hand",
    });
  }
  return { info, content };
}

function parseLock(content: string): DeployLockInfo | undefined {
  try {
    const value = JSON.parse(content) as Partial<DeployLockInfo> | null;
    const valid =
      typeof value?.holder === "string" && typeof value.since === "string" && typeof value.tag === "string" && Number.isInteger(value.pid);
    return valid ? (value as DeployLockInfo) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the lock only if it still holds `content`. The lock is first renamed aside, which
 * only one process can do, and its content checked there: a lock that another process put
 * in place meanwhile is put back instead of being removed.
 */
function removeIfContent(file: string, content: string): boolean {
  const aside = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.removing`);
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  try {
    if (readFileSync(aside, "utf8") === content) return true;
    try {
      linkSync(aside, file);
    } catch (error) {
      // EEXIST: yet another process took the lock in that instant; it stands, the one set aside is lost.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    return false;
  } finally {
    rmSync(aside, { force: true });
    fsyncDirectory(dirname(file));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** "<boot id>/<start time>" of a process on Linux; undefined where /proc cannot tell. */
function processIdentity(pid: number): string | undefined {
  try {
    const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis); starttime is field 22.
    const startTime = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return startTime === undefined ? undefined : `${bootId}/${startTime}`;
  } catch {
    return undefined;
  }
}
