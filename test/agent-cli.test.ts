/**
 * hostout-agent's host-side commands, run as a user would on a host: a wrong
 * --path gets one clear message and exit 1, never a stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT, runCommand } from './support/ctl.ts';

test('status and rollback on a path with no agent state say so, and change nothing', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'hostout-no-state-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  for (const command of ['status', 'rollback']) {
    const missing = await runCommand(process.execPath, [AGENT, command, '--path', join(empty, 'missing')]);
    assert.equal(missing.code, 1, `${command}: ${missing.stderr}`);
    assert.match(missing.stderr, /^error: .*missing: no agent state at .*missing: the directory does not exist\n  hint: .*hostout-agent init --path DIR/);

    const bare = await runCommand(process.execPath, [AGENT, command, '--path', empty]);
    assert.equal(bare.code, 1, `${command}: ${bare.stderr}`);
    assert.match(bare.stderr, /^error: .*agent\.json: no agent state at /);
    assert.doesNotMatch(missing.stderr + bare.stderr, /internal error|    at /);
  }
  assert.deepEqual(readdirSync(empty), [], 'nothing was created');
});
