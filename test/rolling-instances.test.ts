/**
 * Several instances behind a real HAProxy (Debian's, started by the example's own start
 * command from its HAProxy part): deploys and rollbacks restart them one at a time, each
 * drained first, and a prober through HAProxy every 5 ms sees no failed request (issue 18).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { servedVersion } from './support/local-agent.ts';
import { instancesSite } from './support/instances-site.ts';
import { measureOutage } from './bench/timed-deploys.ts';

const changeWebEgg = (dir: string, note: string) => appendFileSync(join(dir, 'src/acme.web/acme/web/server.py'), `\n# ${note}\n`);

test('two instances behind HAProxy: a one-egg deploy and a rollback lose no request', async (t) => {
  const site = await instancesSite(t);
  const ctlIn = (args: string[]) => ctl([args[0]!, '-c', 'instances.cfg', ...args.slice(1)], { cwd: site.dir, env: site.env });

  const first = await ctlIn(['deploy']);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /full stop, not one instance at a time: no release is running/);
  assert.equal(await servedVersion(site.siteUrl), '1.0');

  changeWebEgg(site.dir, 'a change');
  const deploy = await measureOutage(site.siteUrl, () => ctlIn(['deploy']));
  assert.equal(deploy.result.code, 0, deploy.result.stderr + deploy.result.stdout);
  assert.match(deploy.result.stdout, /Restarting the instances one at a time\.\.\./);
  assert.match(deploy.result.stdout, /bin\/acme-ctl: now version 0\.2, healthy and serving/);
  assert.match(deploy.result.stdout, /bin\/acme-ctl2: now version 0\.2, healthy and serving/);
  assert.doesNotMatch(deploy.result.stdout, /Stopping remote services/, 'nothing stops everything');
  assert.ok(deploy.probes > 100, `the prober ran (${deploy.probes} probes)`);
  assert.equal(deploy.failed, 0, `${deploy.failed} of ${deploy.probes} requests through HAProxy failed during the deploy`);
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0.post1', `${url} runs the new release`);

  const rollback = await measureOutage(site.siteUrl, () => ctlIn(['rollback']));
  assert.equal(rollback.result.code, 0, rollback.result.stderr + rollback.result.stdout);
  assert.equal(rollback.failed, 0, `${rollback.failed} of ${rollback.probes} requests through HAProxy failed during the rollback`);
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0', `${url} runs the release rolled back to`);
  const status = JSON.parse((await ctlIn(['status', '--json'])).stdout);
  assert.equal(status.currentVersion, '0.1');
});

test('three instances: instance 2 fails its health check, the roll stops, instance 1 returns to the old release, no request lost', async (t) => {
  const site = await instancesSite(t, { instances: 3, healthTimeout: 3 });
  const ctlIn = (args: string[]) => ctl([args[0]!, '-c', 'instances.cfg', ...args.slice(1)], { cwd: site.dir, env: site.env });
  const first = await ctlIn(['deploy']);
  assert.equal(first.code, 0, first.stderr + first.stdout);

  // the new release's second instance cannot open its database: it dies at start
  const prod = join(site.dir, 'prod-instances.cfg');
  writeFileSync(prod, readFileSync(prod, 'utf8').replace('ACME_DB = ${buildout:directory}/var/acme.db\n    ACME_PIDFILE = ${buildout:directory}/var/acme2.pid', 'ACME_DB = /dev/null/acme.db\n    ACME_PIDFILE = ${buildout:directory}/var/acme2.pid'));
  changeWebEgg(site.dir, 'a change instance 2 never serves');
  const deploy = await measureOutage(site.siteUrl, () => ctlIn(['deploy']));
  assert.equal(deploy.result.code, 6, 'exit 6: deploy failed and rolled back; ' + deploy.result.stderr + deploy.result.stdout);
  assert.match(deploy.result.stdout, /bin\/acme-ctl: now version 0\.2, healthy and serving/);
  assert.match(deploy.result.stderr, /deploy of version 0\.2 failed: instance bin\/acme-ctl2 of version 0\.2 is not healthy after \d+ attempts: GET http:\/\/127\.0\.0\.1:\d+\/health/);
  assert.match(deploy.result.stderr, /rolled back to version 0\.1/);
  assert.match(deploy.result.stdout, /bin\/acme-ctl2: now version 0\.1, healthy and serving/);
  assert.match(deploy.result.stdout, /bin\/acme-ctl: now version 0\.1, healthy and serving/);
  assert.doesNotMatch(deploy.result.stdout, /bin\/acme-ctl3: now version/, 'instance 3 was never touched');
  assert.equal(deploy.failed, 0, `${deploy.failed} of ${deploy.probes} requests through HAProxy failed`);
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0', `${url} serves the old release`);
  const status = JSON.parse((await ctlIn(['status', '--json'])).stdout);
  assert.equal(status.currentVersion, '0.1');
  assert.deepEqual(status.releases.map((r: { version: string }) => r.version), ['0.1'], 'the failed release was dropped');
});
