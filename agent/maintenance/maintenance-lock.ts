/**
 * The maintenance lock (`ctl lock -m WHY`, as Kamal's lock): while it is held, deploys
 * and rollbacks (from ctl and `hostout-agent rollback` alike) are refused with its
 * holder, time and message, until `ctl unlock`. It is not the deploy lock
 * (agent/state/deploy-lock.ts): that one lives as long as one deploy's process and is
 * taken over when its process dies; this one is a person's decision, kept across
 * agent restarts and reboots, and only removed by an unlock.
 *
 * A deploy or rollback checks it after taking the deploy lock, and a lock reports the
 * deploy lock after it is written: so either the deploy sees the maintenance lock and
 * stops, or `ctl lock` sees that deploy under way and says that it will finish.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { LockError } from '../../shared/errors.ts';
import { fsyncDirectory, writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { describeMaintenanceLock, maintenanceLockRefusal, type MaintenanceLockInfo } from '../../shared/maintenance-lock-message.ts';

export type MaintenanceLock = MaintenanceLockInfo;

/** Longest message kept: a reason, not a document. */
export const MAINTENANCE_MESSAGE_MAX = 1000;

/** Takes the lock, or throws a LockError naming who holds it already. */
export function takeMaintenanceLock(file: string, request: { holder: string; message: string }): MaintenanceLock {
  const message = request.message.trim();
  if (!message) throw new LockError('a maintenance lock needs a reason', { hint: 'ctl lock -m "why the host is locked"' });
  if (message.length > MAINTENANCE_MESSAGE_MAX) throw new LockError(`the lock's message is longer than ${MAINTENANCE_MESSAGE_MAX} characters`, { hint: 'say why in a sentence' });
  const held = readMaintenanceLock(file);
  if (held) throw new LockError(`the host is already locked for maintenance ${describeMaintenanceLock(held)}`, { where: file, hint: 'ctl unlock first, if the work it names is over' });
  const lock: MaintenanceLock = { holder: request.holder, since: new Date().toISOString(), message };
  // noClobber: of two locks taken at once, one wins and the other is told so
  if (!writeFileAtomic(file, JSON.stringify(lock) + '\n', { mode: 0o600, noClobber: true })) return takeMaintenanceLock(file, request);
  return lock;
}

/** Releases the lock; returns the lock it released, or undefined when the host was not locked. */
export function releaseMaintenanceLock(file: string): MaintenanceLock | undefined {
  const held = readMaintenanceLock(file);
  if (!held) return undefined;
  rmSync(file, { force: true });
  fsyncDirectory(dirname(file));
  return held;
}

export function readMaintenanceLock(file: string): MaintenanceLock | undefined {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const lock = JSON.parse(content) as MaintenanceLock;
    if (typeof lock.holder === 'string' && typeof lock.since === 'string' && typeof lock.message === 'string') return lock;
  } catch {
    // fall through: a file we did not write still locks, since someone meant to lock
  }
  return { holder: 'unknown', since: 'unknown', message: `${file} exists but is not one hostout-agent wrote` };
}

/** Throws a LockError when the host is locked for maintenance: deploys and rollbacks call it. */
export function refuseWhileMaintenanceLocked(file: string, what: 'deploy' | 'rollback'): void {
  const lock = readMaintenanceLock(file);
  if (lock) throw maintenanceLockRefusal(lock, what, file);
}
