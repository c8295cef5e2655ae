/**
 * One deploy at a time per host: a lock file that names its holder (shared/fs/process-lock.ts
 * makes it exclusive across processes). A lock whose process has died is stale and is taken over.
 */
import { LockError } from "../../shared/errors.ts";
import { createLockFile, currentOwner, isOwnerGone, readLockFile, removeLockFileIfContent } from "../../shared/fs/process-lock.ts";

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
    ...currentOwner(),
  };
  const content = `${JSON.stringify(info)}\n`;
  let tookOverFrom: DeployLockInfo | undefined;
  // Each retry follows a change of hands (the lock vanished or was stale); more than a few means a fight.
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createLockFile(file, content)) {
      return { info, tookOverFrom, release: () => removeLockFileIfContent(file, content) };
    }
    const existing = readLock(file);
    if (!existing) continue;
    if (!isStaleLock(existing.info)) throw lockedBy(existing.info, file);
    if (removeLockFileIfContent(file, existing.content)) tookOverFrom = existing.info;
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
  return removeLockFileIfContent(file, existing.content) ? existing.info : undefined;
}

/** Whether the lock's process is gone (dead, or its pid now belongs to another process). */
export function isStaleLock(info: DeployLockInfo): boolean {
  return isOwnerGone(info);
}

function lockedBy(info: DeployLockInfo, file: string): LockError {
  return new LockError(`locked by ${info.holder} since ${info.since} (${info.tag})`, {
    where: file,
    hint: `process ${info.pid} is deploying; wait for it to finish (a lock whose process has died is taken over by the next deploy)`,
  });
}

function readLock(file: string): { info: DeployLockInfo; content: string } | undefined {
  const content = readLockFile(file);
  if (content === undefined) return undefined;
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
