/**
 * bin/ctl.js starts the controller from an esbuild bundle of the sources, made
 * again whenever a source file changes: a stale bundle would run old code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { CTL, ctl, REPO_ROOT, runCommand } from './support/ctl.ts';

const BUNDLE_PARENT = join(REPO_ROOT, 'controller');
const bundles = () => new Set(readdirSync(BUNDLE_PARENT).filter((name) => name.startsWith('.bundle-')));

test('a changed source file gives a new bundle; bundles a day old are removed', async (t) => {
  const source = join(REPO_ROOT, 'controller', 'cli', 'main.ts');
  const { atime, mtime } = statSync(source);
  t.after(() => utimesSync(source, atime, mtime));

  const help = await ctl(['--help']);
  assert.equal(help.code, 0, help.stderr);
  const before = bundles();
  assert.ok(before.size > 0, 'ctl made a bundle');

  // The bundle the unchanged sources use, aged two days: removed at the next rebuild.
  const current = [...before].find((name) => existsSync(join(BUNDLE_PARENT, name, 'main.js')))!;
  const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
  utimesSync(join(BUNDLE_PARENT, current), twoDaysAgo, twoDaysAgo);

  utimesSync(source, atime, new Date(mtime.getTime() + 10_000));
  const again = await ctl(['--help']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, help.stdout);
  const made = [...bundles()].filter((name) => !before.has(name));
  assert.equal(made.length, 1, 'one new bundle for the changed sources');
  assert.ok(!bundles().has(current), 'the day-old bundle is gone');
});

test('a checkout ctl cannot write to runs the sources through tsx instead', async (t) => {
  const source = join(REPO_ROOT, 'controller', 'cli', 'main.ts');
  const { atime, mtime } = statSync(source);
  t.after(() => utimesSync(source, atime, mtime));
  const expected = await ctl(['--help']);

  utimesSync(source, atime, new Date(mtime.getTime() + 20_000)); // no bundle for these sources yet
  const before = bundles();
  const asNobody = await runCommand('runuser', ['-u', 'nobody', '--', process.execPath, CTL, '--help'], { env: { HOME: '/nonexistent' } });
  assert.equal(asNobody.code, 0, asNobody.stderr);
  assert.equal(asNobody.stdout, expected.stdout);
  assert.deepEqual(bundles(), before, 'nobody could not, and did not, write a bundle');
});
