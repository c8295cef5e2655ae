import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dryRunPhases } from './dry-run-phases.ts';

const release = (tag: string, number: number, built = true) => ({ tag, number, built, created: '', deployed: '', current: false, eggs: [], hasBackup: false });

test('a first deploy stages, builds and starts, and stops nothing', () => {
  const plan = dryRunPhases({ plannedTag: '20261201-aaaa1111', force: false, migrate: false, status: { currentTag: '', currentNumber: 0, releases: [] } });
  assert.deepEqual(plan, { already: false, number: 1, phases: ['verify', 'stage', 'build', 'backup', 'switch', 'start', 'health', 'commit', 'prune'] });
});

test('a new release over a live one stops it, and migrates only when migrate is set', () => {
  const status = { currentTag: '20261130-bbbb2222', currentNumber: 2, releases: [release('20261129-cccc3333', 1), release('20261130-bbbb2222', 2)] };
  const plan = dryRunPhases({ plannedTag: '20261201-aaaa1111', force: false, migrate: true, status });
  assert.equal(plan.number, 3);
  assert.equal(plan.stops, 2);
  assert.deepEqual(plan.phases, ['verify', 'stage', 'build', 'stop', 'backup', 'switch', 'migrate', 'start', 'health', 'commit', 'prune']);
});

test('the same content on another day is already live; --force redeploys it without building again', () => {
  const status = { currentTag: '20261130-aaaa1111', currentNumber: 4, releases: [release('20261130-aaaa1111', 4)] };
  assert.deepEqual(dryRunPhases({ plannedTag: '20261201-aaaa1111', force: false, migrate: false, status }), { already: true, number: 4, phases: [] });
  const forced = dryRunPhases({ plannedTag: '20261130-aaaa1111', force: true, migrate: false, status });
  assert.deepEqual([forced.already, forced.number, forced.phases.includes('build'), forced.phases.includes('stop')], [false, 4, false, false]);
});

test('going back to a release still built there skips stage and build', () => {
  const status = { currentTag: '20261130-bbbb2222', currentNumber: 2, releases: [release('20261129-cccc3333', 1), release('20261130-bbbb2222', 2)] };
  const plan = dryRunPhases({ plannedTag: '20261129-cccc3333', force: false, migrate: false, status });
  assert.equal(plan.number, 1);
  assert.deepEqual(plan.phases.slice(0, 2), ['verify', 'stop']);
});
