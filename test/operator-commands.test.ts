/**
 * What an operator reaches for around deploys, through the real ctl and a real agent:
 * `ctl logs` (a deploy's whole output, an older one, one followed live), the
 * maintenance lock (`ctl lock` / `ctl unlock`) and `ctl exec`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { AGENT, CTL, ctl, runCommand } from './support/ctl.ts';
import { deployableSite, servedVersion, startLocalAgent, stopAgentAndApp } from './support/local-agent.ts';
import { AgentConnection } from '../controller/agent-client/agent-client.ts';
import { loadOrCreateControllerKey } from '../shared/trust/controller-key.ts';
import { removeDir } from './support/example-buildout.ts';

/** Waits for `condition`, checking every 100 ms, at most `tries` times. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, tries = 1200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

test('ctl logs: a deploy\'s whole buildout output, an older deploy by tag, a running deploy followed to its end, a failed one pointed to', async (t) => {
  const { site, env } = await deployableSite(t);
  const scratch = mkdtempSync(join(tmpdir(), 'hostout-logs-'));
  t.after(() => removeDir(scratch));

  // -v prints every output line as ctl received it; the stored log must hold them all
  const first = await ctl(['deploy', '-v'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  const shownLines = first.stdout.split('\n').filter((l) => l.startsWith('    ')).map((l) => l.slice(4));
  assert.ok(shownLines.length > 3, `ctl deploy -v shows buildout's output:\n${first.stdout}`);
  const build = await ctl(['logs', '--phase', 'build'], { cwd: site.dir, env });
  assert.equal(build.code, 0, build.stderr);
  assert.match(build.stdout, /^==> \S+ build started: running buildout/);
  assert.match(build.stdout, /==> \S+ build done/);
  const storedBuild = build.stdout.split('\n');
  const buildOutput = shownLines.filter((l) => /^(Installing|Develop|Getting|Got|Generated|Updating|Uninstalling)/.test(l));
  assert.ok(buildOutput.length > 0, `buildout said what it installed:\n${shownLines.join('\n')}`);
  for (const line of buildOutput) assert.ok(storedBuild.includes(line), `the stored build log has "${line}":\n${build.stdout}`);
  const firstTag = /verifying release (\S+) \(version 0\.1\)/.exec((await ctl(['logs'], { cwd: site.dir, env })).stdout)?.[1];
  assert.ok(firstTag, 'ctl logs without --phase shows every phase, verify first');

  // Version 2's migration waits for a file the test creates: `ctl logs -f` follows it live meanwhile.
  const go = join(scratch, 'go');
  const config = join(site.dir, 'buildout.cfg');
  const base = readFileSync(config, 'utf8');
  writeFileSync(config, `${base}migrate = for i in $(seq 1 1200); do [ -e ${go} ] && break; sleep 0.1; done; echo migrated after go\n`);
  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# a change\n');
  const deploying = ctl(['deploy'], { cwd: site.dir, env });
  await waitFor('the agent to be deploying', async () => /deploying/.test((await ctl(['status', '--json'], { cwd: site.dir, env })).stdout));
  const follower = spawn(process.execPath, [CTL, 'logs', '-f'], { cwd: site.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let followed = '';
  follower.stdout.on('data', (d) => (followed += d));
  follower.stderr.on('data', (d) => (followed += d));
  const followerExit = new Promise<number | null>((resolve) => follower.on('close', resolve));
  await waitFor('the migration to start, as ctl logs -f shows it', () => /migrate started/.test(followed));
  assert.equal(follower.exitCode, null, 'ctl logs -f keeps following while the deploy runs');

  // While the deploy holds its lock: exec is refused, a maintenance lock says the deploy finishes.
  const refusedExec = await ctl(['exec', '--', 'true'], { cwd: site.dir, env });
  assert.equal(refusedExec.code, 5, refusedExec.stderr);
  assert.match(refusedExec.stderr, /a deploy is under way/);
  const lockDuringDeploy = await ctl(['lock', '-m', 'checking the disks'], { cwd: site.dir, env });
  assert.equal(lockDuringDeploy.code, 0, lockDuringDeploy.stderr);
  assert.match(lockDuringDeploy.stdout, /A deploy that began before the lock is under way .*it finishes/);
  assert.equal((await ctl(['unlock'], { cwd: site.dir, env })).code, 0);

  writeFileSync(go, '');
  const second = await deploying;
  assert.equal(second.code, 0, second.stderr + second.stdout);
  assert.equal(await followerExit, 0, followed);
  assert.match(followed, /migrated after go\n/);
  assert.match(followed, /==> \S+ health done/, 'followed to the end of the deploy');
  assert.equal(await servedVersion(site.url), '1.0.post1');

  // The latest deploy by default; --tag picks the older one.
  assert.match((await ctl(['logs'], { cwd: site.dir, env })).stdout, /verifying release \S+ \(version 0\.2\)/);
  const older = await ctl(['logs', '--tag', firstTag!], { cwd: site.dir, env });
  assert.equal(older.code, 0, older.stderr);
  assert.match(older.stdout, /verifying release \S+ \(version 0\.1\)/);
  assert.doesNotMatch(older.stdout, /version 0\.2/);
  const json = JSON.parse((await ctl(['logs', '--tag', firstTag!, '--json'], { cwd: site.dir, env })).stdout);
  assert.equal(json.tag, firstTag);
  assert.deepEqual(json.output.map((o: { phase: string }) => o.phase).slice(0, 3), ['verify', 'stage', 'build']);

  // A migration that prints 50 lines and fails: the message shows the last 20, says so and names the command for all.
  writeFileSync(config, `${base}migrate = seq 1 50; exit 3\n`);
  const failed = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(failed.code, 6, failed.stderr + failed.stdout);
  const pointer = /\(last 20 of 50 lines; `(ctl logs --tag \S+ --phase migrate)` shows all\)/.exec(failed.stderr);
  assert.ok(pointer, `the failure says how much it shows and how to see all:\n${failed.stderr}`);
  assert.match(failed.stderr, /hint: .*`ctl logs --tag \S+` shows this deploy's whole output/);
  const all = await ctl(pointer[1]!.split(' ').slice(1), { cwd: site.dir, env });
  assert.equal(all.code, 0, all.stderr);
  const numbers = all.stdout.split('\n').filter((l) => /^\d+$/.test(l));
  assert.deepEqual(numbers, Array.from({ length: 50 }, (_, i) => String(i + 1)), 'every line the migration printed');

  const missing = await ctl(['logs', '--tag', firstTag!, '--phase', 'migrate'], { cwd: site.dir, env });
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /no output of phase migrate is stored for \S+[\s\S]*phases with output for/);

  const agentLog = await ctl(['logs', '--agent', '-n', '500'], { cwd: site.dir, env });
  assert.equal(agentLog.code, 0, agentLog.stderr);
  assert.match(agentLog.stdout, /info  \[\S+ migrate\] migrated after go/, "the agent's own log, read over the signed call");
  assert.match(agentLog.stdout, /hostout-agent listening on/);
});

test('ctl lock refuses deploys and rollbacks (ctl and on the host) with its message until ctl unlock; ctl exec runs in the current release', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);

  const lock = await ctl(['lock', '-m', 'restoring the catalog'], { cwd: site.dir, env });
  assert.equal(lock.code, 0, lock.stderr);
  assert.match(lock.stdout, /Locked for maintenance by [0-9a-f]{16} since \S+: "restoring the catalog"/);
  assert.match((await ctl(['status'], { cwd: site.dir, env })).stdout, /Locked\s+for maintenance by [0-9a-f]{16} since \S+: "restoring the catalog"/);
  const again = await ctl(['lock', '-m', 'me too'], { cwd: site.dir, env });
  assert.equal(again.code, 5);
  assert.match(again.stderr, /already locked for maintenance .*restoring the catalog/);

  const refusals = [
    await ctl(['deploy', '--force'], { cwd: site.dir, env }),
    await ctl(['rollback'], { cwd: site.dir, env }),
    await runCommand(process.execPath, [AGENT, 'rollback', '--path', agent.path]),
  ];
  assert.doesNotMatch(refusals[0]!.stdout, /Pinning egg versions/, 'ctl deploy says so before releasing anything');
  for (const refused of refusals) {
    assert.equal(refused.code, 5, refused.stderr + refused.stdout);
    assert.match(refused.stderr, /locked for maintenance by [0-9a-f]{16} since \S+: "restoring the catalog"; no (deploy|rollback) until it is unlocked/);
  }
  assert.equal(await servedVersion(site.url), '1.0');

  // exec works under a maintenance lock: that is what the lock is for
  const exec = await ctl(['exec', '--', 'sh', '-c', 'pwd; id -un; echo "to stderr" >&2; exit 7'], { cwd: site.dir, env });
  assert.equal(exec.code, 7, exec.stderr);
  assert.deepEqual(exec.stdout.split('\n').slice(0, 2), [realpathSync(join(agent.path, 'current')), userInfo().username]);
  assert.match(exec.stderr, /^to stderr\n$/);
  const withTarget = await ctl(['exec', 'production', '--', 'bin/acme-ctl', 'status'], { cwd: site.dir, env });
  assert.equal(withTarget.code, 0, withTarget.stderr);
  const timedOut = await ctl(['exec', '--timeout', '1', '--', 'sleep', '60'], { cwd: site.dir, env });
  assert.equal(timedOut.code, 124, timedOut.stderr);
  assert.match(timedOut.stderr, /did not finish within 1 s; the agent killed it/);
  // ctl stopped (Ctrl-C): the agent kills the command it ran
  const pidFile = join(agent.path, 'exec-sleep.pid');
  const interrupted = spawn(process.execPath, [CTL, 'exec', '--', 'sh', '-c', `echo $$ > ${pidFile}; echo started; exec sleep 120`], { cwd: site.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let interruptedOut = '';
  interrupted.stdout.on('data', (d) => (interruptedOut += d));
  await waitFor('the command to start', () => interruptedOut.includes('started'));
  const sleeper = Number(readFileSync(pidFile, 'utf8'));
  interrupted.kill('SIGINT');
  const alive = () => {
    try {
      process.kill(sleeper, 0);
      return true;
    } catch {
      return false;
    }
  };
  await waitFor('the agent to kill the command', () => !alive());
  const notFound = await ctl(['exec', '--', 'no-such-command-here'], { cwd: site.dir, env });
  assert.equal(notFound.code, 127);
  assert.match(notFound.stderr, /no-such-command-here: command not found/);

  const unlock = await ctl(['unlock'], { cwd: site.dir, env });
  assert.equal(unlock.code, 0, unlock.stderr);
  assert.match(unlock.stdout, /Unlocked \(the lock of [0-9a-f]{16} .*"restoring the catalog"\)/);
  assert.doesNotMatch((await ctl(['status'], { cwd: site.dir, env })).stdout, /Locked/);
  const deploy = await ctl(['deploy', '--force'], { cwd: site.dir, env });
  assert.equal(deploy.code, 0, deploy.stderr + deploy.stdout);
  const rollback = await ctl(['rollback'], { cwd: site.dir, env });
  assert.notEqual(rollback.code, 5, 'no longer refused for the lock');

  const history = (await ctl(['history', '-n', '100'], { cwd: site.dir, env })).stdout;
  assert.match(history, /ok\s+Lock\s+[0-9a-f]{16}\s+"restoring the catalog"/);
  assert.match(history, /failed\s+Lock\s+.*already locked/);
  assert.match(history, /failed\s+Rollback\s+[0-9a-f]{16}\s+.*locked for maintenance/);
  assert.match(history, /failed\s+Rollback\s+host:\S+\s+.*locked for maintenance/);
  assert.match(history, /started\s+Exec\s+[0-9a-f]{16}\s+sh -c 'pwd; id -un; echo "to stderr" >&2; exit 7'\n/);
  assert.match(history, /ok\s+Exec\s+[0-9a-f]{16}\s+sh -c 'pwd; id -un; echo "to stderr" >&2; exit 7': in \S+: exit 7/);
  assert.match(history, /ok\s+Exec\s+.*sleep 60: in \S+: timed out, killed/);
  assert.match(history, /ok\s+Unlock\s+.*released the lock of [0-9a-f]{16}/);
});

test('exec, lock and logs from a key the agent does not know are refused and audited; the command never runs', async (t) => {
  const agent = await startLocalAgent();
  t.after(() => stopAgentAndApp(agent));
  const stranger = mkdtempSync(join(tmpdir(), 'hostout-stranger-'));
  t.after(() => removeDir(stranger));
  const proof = join(stranger, 'ran');
  const connection = await AgentConnection.open({ host: '127.0.0.1', port: agent.port, fingerprint: agent.fingerprint }, loadOrCreateControllerKey(stranger));
  t.after(() => connection.close());

  const drain = async (stream: AsyncIterable<unknown>) => {
    for await (const _ of stream) void _;
  };
  await assert.rejects(drain(connection.stream('Exec', { argv: ['touch', proof], timeoutSeconds: 5 })), /refused the request.*not authorized/s);
  await assert.rejects(connection.unary('Lock', { message: 'mine now' }), /refused the request.*not authorized/s);
  await assert.rejects(drain(connection.stream('Logs', { agent: true })), /refused the request.*not authorized/s);
  assert.ok(!existsSync(proof), 'the command did not run');
  assert.ok(!existsSync(join(agent.path, 'agent/maintenance-lock')), 'the host is not locked');
  // refusals are kept apart from what authorized keys did (agent/audit-refusals)
  const audit = readFileSync(join(agent.path, 'agent/audit-refusals'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  for (const action of ['Exec', 'Lock', 'Logs']) assert.ok(audit.some((e) => e.action === action && e.outcome === 'refused'), `a refused ${action} is audited`);
});
