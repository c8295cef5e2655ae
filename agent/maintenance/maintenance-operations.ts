/**
 * `ctl lock` and `ctl unlock` as agent operations: the lock itself, and the deploy
 * found under way when it was taken (it began first, so it finishes).
 */
import type { Agent } from '../agent.ts';
import { isStaleLock, readDeployLock } from '../state/deploy-lock.ts';
import { releaseMaintenanceLock, takeMaintenanceLock, type MaintenanceLock } from './maintenance-lock.ts';

export interface MaintenanceLockOutcome {
  /** the lock taken or released; undefined when unlocking a host that was not locked */
  lock?: MaintenanceLock;
  /** "KEY, deploying TAG": a deploy or rollback that began before the lock and will finish */
  deployUnderWay: string;
}

export function lockForMaintenance(agent: Agent, request: { holder: string; message: string }): MaintenanceLockOutcome {
  const lock = takeMaintenanceLock(agent.layout.maintenanceLockFile, request);
  // read after the lock is on disk: a deploy that took its lock later sees this one and stops
  const deploy = readDeployLock(agent.layout.lockFile);
  return { lock, deployUnderWay: deploy && !isStaleLock(deploy) ? `${deploy.holder}, ${deploy.tag}, since ${deploy.since}` : '' };
}

export function unlockMaintenance(agent: Agent): MaintenanceLockOutcome {
  return { lock: releaseMaintenanceLock(agent.layout.maintenanceLockFile), deployUnderWay: '' };
}
