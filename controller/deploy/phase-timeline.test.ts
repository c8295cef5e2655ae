import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PhaseTimeline } from './phase-timeline.ts';

function timelineOf(events: [number, string, string][]): PhaseTimeline {
  let clock = 0;
  const timeline = new PhaseTimeline(() => clock);
  for (const [at, phase, state] of events) {
    clock = at;
    timeline.record({ phase, state, message: '', version: '0.1' });
  }
  return timeline;
}

test('each phase gets its start and duration from its started and done events', () => {
  const timeline = timelineOf([
    [100, 'verify', 'started'], [110, 'verify', 'done'],
    [110, 'build', 'started'], [120, 'build', 'output'], [900, 'build', 'done'],
  ]);
  assert.deepEqual(timeline.phases(), [
    { phase: 'verify', startMs: 0, durationMs: 10, outcome: 'done' },
    { phase: 'build', startMs: 10, durationMs: 790, outcome: 'done' },
  ]);
});

test('downtime runs from stop to the passed health check', () => {
  const timeline = timelineOf([
    [0, 'stop', 'started'], [50, 'stop', 'done'], [50, 'switch', 'started'], [51, 'switch', 'done'],
    [51, 'start', 'started'], [300, 'start', 'done'], [300, 'health', 'started'], [420, 'health', 'done'],
  ]);
  assert.equal(timeline.downtimeMs(), 420);
});

test('without a health check the site is up once started; without a stop there was no downtime', () => {
  assert.equal(timelineOf([[0, 'stop', 'started'], [40, 'stop', 'done'], [40, 'start', 'started'], [200, 'start', 'done']]).downtimeMs(), 200);
  assert.equal(timelineOf([[0, 'verify', 'started'], [5, 'verify', 'done']]).downtimeMs(), undefined);
});

test('a failed phase is recorded as failed and a deploy that never came up has no downtime figure', () => {
  const timeline = timelineOf([[0, 'stop', 'started'], [10, 'stop', 'done'], [10, 'health', 'started'], [500, 'health', 'failed']]);
  assert.equal(timeline.phases()[1]!.outcome, 'failed');
  assert.equal(timeline.downtimeMs(), undefined);
});
