/**
 * The postgresql backup plug point inside a real deploy: a real PostgreSQL
 * cluster, pg_dump before the switch, pg_restore when the release that wrote
 * to the database is rolled back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';
import { startPostgresCluster } from './support/postgres-cluster.ts';

test('a failed release that wrote to PostgreSQL is rolled back with the database restored by pg_restore', async (t) => {
  const cluster = await startPostgresCluster();
  t.after(() => cluster.stop());
  await cluster.createDatabase('acme');
  await cluster.psql('acme', "create table notes (text varchar); insert into notes values ('before version 1')");

  const { agent, site, env } = await deployableSite(t, { env: cluster.env });
  appendFileSync(join(site.dir, 'buildout.cfg'), 'db = postgresql\ndb-name = acme\nhealth-retries = 4\n');
  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const backups = readdirSync(join(agent.path, 'backups'));
  assert.equal(backups.length, 1);
  assert.ok(existsSync(join(agent.path, 'backups', backups[0]!, 'db.dump')), 'pg_dump -Fc wrote the backup');
  await cluster.psql('acme', "insert into notes values ('written by version 1')");

  // Version 2 writes to the database and adds a table when it starts, then fails its health check.
  appendFileSync(
    join(site.dir, 'buildout.cfg'),
    `start = bin/acme-ctl start && psql -d acme -c "insert into notes values ('written by version 2'); create table made_by_version_2 (x int)"\nhealth-command = exit 1\n`,
  );
  const failed = await ctl(['deploy'], { cwd: site.dir, env });
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /health check failed/);
  const notes = await cluster.psql('acme', 'select text from notes order by text');
  assert.match(notes, /before version 1/);
  assert.match(notes, /written by version 1/);
  assert.doesNotMatch(notes, /written by version 2/, 'pg_restore put the database back as version 1 left it');
  assert.equal(await cluster.psql('acme', "select count(*) from pg_class where relname = 'made_by_version_2'"), '0', 'the table version 2 made is gone, so its migration can run again');
  assert.equal(await servedVersion(site.url), '1.0');
});
