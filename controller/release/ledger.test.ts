import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeLedgerEntries, parseLedger, readLedger, renderLedger, writeLedger } from './ledger.ts';

const entry = (name: string, version: string, sourceHash = 'a'.repeat(64)) => ({
  name, version, sourceHash, eggSha256: 'b'.repeat(64), released: '2026-11-25T06:00:00Z',
});

test('the ledger round-trips and is sorted by package then PEP 440 order', () => {
  const entries = [entry('b.pkg', '1.0'), entry('a.pkg', '1.0.post10'), entry('a.pkg', '1.0.post9')];
  const text = renderLedger(entries);
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.deepEqual(lines.map((l) => l.split(' ').slice(0, 2).join(' ')), ['a.pkg 1.0.post9', 'a.pkg 1.0.post10', 'b.pkg 1.0']);
  assert.deepEqual(parseLedger(text, 'x').length, 3);
});

test('a damaged ledger line is reported with file and line', () => {
  assert.throws(() => parseLedger('# c\n<<<<<<< HEAD\n', 'ledger.txt'), (e: any) => e.where === 'ledger.txt:2');
});

test('a missing ledger is empty, a written one is read back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
  assert.deepEqual(readLedger(join(dir, 'none.txt')), []);
  writeLedger(join(dir, 'l.txt'), [entry('p', '1.0')]);
  assert.equal(readLedger(join(dir, 'l.txt'))[0]!.version, '1.0');
  writeFileSync(join(dir, 'bad.txt'), 'p 1.0 a b\n');
  assert.throws(() => readLedger(join(dir, 'bad.txt')), /5 fields/);
  assert.match(readFileSync(join(dir, 'l.txt'), 'utf8'), /Commit this file/);
});

test('merging refuses one version for two contents', () => {
  assert.equal(mergeLedgerEntries([entry('p', '1.0')], [entry('p', '1.0'), entry('p', '1.1')]).length, 2);
  assert.throws(() => mergeLedgerEntries([entry('p', '1.0')], [entry('p', '1.0', 'c'.repeat(64))]), /different source content/);
});
