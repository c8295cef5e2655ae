import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rolloutBatches, rolloutMayContinue } from './rollout-batches.ts';

const hosts = Array.from({ length: 10 }, (_, i) => `h${i + 1}`);
const shape = (batches: { hosts: string[]; canary: boolean }[]) => batches.map((b) => `${b.canary ? 'canary:' : ''}${b.hosts.join(',')}`);

test('by default every host goes live at once', () => {
  assert.deepEqual(shape(rolloutBatches(hosts, { batchSize: '100%', canary: 0 })), [hosts.join(',')]);
});

test('a batch size in hosts, and a canary that goes first alone', () => {
  assert.deepEqual(shape(rolloutBatches(hosts, { batchSize: '4', canary: 1 })), ['canary:h1', 'h2,h3,h4,h5', 'h6,h7,h8,h9', 'h10']);
});

test('a percentage counts all hosts and rounds up', () => {
  assert.deepEqual(shape(rolloutBatches(hosts, { batchSize: '25%', canary: 0 })), ['h1,h2,h3', 'h4,h5,h6', 'h7,h8,h9', 'h10']);
  assert.deepEqual(shape(rolloutBatches(['a'], { batchSize: '1%', canary: 0 })), ['a']);
});

test('a canary larger than the fleet takes every host', () => {
  assert.deepEqual(shape(rolloutBatches(['a', 'b'], { batchSize: '1', canary: 5 })), ['canary:a,b']);
});

test('the rollout stops after a failed canary, or when failures pass max-fail', () => {
  assert.equal(rolloutMayContinue(1, { canary: true, failed: 1 }, 3), false);
  assert.equal(rolloutMayContinue(1, { canary: false, failed: 1 }, 1), true);
  assert.equal(rolloutMayContinue(2, { canary: false, failed: 1 }, 1), false);
  assert.equal(rolloutMayContinue(0, { canary: true, failed: 0 }, 0), true);
});
