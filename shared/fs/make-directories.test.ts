import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDirectories } from './make-directories.ts';

test('creates every missing level and returns the first one; an existing directory is left alone', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hostout-mkdirs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.equal(makeDirectories(join(root, 'a/b/c'), 0o750), join(root, 'a'));
  assert.ok(statSync(join(root, 'a/b/c')).isDirectory());
  assert.equal(makeDirectories(join(root, 'a/b')), undefined);
});

test('a regular file on the way is ENOTDIR naming the path asked for', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hostout-mkdirs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'file'), '');
  assert.throws(() => makeDirectories(join(root, 'file/x/y')), { code: 'ENOTDIR', path: join(root, 'file/x/y') });
});

test('a directory that cannot be made under /proc fails at once (mkdirSync recursive spins for ever there)', () => {
  assert.throws(() => makeDirectories('/proc/hostout-no-such/x'), { code: 'ENOENT', syscall: 'mkdir', path: '/proc/hostout-no-such' });
});
