/**
 * `ctl check` against real agents: all ok on a freshly paired host, and each
 * failure made for real, one line each with its exit code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT, ctl, runCommand, type CommandResult } from './support/ctl.ts';
import { deployableSite, exampleBuildoutFor, startLocalAgent } from './support/local-agent.ts';
import { copyExampleBuildout, removeDir } from './support/example-buildout.ts';
import { waitFor } from './support/processes.ts';

interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  message: string;
  hint?: string;
}

async function check(dir: string, env: NodeJS.ProcessEnv): Promise<{ code: number; checks: Record<string, Check>; ok: boolean }> {
  const result: CommandResult = await ctl(['check', '--json'], { cwd: dir, env });
  assert.equal(result.stderr, '', 'under --json nothing goes to stderr');
  const report = JSON.parse(result.stdout);
  return { code: result.code, ok: report.ok, checks: Object.fromEntries(report.checks.map((c: Check) => [c.name, c])) };
}

function statuses(checks: Record<string, Check>): Record<string, string> {
  return Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, c.status]));
}

test('a freshly paired host passes every check; a wrong fingerprint, a stranger\'s key, a python without buildout and a stopped agent each fail their line', async (t) => {
  const { agent, site, env } = await deployableSite(t);

  const fine = await check(site.dir, env);
  assert.deepEqual(statuses(fine.checks), { config: 'ok', agent: 'ok', fingerprint: 'ok', key: 'ok', python: 'ok', buildout: 'ok', disk: 'ok', lock: 'ok', path: 'ok', clock: 'ok', balancer: 'ok' });
  assert.deepEqual([fine.code, fine.ok], [0, true]);
  assert.match(fine.checks.python!.message, /Python 3\.11\.\d+ \(linux-x86_64, cp311\): fits all 4 eggs/);
  assert.match(fine.checks.disk!.message, /free in .*; needs about .* \(4 × .* to send/);
  const text = await ctl(['check'], { cwd: site.dir, env });
  assert.equal(text.code, 0, text.stdout + text.stderr);
  assert.equal(text.stdout.trim().split('\n').length, 11, 'one line per check');
  assert.ok(text.stdout.trim().split('\n').every((line) => / ok {4}/.test(line)), text.stdout);

  // another identity pinned: the agent answers, but it is not the one we trust
  const buildout = join(site.dir, 'buildout.cfg');
  const pinned = readFileSync(buildout, 'utf8');
  writeFileSync(buildout, pinned.replace(agent.fingerprint, `sha256:${'ab'.repeat(32)}`));
  const wrongPin = await check(site.dir, env);
  assert.equal(wrongPin.code, 4);
  assert.deepEqual([wrongPin.checks.agent!.status, wrongPin.checks.fingerprint!.status, wrongPin.checks.key!.status], ['ok', 'fail', 'skip']);
  assert.match(wrongPin.checks.fingerprint!.message, /fingerprint mismatch/);
  writeFileSync(buildout, pinned);

  // a controller key the agent never authorized
  const stranger = await check(site.dir, { HOSTOUT_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'hostout-stranger-')) });
  assert.equal(stranger.code, 4);
  assert.deepEqual([stranger.checks.fingerprint!.status, stranger.checks.key!.status, stranger.checks.python!.status], ['ok', 'fail', 'skip']);
  assert.match(stranger.checks.key!.message, /is not authorized/);

  // the agent's python cannot import zc.buildout: a venv without the system's packages
  const venv = join(agent.path, '..', 'venv-without-buildout');
  const made = await runCommand('/usr/bin/python3', ['-m', 'venv', '--without-pip', venv]);
  assert.equal(made.code, 0, made.stderr);
  await agent.kill('SIGTERM');
  const reinit = await runCommand(process.execPath, [AGENT, 'init', '--path', agent.path, '--python', join(venv, 'bin', 'python')]);
  assert.equal(reinit.code, 0, reinit.stderr);
  await agent.start();
  const noBuildout = await check(site.dir, env);
  assert.equal(noBuildout.code, 1);
  assert.deepEqual([noBuildout.checks.python!.status, noBuildout.checks.buildout!.status], ['ok', 'fail']);
  assert.match(noBuildout.checks.buildout!.message, /venv-without-buildout\/bin\/python cannot import zc\.buildout \(ModuleNotFoundError/);
  assert.match(noBuildout.checks.buildout!.hint!, /--python/);

  // nobody answers
  await agent.kill('SIGKILL');
  const down = await check(site.dir, env);
  assert.equal(down.code, 4);
  assert.deepEqual([down.checks.config!.status, down.checks.agent!.status, down.checks.fingerprint!.status], ['ok', 'fail', 'skip']);
  assert.match(down.checks.agent!.message, /no agent answers at 127\.0\.0\.1:\d+/);
  assert.match(down.checks.agent!.hint!, /is hostout-agent running there/);
});

test('a config error is reported first and alone: the host is not asked', async () => {
  const dir = copyExampleBuildout();
  try {
    appendFileSync(join(dir, 'buildout.cfg'), 'agent-prot = 7611\n');
    const result = await check(dir, { HOSTOUT_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'hostout-config-')) });
    assert.equal(result.code, 3);
    assert.equal(result.checks.config!.status, 'fail');
    assert.match(result.checks.config!.message, /agent-prot/);
    assert.match(result.checks.config!.hint!, /agent-port/, 'the nearest known option is suggested');
    assert.ok(Object.values(result.checks).filter((c) => c.name !== 'config').every((c) => c.status === 'skip'));
    const text = await ctl(['check'], { cwd: dir, env: { HOSTOUT_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'hostout-config-')) } });
    assert.equal(text.code, 3);
    assert.match(text.stdout, /^config +FAIL .*unknown option 'agent-prot'\n +hint: did you mean 'agent-port'\?\nNot checked, since an earlier check failed: agent, fingerprint, key, python, buildout, disk, lock, path, clock, balancer\n$/);
  } finally {
    removeDir(dir);
  }
});

test('a held deploy lock fails the lock check with exit code 5', async (t) => {
  const { site, env } = await deployableSite(t);
  const gate = join(site.dir, 'migrate-may-finish');
  appendFileSync(join(site.dir, 'buildout.cfg'), `migrate = while [ ! -e ${gate} ]; do sleep 0.1; done\n`);
  const deploying = ctl(['deploy'], { cwd: site.dir, env });
  try {
    await waitFor('the deploy to hold the lock', async () => JSON.parse((await ctl(['status', '--json'], { cwd: site.dir, env })).stdout || '{}').lock?.holder !== undefined, 240_000);
    const locked = await check(site.dir, env);
    assert.equal(locked.code, 5);
    assert.equal(locked.checks.lock!.status, 'fail');
    assert.match(locked.checks.lock!.message, /held by [0-9a-f]{16} since .*: a deploy now would be refused/);
    assert.equal(locked.checks.key!.status, 'ok');
  } finally {
    writeFileSync(gate, '');
  }
  assert.equal((await deploying).code, 0);
});

test('too little free disk in the agent\'s path fails the disk check', async (t) => {
  let mountPoint = '';
  const agent = await startLocalAgent({
    beforeInit: async (path) => {
      mkdirSync(path, { recursive: true });
      const mounted = await runCommand('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', path]);
      assert.equal(mounted.code, 0, mounted.stderr);
      mountPoint = path;
    },
  });
  const site = await exampleBuildoutFor(agent);
  t.after(async () => {
    await agent.kill('SIGKILL');
    if (mountPoint) await runCommand('umount', [mountPoint]);
    removeDir(join(agent.path, '..'));
    removeDir(site.dir);
  });
  // fill the tmpfs to 16 KiB short of full: room for the agent's own small writes, less than a first release needs
  const { bavail, bsize } = statfsSync(agent.path);
  writeFileSync(join(agent.path, 'filler'), Buffer.alloc(Number(bavail) * Number(bsize) - 16 * 1024));
  const full = await check(site.dir, { HOSTOUT_CONFIG_DIR: agent.configDir });
  assert.equal(full.code, 1);
  assert.equal(full.checks.disk!.status, 'fail');
  // the agent writes a little (nonces) after the filler: some KiB are left, fewer than needed
  assert.match(full.checks.disk!.message, /^[\d.]+ KiB free in .*; needs about [\d.]+ KiB \(4 × /);
  assert.match(full.checks.disk!.hint!, /free at least/);
  assert.equal(full.checks.lock!.status, 'ok', 'the other checks still ran');
});

// libfaketime shifts the agent's clock alone (Debian's faketime package; timers keep the real monotonic clock)
const shiftedClock = (offset: string) => ({
  LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  FAKETIME: offset,
  FAKETIME_DONT_FAKE_MONOTONIC: '1',
});

test('clock skew: a warning well inside the signing window, a failure once the agent refuses the time', async (t) => {
  const { agent, site, env } = await deployableSite(t, { env: shiftedClock('+90s') });
  const skewed = await check(site.dir, env);
  assert.equal(skewed.checks.clock!.status, 'warn', skewed.checks.clock!.message);
  assert.match(skewed.checks.clock!.message, /the agent's clock is 9\d\.\d s ahead of this machine's; requests are refused beyond 5 min/);
  assert.match(skewed.checks.clock!.hint!, /NTP/);
  assert.deepEqual([skewed.code, skewed.ok], [0, true], 'a warning does not fail the check');

  await agent.kill('SIGTERM');
  await agent.start(shiftedClock('-400s'));
  const refused = await check(site.dir, env);
  assert.equal(refused.code, 4);
  assert.deepEqual([refused.checks.clock!.status, refused.checks.key!.status], ['fail', 'skip']);
  assert.match(refused.checks.clock!.message, /request timestamp is 6m \d+s in the future; the agent accepts 5m either way/);
});
