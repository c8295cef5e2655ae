/**
 * A failed deploy whose undo had problems says so: the release is current again, but may
 * not serve, and the message names what went wrong in the undo (issue 19, item 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { deployableSite } from './support/local-agent.ts';

test('a deploy rolled back to a release that then fails its own health check does not claim the host serves it', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  const config = join(site.dir, 'buildout.cfg');
  const marker = join(agent.path, '..', 'OLD-RELEASE-BROKEN');
  appendFileSync(config, `health-command = test ! -f ${marker}\n`);
  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr);

  writeFileSync(marker, 'the old release no longer passes its own health check');
  writeFileSync(config, readFileSync(config, 'utf8').replace(`health-command = test ! -f ${marker}\n`, 'health-command = false\nhealth-timeout = 2\n'));
  const failed = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(failed.code, 6, failed.stderr);
  assert.match(failed.stderr, /deploy of version 0\.2 failed: health check failed/);
  assert.match(failed.stderr, /rolled back to version 0\.1, with problems: checking the health of \S+/);
  assert.match(failed.stderr, /hint: version 0\.1 is current again, but it may not serve/);
  assert.doesNotMatch(failed.stderr, /the host serves the previous release/);

  // ctl status says how the last deploy ended, and that nothing keeps this hand-started agent running
  const status = await ctl(['status'], { cwd: site.dir, env });
  assert.match(status.stdout, /^Last +deploy of version 0\.2 failed and was rolled back: health check failed .* \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, by [0-9a-f]{16}, took \d+\.\d s\)$/m);
  assert.match(status.stdout, /^Service +none: this agent was started by hand \(hostout-agent serve\), not as a service/m);
  assert.equal(JSON.parse((await ctl(['status', '--json'], { cwd: site.dir, env })).stdout).lastDeploy.outcome, 'rolled-back');
});
