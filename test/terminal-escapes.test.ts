/**
 * Other people's words reach the terminal shown, not obeyed (issue 20, item 3): a lock message
 * and an exec command line carrying CR and escape sequences are printed with the controls
 * visible by ctl status, ctl deploy (refused), ctl lock, ctl history and ctl check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctl } from './support/ctl.ts';
import { deployableSite } from './support/local-agent.ts';

const FORGED = 'work\r\x1b[2K\x1b[1ADeployment complete at version 9.9';
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/;

test('a lock message and a command line with CR and escape sequences cannot forge a line', async (t) => {
  const { site, env } = await deployableSite(t);
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);
  assert.equal((await ctl(['exec', '--', 'echo', `x\r\x1b[2KForged history line`], { cwd: site.dir, env })).code, 0);
  const locked = await ctl(['lock', '-m', FORGED], { cwd: site.dir, env });
  assert.equal(locked.code, 0, locked.stderr);
  const shown = 'work\\r^[[2K^[[1ADeployment complete at version 9.9';

  for (const args of [['status'], ['deploy', '--force'], ['history'], ['check'], ['deploy', '--dry-run', '--force']]) {
    const run = await ctl(args, { cwd: site.dir, env });
    const said = run.stdout + run.stderr;
    assert.doesNotMatch(said, RAW_CONTROL, `ctl ${args.join(' ')} prints no raw control character`);
    if (args[0] !== 'history') assert.ok(said.includes(shown), `ctl ${args.join(' ')} shows the message with its controls visible:\n${said}`);
  }
  const history = (await ctl(['history'], { cwd: site.dir, env })).stdout;
  assert.ok(history.includes("echo 'x\\r^[[2KForged history line'"), history);
  assert.equal((await ctl(['unlock'], { cwd: site.dir, env })).code, 0);
});
