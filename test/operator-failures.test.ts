/**
 * What an operator runs into when something outside Hostout goes wrong (issue 9, items 5-8),
 * each with real processes: a real agent, real signals, a real full disk, a real busy port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT, ctl, runCommand } from './support/ctl.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';

const HANGING_STOP = 'sleep 987';

function setStop(siteDir: string, stop: string): void {
  const file = join(siteDir, 'buildout.cfg');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^stop = .*$/m, `stop = ${stop}`));
}

function changeWebEgg(siteDir: string, why: string): void {
  appendFileSync(join(siteDir, 'src/acme.web/acme/web/server.py'), `\n# ${why}\n`);
}

/** The operator's way of stopping the site by hand: the application's own control script. */
async function stopSiteByHand(agentPath: string): Promise<void> {
  const stopped = await runCommand('/bin/sh', ['-c', `cd ${agentPath}/current && bin/acme-ctl stop`]);
  assert.equal(stopped.code, 0, stopped.stderr);
}

async function hostStatus(agentPath: string) {
  const status = await runCommand(process.execPath, [AGENT, 'status', '--path', agentPath, '--json']);
  assert.equal(status.code, 0, status.stderr);
  return JSON.parse(status.stdout);
}

test('a stop command that hangs: killed at stop-timeout, the host unchanged; a fixed config deploys; --skip-stop for deploy and both rollbacks', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  setStop(site.dir, HANGING_STOP);
  appendFileSync(join(site.dir, 'buildout.cfg'), 'stop-timeout = 2\n');
  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.equal(await servedVersion(site.url), '1.0');

  changeWebEgg(site.dir, 'version 2');
  const hung = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(hung.code, 1, hung.stdout + hung.stderr);
  assert.match(hung.stdout, new RegExp(`Stopping remote services\\.\\.\\.FAILED`));
  assert.match(hung.stderr, /deploy of version 2 stopped before the switch: stopping version 1: stop command failed: `sleep 987` did not finish within 2 s and was killed \(with its process group\)/);
  assert.match(hung.stderr, /that stop command came from the config being deployed \(version 2, [^:]+: target options stop, service-names, stop-timeout\)/);
  assert.match(hung.stderr, /version 1 is still current; the staged release was dropped/);
  assert.match(hung.stderr, /hint: .*raise stop-timeout.*ctl deploy --skip-stop/);
  assert.equal(await servedVersion(site.url), '1.0', 'version 1 still serves');
  const afterHang = await hostStatus(agent.path);
  assert.equal(afterHang.currentNumber, 1);
  assert.equal(afterHang.lock, undefined, 'the lock is free again');
  assert.equal((await runCommand('pgrep', ['-f', `^${HANGING_STOP}$`])).code, 1, 'the hanging stop command was killed');

  // the operator stops the site by hand and deploys past the broken stop command
  await stopSiteByHand(agent.path);
  const skipped = await ctl(['deploy', '--skip-stop'], { cwd: site.dir, env });
  assert.equal(skipped.code, 0, skipped.stdout + skipped.stderr);
  assert.match(skipped.stdout, /not stopping version 1: --skip-stop \(the services were stopped by hand\)/);
  assert.match(skipped.stdout, /Deployment complete at version 2\n$/);
  assert.equal(await servedVersion(site.url), '1.0.post1');

  // version 2 runs with the hanging stop command; a fixed buildout.cfg deploys, since its own stop command runs
  setStop(site.dir, 'bin/acme-ctl stop');
  changeWebEgg(site.dir, 'version 3');
  const fixed = await ctl(['deploy', '-v'], { cwd: site.dir, env });
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.match(fixed.stdout, /\$ bin\/acme-ctl stop/, 'the stop command of the config being deployed ran');
  assert.match(fixed.stdout, /Deployment complete at version 3\n$/);
  assert.equal(await servedVersion(site.url), '1.0.post2');

  // roll back to version 2, then away from it: its own (hanging) stop command runs, and names where it came from
  assert.equal((await ctl(['rollback'], { cwd: site.dir, env })).code, 0);
  assert.equal(await servedVersion(site.url), '1.0.post1');
  const stuck = await ctl(['rollback', '--to', '3'], { cwd: site.dir, env });
  assert.equal(stuck.code, 1, stuck.stdout + stuck.stderr);
  assert.match(stuck.stderr, /stopping version 2: stop command failed: `sleep 987` did not finish within 2 s.*\n.*that stop command came from the manifest version 2 \([^)]+\) was deployed with/);
  assert.equal(await servedVersion(site.url), '1.0.post1', 'version 2 still serves');

  await stopSiteByHand(agent.path);
  const controllerRollback = await ctl(['rollback', '--to', '3', '--skip-stop'], { cwd: site.dir, env });
  assert.equal(controllerRollback.code, 0, controllerRollback.stdout + controllerRollback.stderr);
  assert.match(controllerRollback.stdout, /Rolled back to version 3/);
  assert.equal(await servedVersion(site.url), '1.0.post2');

  // on the host, without the controller: back to version 2, whose stop hangs, then forward past it by hand
  assert.equal((await runCommand(process.execPath, [AGENT, 'rollback', '--path', agent.path, '--to', '2'])).code, 0);
  await stopSiteByHand(agent.path);
  const hostRollback = await runCommand(process.execPath, [AGENT, 'rollback', '--path', agent.path, '--to', '3', '--skip-stop']);
  assert.equal(hostRollback.code, 0, hostRollback.stdout + hostRollback.stderr);
  assert.match(hostRollback.stdout, /not stopping version 2: --skip-stop/);
  assert.equal(await servedVersion(site.url), '1.0.post2');
});
