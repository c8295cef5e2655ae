/**
 * `ctl stop | start | restart` (issue 19, item 6): the live release's services without a
 * deploy, through the real agent and the example app; audited; refused with nothing live.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';

test('stop, start and restart the live release without a deploy', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  const pid = () => readFileSync(join(agent.path, 'shared/var/acme.pid'), 'utf8').trim();
  const nothing = await ctl(['restart'], { cwd: site.dir, env });
  assert.notEqual(nothing.code, 0);
  assert.match(nothing.stderr, /no release is live on this host: nothing to restart/);
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);

  const stopped = await ctl(['stop'], { cwd: site.dir, env });
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, /Stopping remote services\.\.\.done \(stopped\)\nStopped version 0\.1\n$/);
  assert.match(await servedVersion(site.url), /^down/);

  const started = await ctl(['start'], { cwd: site.dir, env });
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /Starting remote services\.\.\.done \(started\)\nChecking health\.\.\.done \(healthy after \d+ attempts?\)\nStarted version 0\.1\n$/);
  assert.equal(await servedVersion(site.url), '1.0');

  const before = pid();
  const restarted = await ctl(['restart', '--json'], { cwd: site.dir, env });
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.deepEqual(JSON.parse(restarted.stdout), { action: 'restart', hosts: [{ host: '127.0.0.1', ok: true, version: '0.1' }] });
  assert.notEqual(pid(), before, 'a new process serves');
  assert.equal(await servedVersion(site.url), '1.0');
  assert.match((await ctl(['history'], { cwd: site.dir, env })).stdout, /ok +Services +\S+ +restart of version 0\.1/);
});
