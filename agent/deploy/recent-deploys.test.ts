import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deployRecords } from './recent-deploys.ts';
import type { JournalEntry } from '../state/journal.ts';

const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, 0) + s * 1000).toISOString();

function journalOf(deployId: string, tag: string, version: string, lines: [number, JournalEntry['phase'], JournalEntry['state'], string?][]): JournalEntry[] {
  return lines.map(([s, phase, state, message]) => ({ deployId, tag, version, phase, state, time: at(s), previous: 'v0', ...(message ? { message } : {}) }));
}

test('a committed deploy: its phases from the journal, downtime from stop to healthy, the bytes uploaded just before it', () => {
  const journal = journalOf('d1', 'v1', '0.1', [
    [10, 'verify', 'started'], [11, 'verify', 'done'], [11, 'build', 'started'], [40, 'build', 'done'],
    [40, 'stop', 'started'], [41, 'stop', 'done'], [41, 'switch', 'started'], [41, 'switch', 'done'],
    [41, 'start', 'started'], [43, 'start', 'done'], [43, 'health', 'started'], [44, 'health', 'done'],
    [44, 'commit', 'started'], [44, 'commit', 'done'],
  ]);
  const [record] = deployRecords(journal, [{ time: at(5), sha256: 'a', bytes: 1000 }, { time: at(9), sha256: 'b', bytes: 24 }]);
  assert.equal(record!.kind, 'deploy');
  assert.equal(record!.outcome, 'deployed');
  assert.equal(record!.durationMs, 34_000);
  assert.deepEqual(record!.phases.slice(0, 2), [
    { phase: 'verify', startMs: 0, durationMs: 1000, outcome: 'done' },
    { phase: 'build', startMs: 1000, durationMs: 29_000, outcome: 'done' },
  ]);
  assert.equal(record!.wentDown, true);
  assert.equal(record!.downtimeMs, 4000);
  assert.equal(record!.bytesReceived, 1024);
});

test('a deploy whose health check failed is rolled back: failure kept, the site is up again when the rollback ends', () => {
  const journal = journalOf('d2', 'v2', '0.2', [
    [0, 'verify', 'started'], [1, 'verify', 'done'], [1, 'stop', 'started'], [2, 'stop', 'done'],
    [2, 'start', 'started'], [3, 'start', 'done'], [3, 'health', 'started'], [8, 'health', 'failed', 'health check failed after 3 attempts'],
    [8, 'rollback', 'started', 'health check failed after 3 attempts'], [10, 'rollback', 'done'],
  ]);
  const [record] = deployRecords(journal, []);
  assert.equal(record!.outcome, 'rolled-back');
  assert.equal(record!.failure, 'health check failed after 3 attempts');
  assert.deepEqual(record!.phases.find((p) => p.phase === 'health'), { phase: 'health', startMs: 3000, durationMs: 5000, outcome: 'failed', message: 'health check failed after 3 attempts' });
  assert.equal(record!.downtimeMs, 9000);
});

test('a deploy given up before stop failed without downtime; a rollback command and an unfinished deploy are told apart', () => {
  const journal = [
    ...journalOf('d3', 'v3', '0.3', [[0, 'verify', 'started'], [1, 'build', 'started'], [1, 'verify', 'done'], [5, 'build', 'failed', 'buildout: no version pinned'], [5, 'aborted', 'done', 'dropped']]),
    ...journalOf('r1', 'v1', '0.1', [[20, 'rollback', 'started'], [20, 'stop', 'started'], [21, 'stop', 'done'], [21, 'start', 'started'], [22, 'start', 'done'], [23, 'rollback', 'done']]),
    ...journalOf('d4', 'v4', '0.4', [[30, 'verify', 'started'], [31, 'verify', 'done'], [31, 'build', 'started']]),
  ];
  const [aborted, rollback, unfinished] = deployRecords(journal, [{ time: at(0), sha256: 'c', bytes: 7 }, { time: at(25), sha256: 'd', bytes: 9 }]);
  assert.deepEqual([aborted!.outcome, aborted!.wentDown, aborted!.failure, aborted!.bytesReceived], ['failed', false, 'buildout: no version pinned', 7]);
  assert.deepEqual([rollback!.kind, rollback!.outcome, rollback!.downtimeMs, rollback!.bytesReceived], ['rollback', 'done', 3000, 0]);
  assert.deepEqual([unfinished!.outcome, unfinished!.phases.at(-1)!.outcome, unfinished!.bytesReceived], ['unfinished', 'unfinished', 9]);
});
