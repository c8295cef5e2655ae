/**
 * One ctl run at a time per checkout: `ctl plan`, `ctl release` and `ctl deploy` lock the
 * buildout's work folder (.hostout/lock) for as long as they run, since they share its
 * caches, its resolve folder and its releases. A second run waits, saying who holds the lock
 * (pid, command, since when); a lock whose process died is taken over at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { LockError } from '../../shared/errors.ts';
import { makeDirectories } from '../../shared/fs/make-directories.ts';
import { createLockFile, currentOwner, isOwnerGone, readLockFile, removeLockFileIfContent, type LockOwner } from '../../shared/fs/process-lock.ts';

export interface WorkFolderLockInfo extends LockOwner {
  /** e.g. "ctl deploy production" */
  command: string;
  /** ISO time */
  since: string;
}

export interface HeldWorkFolderLock {
  release(): void;
}

const POLL_MS = 250;

export async function lockWorkFolder(stateDir: string, command: string, write: (text: string) => void): Promise<HeldWorkFolderLock> {
  makeDirectories(stateDir);
  const file = join(stateDir, 'lock');
  const info: WorkFolderLockInfo = { ...currentOwner(), command, since: new Date().toISOString() };
  const content = `${JSON.stringify(info)}\n`;
  let announced = false;
  for (;;) {
    if (createLockFile(file, content)) break;
    const existing = readLockFile(file);
    if (existing === undefined) continue;
    const holder = parseHolder(existing, file);
    if (isOwnerGone(holder)) {
      removeLockFileIfContent(file, existing);
      continue;
    }
    if (!announced) {
      write(`Waiting for ${holder.command} (pid ${holder.pid}, since ${holder.since}), which is using ${stateDir}; Ctrl-C to give up\n`);
      announced = true;
    }
    await sleep(POLL_MS);
  }
  // Ctrl-C and other exits through process.exit skip `finally`: the lock goes with the process either way.
  const releaseOnExit = () => removeLockFileIfContent(file, content);
  process.once('exit', releaseOnExit);
  return {
    release: () => {
      process.removeListener('exit', releaseOnExit);
      removeLockFileIfContent(file, content);
    },
  };
}

/** Runs `work` holding the lock; the waiting message goes to stderr, so that --json output stays clean. */
export async function withWorkFolderLock<T>(stateDir: string, command: string, work: () => Promise<T>): Promise<T> {
  const lock = await lockWorkFolder(stateDir, command, (text) => void process.stderr.write(text));
  try {
    return await work();
  } finally {
    lock.release();
  }
}

function parseHolder(content: string, file: string): WorkFolderLockInfo {
  try {
    const value = JSON.parse(content) as WorkFolderLockInfo;
    if (Number.isInteger(value.pid) && typeof value.command === 'string') return value;
  } catch {
    // not ours: said below
  }
  throw new LockError('the work folder lock is not one ctl wrote', { where: file, hint: 'make sure no other ctl runs in this checkout, then remove the file' });
}
