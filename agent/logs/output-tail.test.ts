import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputTail, pointToFullOutput } from './output-tail.ts';

test('a tail keeps the last lines and counts them all', () => {
  const tail = new OutputTail(3);
  for (let i = 1; i <= 10; i++) tail.push(`line ${i}`);
  assert.deepEqual(tail.lines, ['line 8', 'line 9', 'line 10']);
  assert.equal(tail.cutNote(), ' (last 3 of 10 lines)');
});

test('a tail that holds everything adds no note', () => {
  const tail = new OutputTail(30);
  tail.push('only');
  assert.equal(tail.cutNote(), '');
});

test('a cut tail in a message points to the whole output; an uncut one is left alone', () => {
  const command = 'ctl logs --tag 20261201-abc --phase build';
  assert.equal(
    pointToFullOutput('buildout failed (exit 1) (last 30 of 412 lines):\n    x', command),
    'buildout failed (exit 1) (last 30 of 412 lines; `ctl logs --tag 20261201-abc --phase build` shows all):\n    x',
  );
  assert.equal(pointToFullOutput('buildout failed (exit 1):\n    x', command), 'buildout failed (exit 1):\n    x');
});
