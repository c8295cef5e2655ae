/**
 * `ctl logs --app [-f] [-n N]` (issue 19, item 6): the application's own log, as the target
 * names it (app-logs), its last lines and then what is appended, from the real example app's
 * access log; a log that is a symlink out of the agent's path is not shown; `--tag` takes a
 * version; -n without --agent or --app is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CTL, ctl } from './support/ctl.ts';
import { deployableSite } from './support/local-agent.ts';
import { httpGet } from './support/ports.ts';

test('the app\'s own log: last lines, -n, followed live, and never a file outside the agent\'s path', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);
  await httpGet(`${site.url}first-visit`);
  await httpGet(`${site.url}second-visit`);

  const last = await ctl(['logs', '--app'], { cwd: site.dir, env });
  assert.equal(last.code, 0, last.stderr);
  assert.match(last.stdout, /"GET \/first-visit HTTP\/1\.1" 200/);
  assert.match(last.stdout, /"GET \/second-visit HTTP\/1\.1" 200 -\n$/);
  const one = await ctl(['logs', '--app', '-n', '1'], { cwd: site.dir, env });
  assert.equal(one.stdout.split('\n').filter(Boolean).length, 1);
  assert.match(one.stdout, /second-visit/);
  const json = JSON.parse((await ctl(['logs', '--app', '--json'], { cwd: site.dir, env })).stdout);
  assert.equal(json.files[0].file, 'var/acme.log');

  // followed: a request made after it began arrives while it runs
  const follow = spawn(process.execPath, [CTL, 'logs', '--app', '-f', '-n', '1'], { cwd: site.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  follow.stdout!.on('data', (d) => (seen += d));
  const exited = new Promise((resolve) => follow.once('exit', resolve));
  for (let i = 0; i < 100 && !seen.includes('second-visit'); i++) await new Promise((r) => setTimeout(r, 50));
  await httpGet(`${site.url}while-following`);
  for (let i = 0; i < 100 && !seen.includes('while-following'); i++) await new Promise((r) => setTimeout(r, 50));
  follow.kill('SIGINT');
  await exited;
  assert.match(seen, /"GET \/while-following HTTP\/1\.1" 200/);

  // a log file that leads out of the agent's path is not read
  const log = join(agent.path, 'shared/var/acme.log');
  rmSync(log);
  symlinkSync('/etc/hostname', log);
  const outside = await ctl(['logs', '--app'], { cwd: site.dir, env });
  assert.equal(outside.code, 0);
  assert.match(outside.stdout, /\(var\/acme\.log resolves outside the agent's path \(\/etc\/hostname\): not shown\)/);

  const byVersion = await ctl(['logs', '--tag', '0.1', '--phase', 'start'], { cwd: site.dir, env });
  assert.equal(byVersion.code, 0, byVersion.stderr);
  assert.match(byVersion.stdout, /start started/);
  const lonelyN = await ctl(['logs', '-n', '5'], { cwd: site.dir, env });
  assert.equal(lonelyN.code, 2);
  assert.match(lonelyN.stderr, /-n counts the last lines of a log: it goes with --agent or --app/);
});
