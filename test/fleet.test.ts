/**
 * One target, many hosts: twelve real agents on 127.0.0.1 (each its own port and
 * state), the target's hosts from an Ansible inventory, real buildouts built on
 * every host, rollouts in batches with a canary and max-fail, a host that is
 * down, fleet status, history and rollback, through the real ctl.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { startFleet } from './support/fleet.ts';

const HOSTS = 12;

interface FleetHost {
  host: string;
  result: string;
  version?: string;
  tag?: string;
  phase?: string;
  error?: string;
}

const resultsOf = (stdout: string): FleetHost[] => JSON.parse(stdout).hosts;
const byResult = (hosts: FleetHost[]) => hosts.reduce<Record<string, number>>((counts, h) => ({ ...counts, [h.result]: (counts[h.result] ?? 0) + 1 }), {});

function setTarget(dir: string, options: string): void {
  const file = join(dir, 'buildout.cfg');
  const text = readFileSync(file, 'utf8').replace(/\n# rollout\n[\s\S]*$/, '\n');
  writeFileSync(file, `${text}# rollout\n${options}\n`);
}

test('twelve hosts: one release built everywhere, then live in batches; failures stop the rollout by max-fail and canary; status, history, rollback', async (t) => {
  const { agents, dir, env } = await startFleet(t, HOSTS);
  const run = (args: string[]) => ctl(args, { cwd: dir, env, timeoutMs: 600_000 });

  setTarget(dir, 'canary = 1\nbatch-size = 25%');
  const first = await run(['deploy']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /Connecting to 12 hosts\.\.\.12\/12/);
  assert.match(first.stdout, /Building on 12 hosts\.\.\.12\/12/);
  assert.match(first.stdout, /Going live, batch 1 of 5 \(canary, 1 host\)\.\.\.1\/1/);
  assert.match(first.stdout, /Going live, batch 5 of 5 \(2 hosts\)\.\.\.2\/2/);
  assert.match(first.stdout, /Deployment complete on 12 of 12 hosts at \d{8}-[0-9a-f]{8}/);
  assert.equal(first.stdout.match(/127\.0\.0\.1:\d+\s+deployed\s+0\.1\s/g)?.length, HOSTS, 'the table names every host');

  const status = JSON.parse((await run(['status', '--json'])).stdout).hosts;
  assert.equal(status.length, HOSTS);
  const tags = new Set(status.map((s: { tag: string }) => s.tag));
  assert.equal(tags.size, 1, 'one release on every host');
  assert.ok(status.every((s: { version: string; agentUp: boolean }) => s.version === '0.1' && s.agentUp));

  // A change; host 3 (in the second batch) fails its health check; max-fail 0: the rollout stops after that batch.
  appendFileSync(join(dir, 'src/acme.web/acme/web/server.py'), '\n# change 1\n');
  writeFileSync(join(agents[2]!.path, 'FAIL-HEALTH'), '1.0.post1');
  setTarget(dir, 'canary = 1\nbatch-size = 4\nmax-fail = 0');
  const stopped = await run(['deploy', '--json']);
  assert.equal(stopped.code, 6, stopped.stderr);
  const stoppedHosts = resultsOf(stopped.stdout);
  assert.deepEqual(byResult(stoppedHosts), { deployed: 4, failed: 1, skipped: 7 }, JSON.stringify(stoppedHosts, null, 1));
  assert.equal(stoppedHosts[2]!.result, 'failed');
  assert.equal(stoppedHosts[2]!.phase, 'health');
  assert.equal(stoppedHosts[2]!.version, '0.1', 'the failed host rolled itself back');
  assert.ok(stoppedHosts.slice(5).every((h) => h.result === 'skipped' && h.version === '0.1'), 'hosts not reached keep their release');
  const rows = JSON.parse((await run(['status', '--json'])).stdout).hosts;
  assert.deepEqual(rows.map((r: { version: string }) => r.version), ['0.2', '0.2', '0.1', '0.2', '0.2', '0.1', '0.1', '0.1', '0.1', '0.1', '0.1', '0.1']);

  // max-fail 1: the same failure is tolerated and every other host goes live (no canary: the hosts
  // that already run the release are not counted, so host 3 would be the canary, and a failed canary stops all)
  setTarget(dir, 'batch-size = 4\nmax-fail = 1');
  const tolerated = await run(['deploy', '--json']);
  assert.equal(tolerated.code, 6, 'a failed host still makes the exit code non-zero');
  assert.deepEqual(byResult(resultsOf(tolerated.stdout)), { already: 4, failed: 1, deployed: 7 });

  // A canary that fails stops everything after it, whatever max-fail says.
  rmSync(join(agents[2]!.path, 'FAIL-HEALTH'));
  writeFileSync(join(agents[0]!.path, 'FAIL-HEALTH'), '1.0.post2');
  appendFileSync(join(dir, 'src/acme.web/acme/web/server.py'), '\n# change 2\n');
  setTarget(dir, 'canary = 1\nbatch-size = 4\nmax-fail = 5');
  const canary = await run(['deploy', '--json']);
  assert.equal(canary.code, 6);
  const canaryHosts = resultsOf(canary.stdout);
  assert.equal(canaryHosts[0]!.result, 'failed');
  assert.ok(canaryHosts.slice(1).every((h) => h.result === 'skipped'), 'no host goes live after a failed canary');
  rmSync(join(agents[0]!.path, 'FAIL-HEALTH'));

  // A host that is down is a row of its own, in status and in a deploy (--hosts narrows a run).
  await agents[11]!.kill('SIGKILL');
  const downStatus = await run(['status']);
  assert.equal(downStatus.code, 0);
  assert.match(downStatus.stdout, new RegExp(`127\\.0\\.0\\.1:${agents[11]!.port}\\s+-\\s+-\\s+DOWN: no agent answers`));
  const narrowed = await run(['deploy', '--hosts', `127.0.0.1:${agents[0]!.port},127.0.0.1:${agents[11]!.port}`, '--json']);
  assert.equal(narrowed.code, 6);
  assert.deepEqual(resultsOf(narrowed.stdout).map((h) => h.result), ['deployed', 'unreachable']);
  const narrowedText = await run(['deploy', '--hosts', `127.0.0.1:${agents[11]!.port}`]);
  assert.equal(narrowedText.code, 6);
  assert.match(narrowedText.stderr, new RegExp(`127\\.0\\.0\\.1:${agents[11]!.port} could not be reached: nothing changed there`));
  assert.doesNotMatch(narrowedText.stderr, /rolled (itself|back)/, 'a host that was never reached did not roll back');

  // History merges the hosts' audit logs by time, each line naming its host.
  const history = JSON.parse((await run(['history', '-n', '200', '--json'])).stdout);
  const hostsInHistory = new Set(history.entries.map((e: { host: string }) => e.host));
  assert.equal(hostsInHistory.size, HOSTS - 1);
  assert.deepEqual(history.unreachable.map((u: { host: string }) => u.host), [`127.0.0.1:${agents[11]!.port}`]);
  const times = history.entries.map((e: { time: string }) => e.time);
  assert.deepEqual(times, [...times].sort());

  // Fleet rollback: every reachable host back to its previous release, in the target's batches.
  await agents[11]!.start();
  // (max-fail 1: host 3 cannot roll back, and with max-fail 0 the second batch would not start)
  setTarget(dir, 'batch-size = 6\nmax-fail = 1');
  const rollback = await run(['rollback', '--json']);
  const rolledBack = JSON.parse(rollback.stdout).hosts;
  // host 3 never went past version 0.1: it has nothing earlier and says so; the others go back
  assert.equal(rollback.code, 6, rollback.stderr);
  assert.deepEqual([rolledBack[2].host, rolledBack[2].result], [`127.0.0.1:${agents[2]!.port}`, 'failed']);
  assert.match(rolledBack[2].error, /no earlier release/);
  assert.match(rollback.stderr, /1 of 12 hosts could not roll back; the fleet is split: .* on 0\.1.*\. To bring it together once the failed hosts are fixed: `ctl rollback --to \S+ --hosts /);
  assert.deepEqual(rolledBack.filter((_: unknown, i: number) => i !== 2).map((h: { result: string }) => h.result), Array(HOSTS - 1).fill('rolled back'));
  assert.equal(JSON.parse((await run(['status', '--json'])).stdout).hosts[11].version, '0.1', 'the host that was down is back at version 0.1');

  // One version everywhere: the failed canary gave 0.3 on host 1 alone; the next release is 0.4 on every host.
  appendFileSync(join(dir, 'src/acme.web/acme/web/server.py'), '\n# change 3\n');
  setTarget(dir, 'batch-size = 6');
  const together = await run(['deploy', '--json']);
  assert.equal(together.code, 0, together.stderr);
  assert.match(together.stderr, /Version 0\.4 on every host/);
  assert.deepEqual(resultsOf(together.stdout).map((h) => `${h.result} ${h.version}`), Array(HOSTS).fill('deployed 0.4'));
});

test('ctl pin records, lists and forgets agent fingerprints; wrong input is a clear error', async (t) => {
  const configDir = mkdtempSync(join(tmpdir(), 'hostout-pin-'));
  t.after(() => rmSync(configDir, { recursive: true, force: true }));
  const env = { HOSTOUT_CONFIG_DIR: configDir };
  const fingerprint = `sha256:${'ab'.repeat(32)}`;
  assert.equal((await ctl(['pin', 'web1.example.com', fingerprint], { env })).stdout, `Pinned web1.example.com:7611 ${fingerprint}\n`);
  assert.equal((await ctl(['pin', '[::1]:7700', fingerprint.toUpperCase().replace('SHA256', 'sha256')], { env })).code, 0);
  const list = JSON.parse((await ctl(['pin', '--list', '--json'], { env })).stdout).agents;
  assert.deepEqual(list, [
    { address: 'web1.example.com:7611', fingerprint },
    { address: '::1:7700', fingerprint },
  ]);
  // a different identity at a pinned address is refused, as ssh refuses a changed host key; --replace says it was meant
  const other = `sha256:${'cd'.repeat(32)}`;
  assert.equal((await ctl(['pin', 'web1.example.com', fingerprint], { env })).stdout, `web1.example.com:7611 is pinned to ${fingerprint} already\n`);
  const changed = await ctl(['pin', 'web1.example.com', other], { env });
  assert.equal(changed.code, 4);
  assert.match(changed.stderr, new RegExp(`web1\\.example\\.com:7611 is pinned to ${fingerprint}, not ${other}`));
  assert.match(changed.stderr, /ctl pin --replace web1\.example\.com:7611/);
  assert.equal((await ctl(['pin', '--replace', 'web1.example.com', other], { env })).stdout, `Replaced the pinned identity of web1.example.com:7611: ${fingerprint} → ${other}\n`);
  assert.equal((await ctl(['unpin', 'web1.example.com'], { env })).stdout, 'Unpinned web1.example.com:7611\n');
  assert.equal((await ctl(['unpin', 'web1.example.com'], { env })).stdout, 'web1.example.com:7611 was not pinned\n');
  const bad = await ctl(['pin', 'web1', 'sha256:nothex'], { env });
  assert.equal(bad.code, 4);
  assert.match(bad.stderr, /not a SHA-256 certificate fingerprint/);
  const missing = await ctl(['pin', 'web1'], { env });
  assert.equal(missing.code, 2);
});
