/**
 * Hooks on the controller around a deploy (issue 19, item 6): before-deploy runs once the
 * release is known and can stop the deploy before anything is sent; after-deploy runs when
 * the deploy went live or failed, told which; neither runs when nothing changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';

test('before-deploy and after-deploy: what they see, a failing before-deploy stops the deploy, a failed deploy is reported to after-deploy', async (t) => {
  const { site, env } = await deployableSite(t);
  const config = join(site.dir, 'buildout.cfg');
  const log = join(site.dir, 'hooks.log');
  const original = readFileSync(config, 'utf8');
  const withHooks = (before: string, extra = '') => writeFileSync(config, `${original}before-deploy = ${before}\nafter-deploy = echo "after $HOSTOUT_OUTCOME $HOSTOUT_VERSION $HOSTOUT_ERROR" >> hooks.log\n${extra}`);
  const change = (note: string) => appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), `\n# ${note}\n`);

  withHooks('echo "before $HOSTOUT_TARGET $HOSTOUT_HOSTS $HOSTOUT_TAG [$HOSTOUT_RELEASED]" >> hooks.log && echo telling the team');
  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Running the before-deploy hook: echo .*\n  telling the team\nDeploying eggs to host/);
  assert.match(readFileSync(log, 'utf8'), /^before production 127\.0\.0\.1:\d+ \d{8}-[0-9a-f]{8} \[acme\.core 1\.0, acme\.recipe 1\.0, acme\.web 1\.0\]\nafter deployed 0\.1 \n$/);

  rmSync(log);
  const unchanged = await ctl(['deploy'], { cwd: site.dir, env });
  assert.match(unchanged.stdout, /Already at version 0\.1/);
  assert.equal(existsSync(log), false, 'no hook when nothing changed');

  change('stopped by the hook');
  withHooks('echo "the release branch is frozen" >&2; exit 3');
  const stopped = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(stopped.code, 1, stopped.stderr);
  assert.match(stopped.stdout, /  the release branch is frozen/);
  assert.match(stopped.stderr, /the before-deploy hook `echo .*; exit 3` exited with code 3/);
  assert.match(stopped.stderr, /nothing was sent or changed on the hosts/);
  assert.doesNotMatch(stopped.stdout, /Deploying eggs to host/);
  assert.equal(await servedVersion(site.url), '1.0');
  assert.equal(existsSync(log), false, 'after-deploy does not run for a deploy its before-deploy stopped');

  withHooks('true', 'health-command = false\n');
  const failed = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(failed.code, 6, failed.stderr);
  assert.match(readFileSync(log, "utf8"), /^after failed 0\.2 .*deploy of version 0\.2 failed: health check failed/);
});
