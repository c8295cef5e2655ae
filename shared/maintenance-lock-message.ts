import { LockError } from './errors.ts';

/** The maintenance lock (`ctl lock`) as agent and controller describe it. */
export interface MaintenanceLockInfo {
  /** the controller key id, or host:USER */
  holder: string;
  /** ISO time */
  since: string;
  message: string;
}

export function describeMaintenanceLock(lock: MaintenanceLockInfo): string {
  return `by ${lock.holder} since ${lock.since}: "${lock.message}"`;
}

/** The refusal of a deploy or rollback while the host is locked: the agent's, and ctl's before it builds anything. */
export function maintenanceLockRefusal(lock: MaintenanceLockInfo, what: 'deploy' | 'rollback', where: string): LockError {
  return new LockError(`the host is locked for maintenance ${describeMaintenanceLock(lock)}; no ${what} until it is unlocked`, {
    where,
    hint: 'ctl unlock TARGET (anyone authorized can) once the work is over; ctl status shows the lock',
  });
}
