/**
 * The main job end to end: the real ctl, a real hostout-agent process, real
 * zc.buildout on the "host", the example's real web service answering HTTP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT, ctl, runCommand } from './support/ctl.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';
import { removeDir } from './support/example-buildout.ts';

const pidOf = (agentPath: string) => readFileSync(join(agentPath, 'shared/var/acme.pid'), 'utf8').trim();

test('deploy, change one egg, deploy, deploy unchanged, roll back from the controller and on the host', async (t) => {
  const { agent, site, env } = await deployableSite(t);

  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /Deployment complete at version 0\.1\n$/);
  assert.equal(await servedVersion(site.url), '1.0');

  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# a change\n');
  const second = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(second.code, 0, second.stderr + second.stdout);
  assert.match(second.stdout, /released acme\.web 1\.0\.post1/);
  assert.match(second.stdout, /Deploying eggs to host\.\.\.done \(2 files,/, 'only the changed egg and the new archive travel');
  assert.match(second.stdout, /Deployment complete at version 0\.2\n$/);
  assert.equal(await servedVersion(site.url), '1.0.post1');
  const pid = pidOf(agent.path);

  const deploysAsked = async () => JSON.parse((await ctl(['history', '--json'], { cwd: site.dir, env })).stdout).entries.filter((e: { action: string }) => e.action === 'Deploy').length;
  const asked = await deploysAsked();
  const unchanged = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(unchanged.code, 0, unchanged.stderr);
  assert.match(unchanged.stdout, /Already at version 0\.2\n$/);
  assert.doesNotMatch(unchanged.stdout, /Deploying eggs/, 'the host runs this very release: nothing to check or send');
  assert.equal(pidOf(agent.path), pid, 'no restart when nothing changed');
  assert.equal(await deploysAsked(), asked, 'no Deploy call when the host runs this very release');

  const rollback = await ctl(['rollback'], { cwd: site.dir, env });
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.match(rollback.stdout, /Rolled back to version 0\.1/);
  assert.equal(await servedVersion(site.url), '1.0');

  const status = JSON.parse((await ctl(['status', '--json'], { cwd: site.dir, env })).stdout);
  assert.equal(status.currentVersion, '0.1');
  assert.equal(status.agentVersion, '0.1.0');
  assert.ok(status.uptimeSeconds > 0);
  assert.deepEqual(status.releases.map((r: { version: string }) => r.version), ['0.1', '0.2']);
  assert.equal(status.backups.length, 2, 'each release went live after a backup');

  // The controller is gone: the host rolls forward again on its own, agent running or not.
  await agent.kill('SIGKILL');
  const onHost = await runCommand(process.execPath, [AGENT, 'rollback', '--path', agent.path, '--to', '0.2']);
  assert.equal(onHost.code, 0, onHost.stderr);
  assert.match(onHost.stdout, /Start: starting version 0\.2\.\.\./, 'one line per phase');
  assert.match(onHost.stdout, /Rolled back to version 0\.2/);
  assert.equal(await servedVersion(site.url), '1.0.post1');
  const hostStatus = await runCommand(process.execPath, [AGENT, 'status', '--path', agent.path]);
  assert.match(hostStatus.stdout, /Current\s+version 0\.2/);

  // --with-db: the database as version 0.1 left it, before version 0.2 went live
  const visitsNow = Number(/visit (\d+)/.exec(await fetch(site.url).then((r) => r.text()))![1]);
  const withDb = await runCommand(process.execPath, [AGENT, 'rollback', '--path', agent.path, '--to', '0.1', '--with-db', '--quiet']);
  assert.equal(withDb.code, 0, withDb.stderr);
  assert.match(withDb.stdout, /^Rolled back to version 0\.1 \(\S+\)\n$/, '--quiet: the result alone');
  const visitsAfter = Number(/visit (\d+)/.exec(await fetch(site.url).then((r) => r.text()))![1]);
  assert.ok(visitsAfter < visitsNow, `the visits made since version 0.2 went live are gone (${visitsNow} -> ${visitsAfter})`);

  await agent.start();
  const history = await ctl(['history'], { cwd: site.dir, env });
  assert.match(history.stdout, /ok\s+Deploy/);
  assert.match(history.stdout, /ok\s+Rollback/);
});

test('a failing buildout drops the staged release; the old one keeps serving and buildout\'s error is shown', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);

  // The host's eggs directory is broken: buildout cannot install there.
  removeDir(join(agent.path, 'shared/eggs'));
  writeFileSync(join(agent.path, 'shared/eggs'), 'not a directory');
  appendFileSync(join(site.dir, 'src/acme.core/acme/core/store.py'), '\n# a change\n');
  const failed = await ctl(['deploy'], { cwd: site.dir, env });
  assert.notEqual(failed.code, 0);
  assert.match(failed.stdout, /Running remote buildout\.\.\.FAILED/);
  assert.match(failed.stdout + failed.stderr, /buildout failed/);
  assert.match(failed.stdout + failed.stderr, /shared\/eggs/, "buildout's own error names the eggs directory");
  assert.equal(await servedVersion(site.url), '1.0');
  assert.deepEqual(readdirSync(join(agent.path, 'releases')).filter((d) => !d.startsWith('.')).length, 1, 'the staged release is gone');
});

test('a release whose health check fails is rolled back automatically, database included', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  appendFileSync(join(site.dir, 'buildout.cfg'), 'health-retries = 5\n');
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);
  await servedVersion(site.url);
  await servedVersion(site.url); // two visits recorded in the SQLite DB

  const server = join(site.dir, 'src/acme.web/acme/web/server.py');
  // The broken release writes to the database (a visit per health probe) before it fails.
  writeFileSync(server, readFileSync(server, 'utf8').replace('body = "ok\\n"', 'self.store.record_visit(); self.send_error(500); return'));
  const failed = await ctl(['deploy'], { cwd: site.dir, env });
  assert.notEqual(failed.code, 0);
  assert.match(failed.stdout, /Checking health\.\.\.FAILED/);
  assert.match(failed.stdout, /Rolling back/);
  assert.match(failed.stderr, /deploy of version 0\.2 failed: health check failed.*500[\s\S]*rolled back to version 0\.1/);
  const page = await fetch(site.url).then((r) => r.text());
  assert.match(page, /acme\.web 1\.0, visit 3\b/, 'version 0.1 serves, and what the failed release wrote was rolled back with its database');
  assert.ok(!existsSync(join(agent.path, 'agent/lock')), 'the lock is released');
});

test('migrate runs in the new release with the services stopped; a failing one is rolled back, database included', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  const config = join(site.dir, 'buildout.cfg');
  const base = readFileSync(config, 'utf8');
  // fails (exit 9) if the site still runs; else notes which release it migrated
  writeFileSync(config, `${base}migrate = bin/acme-ctl status >/dev/null && exit 9 || basename "$PWD" >> var/migrations.log\n`);
  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /Switching the current release\.\.\.done\nMigrating the database\.\.\.done\nStarting remote services\.\.\.done/);
  const migrated = readFileSync(join(agent.path, 'shared/var/migrations.log'), 'utf8').trim().split('\n');
  assert.deepEqual(migrated, [readdirSync(join(agent.path, 'releases')).filter((d) => !d.startsWith('.'))[0]]);
  await servedVersion(site.url); // a visit recorded in the SQLite DB

  // A migration that changes the schema, then fails.
  const failing = `/usr/bin/python3 -c "import sqlite3; c = sqlite3.connect('var/acme.db'); c.execute('create table half_migrated (x)'); c.commit()" && exit 3`;
  writeFileSync(config, `${base}migrate = ${failing}\n`);
  const failed = await ctl(['deploy'], { cwd: site.dir, env });
  assert.notEqual(failed.code, 0);
  assert.match(failed.stdout, /Migrating the database\.\.\.FAILED/);
  assert.match(failed.stdout, /Rolling back/);
  assert.match(failed.stderr, /migrate failed: `.*half_migrated.*` exited with code 3/);
  assert.match(failed.stderr, /rolled back to version 0\.1/);
  assert.equal(await servedVersion(site.url), '1.0');
  const tables = await runCommand('/usr/bin/python3', ['-c', "import sqlite3, sys; print([r[0] for r in sqlite3.connect(sys.argv[1]).execute(\"select name from sqlite_master where type = 'table'\")])", join(agent.path, 'shared/var/acme.db')]);
  assert.doesNotMatch(tables.stdout, /half_migrated/, 'the database is restored as it was before the migration');
});
