import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dryRunPhases } from './dry-run-phases.ts';

const release = (tag: string, version: string, built = true) => ({ tag, version, built, created: '', deployed: '', current: false, eggs: [], hasBackup: false });

test('a first deploy stages, builds and starts, and stops nothing', () => {
  const plan = dryRunPhases({ plannedTag: '20261201-aaaa1111', force: false, migrate: false, series: '0.1', status: { currentTag: '', currentVersion: '', releases: [] } });
  assert.deepEqual(plan, { already: false, version: '0.1', phases: ['verify', 'stage', 'build', 'backup', 'switch', 'start', 'health', 'commit', 'prune'] });
});

test('a new release over a live one stops it, and migrates only when migrate is set', () => {
  const status = { currentTag: '20261130-bbbb2222', currentVersion: '0.2', releases: [release('20261129-cccc3333', '0.1'), release('20261130-bbbb2222', '0.2')] };
  const plan = dryRunPhases({ plannedTag: '20261201-aaaa1111', force: false, migrate: true, series: '0.1', status });
  assert.equal(plan.version, '0.3');
  assert.equal(plan.stops, '0.2');
  assert.deepEqual(plan.phases, ['verify', 'stage', 'build', 'stop', 'backup', 'switch', 'migrate', 'start', 'health', 'commit', 'prune']);
});

test('the same content on another day is already live; --force redeploys it without building again', () => {
  const status = { currentTag: '20261130-aaaa1111', currentVersion: '0.4', releases: [release('20261130-aaaa1111', '0.4')] };
  assert.deepEqual(dryRunPhases({ plannedTag: '20261201-aaaa1111', force: false, migrate: false, series: '0.1', status }), { already: true, version: '0.4', phases: [] });
  const forced = dryRunPhases({ plannedTag: '20261130-aaaa1111', force: true, migrate: false, series: '0.1', status });
  assert.deepEqual([forced.already, forced.version, forced.phases.includes('build'), forced.phases.includes('stop')], [false, '0.4', false, false]);
});

test('going back to a release still built there skips stage and build', () => {
  const status = { currentTag: '20261130-bbbb2222', currentVersion: '0.2', releases: [release('20261129-cccc3333', '0.1'), release('20261130-bbbb2222', '0.2')] };
  const plan = dryRunPhases({ plannedTag: '20261129-cccc3333', force: false, migrate: false, series: '0.1', status });
  assert.equal(plan.version, '0.1');
  assert.deepEqual(plan.phases.slice(0, 2), ['verify', 'stop']);
});

test('a database backed up in two passes shows its first pass before stop', () => {
  const status = { currentTag: '20261130-bbbb2222', currentVersion: '0.1', releases: [{ tag: '20261130-bbbb2222', version: '0.1', built: true }] } as never;
  const plan = dryRunPhases({ plannedTag: '20261201-aaaa1111', force: false, migrate: false, series: '0.1', status, earlyBackup: true });
  assert.deepEqual(plan.phases, ['verify', 'stage', 'build', 'prebackup', 'stop', 'backup', 'switch', 'start', 'health', 'commit', 'prune']);
});

test('with instances and a live release, the instances roll instead of stop and start; a migration still stops everything', () => {
  const status = { currentTag: '20261101-aaaaaaaa', currentVersion: '0.1', releases: [{ tag: '20261101-aaaaaaaa', version: '0.1', built: true }] } as Parameters<typeof dryRunPhases>[0]['status'];
  const base = { plannedTag: '20261102-bbbbbbbb', force: false, series: '0.1', status, instances: true };
  assert.deepEqual(dryRunPhases({ ...base, migrate: false }).phases, ['verify', 'stage', 'build', 'backup', 'roll', 'switch', 'health', 'commit', 'prune']);
  assert.deepEqual(dryRunPhases({ ...base, migrate: true }).phases, ['verify', 'stage', 'build', 'stop', 'backup', 'switch', 'migrate', 'start', 'health', 'commit', 'prune']);
  assert.deepEqual(dryRunPhases({ ...base, migrate: false, status: { currentTag: '', currentVersion: '', releases: [] } }).phases, ['verify', 'stage', 'build', 'backup', 'switch', 'start', 'health', 'commit', 'prune']);
});
