/**
 * An agent killed with SIGKILL in any phase of a deploy: on restart it reads
 * its journal and finishes the rollback, and the previous release serves.
 * HOSTOUT_PAUSE_IN_PHASE holds the deploy inside the phase long enough to kill it there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { AGENT, CTL, ctl, runCommand } from './support/ctl.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';

const PHASES_BEFORE_COMMIT = ['verify', 'stage', 'build', 'prebackup', 'stop', 'backup', 'switch', 'migrate', 'start', 'health'];

async function waitForJournal(agentPath: string, phase: string, deploysBefore: number): Promise<void> {
  const journal = join(agentPath, 'agent/journal');
  for (let i = 0; i < 600; i++) {
    const lines = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
    const deployIds = [...new Set(lines.map((l) => l.deployId))];
    if (deployIds.length > deploysBefore && lines.some((l) => l.deployId === deployIds.at(-1) && l.phase === phase && l.state === 'started')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the deploy never reached ${phase}`);
}

function countDeploys(agentPath: string): number {
  const journal = join(agentPath, 'agent/journal');
  if (!existsSync(journal)) return 0;
  return new Set(readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).deployId)).size;
}

test('an agent killed in any phase of a deploy recovers on restart, and the previous release serves', async (t) => {
  const { agent, site, env: pairedEnv } = await deployableSite(t);
  const env = { ...process.env, ...pairedEnv };
  appendFileSync(join(site.dir, 'buildout.cfg'), 'migrate = true\n'); // so deploys have a migrate phase to be killed in
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);
  assert.equal(await servedVersion(site.url), '1.0');

  for (const phase of PHASES_BEFORE_COMMIT) {
    await agent.kill('SIGKILL');
    await agent.start({ HOSTOUT_PAUSE_IN_PHASE: `${phase}:20000` });
    appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), `\n# change before killing in ${phase}\n`);
    const before = countDeploys(agent.path);
    const deploy = spawn(process.execPath, [CTL, 'deploy'], { cwd: site.dir, env, stdio: 'ignore' });
    const deployDone = new Promise((r) => deploy.once('exit', r));
    await waitForJournal(agent.path, phase, before);
    await agent.kill('SIGKILL');
    await deployDone;

    const mark = agent.log().length;
    await agent.start({});
    assert.match(agent.log().slice(mark), /recovered|dropped the deploy|rolled back the deploy/i, `${phase}: the restarted agent reports what it recovered`);
    assert.equal(await servedVersion(site.url), '1.0', `${phase}: version 0.1 serves after the restart`);
    const status = await runCommand(process.execPath, [AGENT, 'status', '--path', agent.path, '--json']);
    const parsed = JSON.parse(status.stdout);
    assert.equal(parsed.currentVersion, '0.1', `${phase}: current is version 0.1`);
    assert.equal(parsed.lock, undefined, `${phase}: the lock is free`);
    assert.equal(parsed.releases.filter((r: { built: boolean }) => !r.built).length, 0, `${phase}: no half-built release is left`);
  }

  // and the host still deploys normally afterwards. Each killed deploy kept the version it was
  // given (0.2 … 0.11, one per phase); this is the release last killed in health, so it gets 0.11 back.
  const after = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(after.code, 0, after.stdout + after.stderr);
  assert.match(after.stdout, /Deployment complete at version 0\.11\n$/);
  assert.deepEqual(readdirSync(join(agent.path, 'backups')).filter((name) => name.includes('.')), [], 'the backups the kills interrupted are gone');
});

test('SIGTERM during a deploy lets the deploy finish, then the agent exits', async (t) => {
  const { agent, site, env: pairedEnv } = await deployableSite(t, { env: { HOSTOUT_PAUSE_IN_PHASE: 'build:1500' } });
  const env = { ...process.env, ...pairedEnv };
  const deploy = ctl(['deploy'], { cwd: site.dir, env });
  await waitForJournal(agent.path, 'build', 0);
  const exited = new Promise<number | null>((r) => agent.process().once('exit', (code) => r(code)));
  agent.process().kill('SIGTERM');
  const result = await deploy;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /Deployment complete at version 0\.1/);
  assert.equal(await exited, 0);
  assert.equal(await servedVersion(site.url), '1.0');
});

test('one deploy at a time: a second is told who holds the lock; a controller that vanishes does not stop the first', async (t) => {
  // the first deploy waits 15 s in build: time for another laptop's run to release and reach the agent
  const { agent, site, env: pairedEnv } = await deployableSite(t, { env: { HOSTOUT_PAUSE_IN_PHASE: 'build:15000' } });
  const env = { ...process.env, ...pairedEnv };
  const first = spawn(process.execPath, [CTL, 'deploy'], { cwd: site.dir, env, stdio: 'ignore' });
  const firstExited = new Promise((r) => first.once('exit', r));
  await waitForJournal(agent.path, 'build', 0);

  // another laptop's checkout: two runs in one checkout wait for each other before reaching the agent (.hostout/lock)
  const otherLaptop = mkdtempSync(join(tmpdir(), 'hostout-other-laptop-'));
  t.after(() => rmSync(otherLaptop, { recursive: true, force: true }));
  // with its built eggs, so that it reaches the agent while the first deploy still builds; not with the first run's lock
  cpSync(site.dir, otherLaptop, { recursive: true, filter: (src) => !src.endsWith('/.hostout/lock') });
  const second = await ctl(['deploy'], { cwd: otherLaptop, env });
  assert.notEqual(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stderr, /locked by [0-9a-f]{16} since \d{4}-\d\d-\d\dT[\d:.]+Z \(\d{8}-[0-9a-f]{8}\)/);

  first.kill('SIGKILL'); // the laptop closes its lid mid-deploy
  await firstExited;
  for (let i = 0; i < 900 && (await servedVersion(site.url)) !== '1.0'; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await servedVersion(site.url), '1.0', 'the agent finished the deploy on its own');
  const status = JSON.parse((await ctl(['status', '--json'], { cwd: site.dir, env })).stdout);
  assert.equal(status.currentVersion, '0.1');
  assert.ok(!status.lock, 'the lock was released');
});
