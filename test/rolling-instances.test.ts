/**
 * Several instances behind a real HAProxy (Debian's, started by the example's own start
 * command from its HAProxy part): deploys and rollbacks restart them one at a time, each
 * drained first, and a prober through HAProxy every 5 ms sees no failed request (issue 18).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { ctl } from './support/ctl.ts';
import { servedVersion } from './support/local-agent.ts';
import { instancesSite } from './support/instances-site.ts';
import { failedProbesText, measureOutage } from './bench/timed-deploys.ts';

const changeWebEgg = (dir: string, note: string) => appendFileSync(join(dir, 'src/acme.web/acme/web/server.py'), `\n# ${note}\n`);

test('two instances behind HAProxy: a one-egg deploy and a rollback lose no request', async (t) => {
  const site = await instancesSite(t);
  const ctlIn = (args: string[]) => ctl([args[0]!, '-c', 'instances.cfg', ...args.slice(1)], { cwd: site.dir, env: site.env });

  const first = await ctlIn(['deploy']);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /full stop, not one instance at a time: no release is running/);
  assert.equal(await servedVersion(site.siteUrl), '1.0');

  changeWebEgg(site.dir, 'a change');
  const dryRun = await ctlIn(['deploy', '--dry-run']);
  assert.equal(dryRun.code, 0, dryRun.stderr);
  assert.match(dryRun.stdout, /as version 0\.2, restarting the instances of version 0\.1 one at a time\.\nPhases: verify → stage → build → backup → roll → switch → health → commit → prune/);
  const deploy = await measureOutage(site.siteUrl, () => ctlIn(['deploy']));
  assert.equal(deploy.result.code, 0, deploy.result.stderr + deploy.result.stdout);
  assert.match(deploy.result.stdout, /Restarting the instances one at a time\.\.\./);
  assert.match(deploy.result.stdout, /bin\/acme-ctl: now version 0\.2, healthy and serving/);
  assert.match(deploy.result.stdout, /bin\/acme-ctl2: now version 0\.2, healthy and serving/);
  assert.doesNotMatch(deploy.result.stdout, /Stopping remote services/, 'nothing stops everything');
  assert.ok(deploy.probes > 100, `the prober ran (${deploy.probes} probes)`);
  assert.equal(deploy.failed, 0, `through HAProxy during the deploy, ${failedProbesText(deploy)}`);
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0.post1', `${url} runs the new release`);

  // ctl restart rolls the instances in place, drained: no request lost either
  const restart = await measureOutage(site.siteUrl, () => ctlIn(['restart']));
  assert.equal(restart.result.code, 0, restart.result.stderr + restart.result.stdout);
  assert.match(restart.result.stdout, /bin\/acme-ctl2: now version 0\.2, healthy and serving/);
  assert.equal(restart.failed, 0, `through HAProxy during the restart, ${failedProbesText(restart)}`);

  const rollback = await measureOutage(site.siteUrl, () => ctlIn(['rollback']));
  assert.equal(rollback.result.code, 0, rollback.result.stderr + rollback.result.stdout);
  assert.equal(rollback.failed, 0, `through HAProxy during the rollback, ${failedProbesText(rollback)}`);
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0', `${url} runs the release rolled back to`);
  const status = JSON.parse((await ctlIn(['status', '--json'])).stdout);
  assert.equal(status.currentVersion, '0.1');

  // a rollback whose second instance cannot start in the older release: the first comes back, the host stays on one release
  assert.equal((await ctlIn(['deploy'])).code, 0);
  const older = status.releases.find((r: { version: string }) => r.version === '0.1').tag;
  writeFileSync(join(site.agent.path, 'releases', older, 'bin/acme-ctl2'), '#!/bin/sh\necho "acme-ctl2: $1 refused: its library is gone" >&2\nexit 1\n');
  const failed = await measureOutage(site.siteUrl, () => ctlIn(['rollback']));
  assert.notEqual(failed.result.code, 0);
  assert.match(failed.result.stderr, /rollback to version 0\.1 failed: starting instance bin\/acme-ctl2 failed: .*exited with code 1/);
  assert.match(failed.result.stderr, /acme-ctl2: start refused: its library is gone/);
  assert.match(failed.result.stderr, /the instances that had moved went back: version 0\.2 stays live/);
  assert.equal(failed.failed, 0, `through HAProxy during the failed rollback, ${failedProbesText(failed)}`);
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0.post1', `${url} is back on version 0.2`);
  assert.equal(JSON.parse((await ctlIn(['status', '--json'])).stdout).currentVersion, '0.2');
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
  assert.equal(deploy.failed, 0, `through HAProxy, ${failedProbesText(deploy)}`);
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0', `${url} serves the old release`);
  const status = JSON.parse((await ctlIn(['status', '--json'])).stdout);
  assert.equal(status.currentVersion, '0.1');
  assert.deepEqual(status.releases.map((r: { version: string }) => r.version), ['0.1'], 'the failed release was dropped');
});

test('bad input: a config mistake, a socket that is not HAProxy, a server HAProxy does not know, a script buildout did not make; and no balancer', async (t) => {
  const site = await instancesSite(t);
  const ctlIn = (args: string[]) => ctl([args[0]!, '-c', 'instances.cfg', ...args.slice(1)], { cwd: site.dir, env: site.env });
  const config = join(site.dir, 'instances.cfg');
  const original = readFileSync(config, 'utf8');
  const withConfig = (change: (text: string) => string) => writeFileSync(config, change(original));
  const first = await ctlIn(['deploy']);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  const check = await ctlIn(['check']);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /balancer\s+ok\s+HAProxy backend acme: app1 UP, app2 UP/);

  withConfig((text) => text.replace('${settings:port2}/health  app2', '${settings:port}/health  app2'));
  const sameUrl = await ctlIn(['deploy']);
  assert.equal(sameUrl.code, 3, 'exit 3: a config error; ' + sameUrl.stderr);
  assert.match(sameUrl.stderr, /instances: bin\/acme-ctl and bin\/acme-ctl2 have one health URL/);
  assert.match(sameUrl.stderr, /instances\.cfg:\d+/);

  // something else listens on the socket
  const other = join(site.agent.path, 'shared/var/other.sock');
  const server = createServer((socket) => socket.end('220 smtp.example ESMTP\n'));
  await new Promise<void>((resolve) => server.listen(other, resolve));
  t.after(() => server.close());
  withConfig((text) => text.replace('balancer = haproxy var/haproxy.sock acme', 'balancer = haproxy var/other.sock acme'));
  changeWebEgg(site.dir, 'never deployed');
  const checkOther = await ctlIn(['check']);
  assert.notEqual(checkOther.code, 0);
  assert.match(checkOther.stdout, /balancer\s+FAIL\s+.*var\/other\.sock is not HAProxy's runtime API/);
  const notHaproxy = await ctlIn(['deploy']);
  assert.notEqual(notHaproxy.code, 0);
  assert.match(notHaproxy.stderr, /var\/other\.sock is not HAProxy's runtime API: to "show stat" it answered "220 smtp\.example ESMTP/);
  assert.match(notHaproxy.stdout, /Verifying release on host\.\.\.FAILED/, 'refused before the build');
  assert.equal(await servedVersion(site.siteUrl), '1.0');

  withConfig((text) => text.replace('${settings:port2}/health  app2', '${settings:port2}/health  client2'));
  const checkUnknown = await ctlIn(['check']);
  assert.match(checkUnknown.stdout, /balancer\s+FAIL\s+HAProxy's backend "acme" has no server "client2" \(instance bin\/acme-ctl2\)/);
  assert.match(checkUnknown.stdout, /its servers: app1, app2/);
  const unknownServer = await ctlIn(['deploy']);
  assert.notEqual(unknownServer.code, 0);
  assert.match(unknownServer.stderr, /HAProxy's backend "acme" has no server "client2" \(instance bin\/acme-ctl2\)/);
  assert.match(unknownServer.stderr, /its servers: app1, app2/);
  assert.equal(await servedVersion(site.siteUrl), '1.0');

  withConfig((text) => text.replace('bin/acme-ctl2  http', 'bin/instance2  http'));
  const noScript = await ctlIn(['deploy']);
  assert.notEqual(noScript.code, 0);
  assert.match(noScript.stderr, /instance bin\/instance2 is not in release \S+: buildout made no bin\/instance2/);
  assert.match(noScript.stdout, /Running remote buildout\.\.\.FAILED/, 'refused after the build, before anything stopped');
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0');

  withConfig((text) => text.replace('balancer = haproxy var/haproxy.sock acme\n', ''));
  const undrained = await ctlIn(['deploy']);
  assert.equal(undrained.code, 0, undrained.stderr + undrained.stdout);
  assert.match(undrained.stdout, /no balancer set: nothing drains the instances/);
  assert.match(undrained.stdout, /bin\/acme-ctl2: now version 0\.\d+, healthy and serving/);
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0.post1');
});

test('an agent killed half-way through a roll puts the instance it moved back on restart: one release, no request lost', async (t) => {
  const site = await instancesSite(t);
  const ctlIn = (args: string[]) => ctl([args[0]!, '-c', 'instances.cfg', ...args.slice(1)], { cwd: site.dir, env: site.env });
  assert.equal((await ctlIn(['deploy'])).code, 0);
  await site.agent.kill('SIGKILL');
  await site.agent.start({ HOSTOUT_PAUSE_IN_PHASE: 'roll-instance:30000' });
  changeWebEgg(site.dir, 'killed half-way');

  const journal = join(site.agent.path, 'agent/journal');
  const firstMoved = async () => {
    for (let i = 0; i < 600; i++) {
      if (readFileSync(journal, 'utf8').split('\n').filter(Boolean).some((line) => /"phase":"roll","state":"done",.*"instance":"bin\/acme-ctl"/.test(line))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the first instance never moved');
  };
  const crash = await measureOutage(site.siteUrl, async () => {
    const deploy = ctlIn(['deploy']);
    await firstMoved();
    assert.equal(await servedVersion(site.instanceUrls[0]!), '1.0.post1', 'instance 1 runs the new release when the agent dies');
    assert.equal(await servedVersion(site.instanceUrls[1]!), '1.0', 'instance 2 still the old one');
    await site.agent.kill('SIGKILL');
    await deploy;
    const mark = site.agent.log().length;
    await site.agent.start({});
    assert.match(site.agent.log().slice(mark), /rolled back the deploy of \S+, interrupted during roll/);
  });
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0', `${url} is back on the old release`);
  // on a failure, the agent's journal beside it says which step of the roll it fell in
  const journalLines = () => readFileSync(journal, 'utf8').trim().split('\n').slice(-40).join('\n');
  assert.equal(crash.failed, 0, `through HAProxy, ${failedProbesText(crash)}; the agent's journal:\n${crash.failed ? `${journalLines()}\nits log:\n${site.agent.log().slice(-8000)}` : ''}`);
  const status = JSON.parse((await ctlIn(['status', '--json'])).stdout);
  assert.equal(status.currentVersion, '0.1');
  const again = await ctlIn(['deploy']);
  assert.equal(again.code, 0, again.stderr + again.stdout);
  for (const url of site.instanceUrls) assert.equal(await servedVersion(url), '1.0.post1');
});
