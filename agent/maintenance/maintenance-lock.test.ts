import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockError } from '../../shared/errors.ts';
import { readMaintenanceLock, refuseWhileMaintenanceLocked, releaseMaintenanceLock, takeMaintenanceLock } from './maintenance-lock.ts';

function lockFile(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-maintenance-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'maintenance-lock');
}

test('a maintenance lock refuses deploys and rollbacks with holder, time and message until released', (t) => {
  const file = lockFile(t);
  assert.doesNotThrow(() => refuseWhileMaintenanceLocked(file, 'deploy'));
  const lock = takeMaintenanceLock(file, { holder: 'abcdef0123456789', message: '  moving the database  ' });
  assert.equal(lock.message, 'moving the database');
  assert.deepEqual(readMaintenanceLock(file), lock);
  assert.throws(() => refuseWhileMaintenanceLocked(file, 'rollback'), (error: unknown) =>
    error instanceof LockError && error.message === `the host is locked for maintenance by abcdef0123456789 since ${lock.since}: "moving the database"; no rollback until it is unlocked`);
  assert.throws(() => takeMaintenanceLock(file, { holder: 'someone', message: 'me too' }), /already locked for maintenance by abcdef0123456789/);
  assert.deepEqual(releaseMaintenanceLock(file), lock);
  assert.equal(releaseMaintenanceLock(file), undefined, 'unlocking an unlocked host says so');
  assert.doesNotThrow(() => refuseWhileMaintenanceLocked(file, 'deploy'));
});

test('a lock needs a reason; a lock file hostout did not write still locks', (t) => {
  const file = lockFile(t);
  assert.throws(() => takeMaintenanceLock(file, { holder: 'k', message: ' ' }), /needs a reason/);
  writeFileSync(file, 'garbage');
  assert.throws(() => refuseWhileMaintenanceLocked(file, 'deploy'), /locked for maintenance by unknown .*not one hostout-agent wrote/);
});
