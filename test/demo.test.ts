/**
 * The README's first command, `npm run demo` (example/demo.sh), end to end as a user runs it
 * with its output piped: it exits 0, deploys, deploys a change, rolls back, and prints plain
 * text (no escape codes when the output is not a terminal).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { REPO_ROOT, runCommand } from './support/ctl.ts';

test('npm run demo: the main job on the embedded example, piped output in plain text', async () => {
  const demo = await runCommand('bash', [`${REPO_ROOT}example/demo.sh`], { timeoutMs: 300_000 });
  const work = /everything is in (\/tmp\/hostout-demo-\w+)/.exec(demo.stdout)?.[1];
  if (work) rmSync(work, { recursive: true, force: true });
  assert.equal(demo.code, 0, demo.stdout + demo.stderr);
  assert.doesNotMatch(demo.stdout, /\x1b\[/, 'no escape codes in piped output');
  assert.match(demo.stdout, /Deployment complete at version 0\.1\n/);
  assert.match(demo.stdout, /Deployment complete at version 0\.2\n/);
  assert.match(demo.stdout, /Already at version 0\.2\n/);
  assert.match(demo.stdout, /Rolled back to version 0\.1\n/);
});
