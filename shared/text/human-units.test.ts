import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration } from './human-units.ts';
import { plural } from './plural.ts';

test('sizes in binary units, one decimal below ten', () => {
  assert.deepEqual([0, 1, 1023, 1024, 1536, 20 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes), ['0 bytes', '1 byte', '1023 bytes', '1.0 KiB', '1.5 KiB', '20 MiB', '3.0 GiB']);
});

test('durations in ms, seconds, then minutes', () => {
  assert.deepEqual([340, 1250, 59_940, 125_000].map(formatDuration), ['340 ms', '1.3 s', '59.9 s', '2 min 5 s']);
});

test('a count with its noun in the right number', () => {
  assert.deepEqual([plural(1, 'file'), plural(0, 'file'), plural(2, 'egg'), plural(2, 'entry', 'entries')], ['1 file', '0 files', '2 eggs', '2 entries']);
});
