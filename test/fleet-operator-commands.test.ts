/**
 * Every operator command on a target with several hosts (issue 19, items 3 and 4): check,
 * deploy --dry-run, lock, unlock, logs, exec and report work on each host, with --hosts and
 * --json, lines prefixed with their host; a host that is down is named, with exit code 4;
 * the maintenance lock is seen by check and by --dry-run (exit 5) before a deploy is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { startFleet } from './support/fleet.ts';

test('three hosts: check, dry run, lock, unlock, logs, exec and report on each; a host down is named', async (t) => {
  const { agents, dir, env } = await startFleet(t, 3);
  const run = (args: string[]) => ctl(args, { cwd: dir, env, timeoutMs: 300_000 });
  const labels = agents.map((a) => `127.0.0.1:${a.port}`);
  assert.equal((await run(['deploy'])).code, 0);

  const check = await run(['check']);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  for (const label of labels) assert.match(check.stdout, new RegExp(`^${label}  ok\\n  config +ok`, 'm'));
  assert.match(check.stdout, /All 3 hosts pass\n$/);
  const checkJson = JSON.parse((await run(['check', '--json', '--hosts', labels[1]!])).stdout);
  assert.equal(checkJson.host, labels[1], 'one host named: its report alone');

  const locked = await run(['lock', '-m', 'disk swap on the database server']);
  assert.equal(locked.code, 0, locked.stderr);
  for (const label of labels) assert.match(locked.stdout, new RegExp(`^${label}  Locked for maintenance by \\S+ since \\S+: "disk swap on the database server"`, 'm'));
  const lockedCheck = await run(['check', '--hosts', labels[0]!]);
  assert.equal(lockedCheck.code, 5, 'the maintenance lock fails the check with the exit code a deploy would meet');
  assert.match(lockedCheck.stdout, /lock +FAIL +locked for maintenance by \S+ since \S+: "disk swap on the database server": a deploy now would be refused/);
  const lockedDryRun = await run(['deploy', '--dry-run', '--force']);
  assert.equal(lockedDryRun.code, 5, lockedDryRun.stdout);
  for (const label of labels) assert.match(lockedDryRun.stdout, new RegExp(`== ${label}\\n[\\s\\S]*?locked for maintenance by \\S+ since \\S+: "disk swap on the database server": a deploy now would be refused`));
  const unlocked = await run(['unlock', '--json']);
  assert.equal(unlocked.code, 0);
  assert.deepEqual(JSON.parse(unlocked.stdout).hosts.map((h: { host: string; lock: { message: string } }) => [h.host, h.lock.message]), labels.map((l) => [l, 'disk swap on the database server']));

  const exec = await run(['exec', '--', 'sh', '-c', 'echo "serving from $(pwd)"; test -f ../../FAIL-EXEC && exit 3; exit 0']);
  assert.equal(exec.code, 0, exec.stderr);
  for (const label of labels) assert.match(exec.stdout, new RegExp(`^${label} \\| serving from \\S+/releases/`, 'm'));
  await import('node:fs').then((fs) => fs.writeFileSync(join(agents[1]!.path, 'FAIL-EXEC'), ''));
  const failing = await run(['exec', '--', 'sh', '-c', 'test -f ../../FAIL-EXEC && exit 3; exit 0']);
  assert.equal(failing.code, 3, 'the exit code of the first host that failed');
  assert.match(failing.stderr, new RegExp(`the command failed on 1 of 3 hosts: ${labels[1]!.replace(/\./g, '\\.')} \\(exit 3\\)`));

  const logs = await run(['logs', '--phase', 'build']);
  assert.equal(logs.code, 0, logs.stderr);
  for (const label of labels) assert.match(logs.stdout, new RegExp(`^${label} \\| `, 'm'));
  const agentLogs = JSON.parse((await run(['logs', '--agent', '-n', '5', '--json'])).stdout);
  assert.deepEqual(agentLogs.hosts.map((h: { host: string }) => h.host), labels);
  assert.ok(agentLogs.hosts.every((h: { entries: unknown[] }) => h.entries.length > 0));

  const page = join(tmpdir(), `hostout-fleet-report-${process.pid}.html`);
  t.after(() => import('node:fs').then((fs) => fs.rmSync(page, { force: true })));
  const report = await run(['report', '-o', page]);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /of 3 hosts\n$/);
  const html = readFileSync(page, 'utf8');
  for (const label of labels) assert.ok(html.includes(label), `the page shows ${label}`);
  const nowhere = await run(['report', '-o', '/nonexistent-dir/x.html']);
  assert.equal(nowhere.code, 2);
  assert.match(nowhere.stderr, /there is no directory \/nonexistent-dir/);

  // one host down: named, the others done, exit 4
  await agents[2]!.kill('SIGKILL');
  const lockDown = await run(['lock', '-m', 'again']);
  assert.equal(lockDown.code, 4, lockDown.stdout + lockDown.stderr);
  assert.match(lockDown.stdout, new RegExp(`^${labels[2]}  FAILED: no agent answers at ${labels[2]}`, 'm'));
  assert.match(lockDown.stderr, new RegExp(`1 of 3 hosts could not be locked: they are NOT locked: ${labels[2]}`));
  assert.equal((await run(['unlock', '--hosts', `${labels[0]},${labels[1]}`])).code, 0);
  const checkDown = await run(['check']);
  assert.equal(checkDown.code, 4);
  assert.match(checkDown.stdout, new RegExp(`1 of 3 hosts fail a check: ${labels[2]}\n$`));

  // an inventory group of one host: every command talks to that host, at its own agent port
  const inventory = join(dir, 'inventory.ini');
  writeFileSync(inventory, readFileSync(inventory, 'utf8').replace(/^web0[23] .*\n/gm, ''));
  const single = await run(['status', '-q']);
  assert.equal(single.code, 0, single.stdout + single.stderr);
  assert.match(single.stdout, /^0\.1 \d{8}-[0-9a-f]{8}\n$/);
  assert.match((await run(['deploy'])).stdout, /Already at version 0\.1/);
});
