import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BackupError } from "../../shared/errors.ts";
import { startPostgresCluster, type PostgresCluster } from "../../test/support/postgres-cluster.ts";
import { databaseBackup } from "./database-backup.ts";

describe("db = postgresql, against a real throwaway PostgreSQL cluster", () => {
  let cluster: PostgresCluster;
  let root: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  before(async () => {
    cluster = await startPostgresCluster();
    await cluster.createDatabase("acme");
    root = mkdtempSync(join(tmpdir(), "hostout-pg-backup-"));
  });
  after(async () => {
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test("pg_dump into the backup, change and drop data, pg_restore brings it back", async () => {
    await cluster.psql("acme", "create table items(id serial primary key, name text not null); insert into items(name) values ('apple'), ('pear');");
    await cluster.psql("acme", "create table orders(item int references items(id)); insert into orders values (1);");
    const backup = databaseBackup({ kind: "postgresql", paths: [], database: "acme", pgEnv: cluster.env }, join(root, "var"), log);
    const backupDir = join(root, "backups", "t1");

    const info = await backup.backup(backupDir);
    assert.equal(info.kind, "postgresql");
    assert.equal(info.files, 1);
    assert.equal(info.bytes, statSync(join(backupDir, "db.dump")).size);
    assert.deepEqual(readdirSync(backupDir).sort(), ["backup.json", "db.dump"]);
    assert.ok(lines.includes(`$ pg_dump -Fc -f ${join(`${backupDir}.partial`, "db.dump")} acme`));

    await cluster.psql("acme", "delete from orders; delete from items where name = 'apple'; insert into items(name) values ('plum'); update items set name = 'PEAR' where name = 'pear';");
    await cluster.psql("acme", "drop table orders;");
    await backup.restore(backupDir);

    assert.equal(await cluster.psql("acme", "select string_agg(id || ':' || name, ',' order by id) from items"), "1:apple,2:pear");
    assert.equal(await cluster.psql("acme", "select count(*) from orders"), "1");
    assert.equal(await cluster.psql("acme", "select nextval('items_id_seq')"), "3", "sequences come back too");
  });

  test("two passes: the dump taken while serving is kept when nothing was written since, taken again when something was", async () => {
    await cluster.createDatabase("twopass");
    await cluster.psql("twopass", "create table items(name text); insert into items values ('apple');");
    const backup = databaseBackup({ kind: "postgresql", paths: [], database: "twopass", pgEnv: cluster.env }, join(root, "var"), log);

    // the cluster's own background work (an autovacuum's ANALYZE) can take a transaction id between
    // the passes too, and then the dump is rightly taken again: a quiet moment comes within a few tries
    const quiet = join(root, "backups", "quiet");
    let linesBefore = lines.length;
    for (let attempt = 0; attempt < 5; attempt++) {
      const first = await backup.prepare!(quiet);
      assert.ok(first.bytes > 0);
      assert.equal(existsSync(quiet), false, "not a backup until the second pass");
      linesBefore = lines.length;
      await backup.backup(quiet);
      if (JSON.parse(readFileSync(join(quiet, "backup.json"), "utf8")).dumpKept) break;
    }
    assert.match(lines.slice(linesBefore).join("\n"), /nothing was written since the dump taken while the release served \(next transaction id \d+\): kept/);
    assert.equal(JSON.parse(readFileSync(join(quiet, "backup.json"), "utf8")).dumpKept, true);
    assert.ok(!lines.slice(linesBefore).some((line) => line.startsWith("$ pg_dump")), "no second dump");

    const busy = join(root, "backups", "busy");
    await backup.prepare!(busy);
    await cluster.psql("twopass", "insert into items values ('written after the first dump');");
    await backup.backup(busy);
    assert.match(lines.join("\n"), /changed since the dump taken while the release served \(next transaction id \d+ → \d+\): dumping again/);
    await cluster.psql("twopass", "delete from items;");
    await backup.restore(busy);
    assert.equal(await cluster.psql("twopass", "select string_agg(name, ',' order by name) from items"), "apple,written after the first dump", "the dump taken after stop holds the late write");
  });

  test("what a release created after the backup is gone after the restore, so its migration can run again", async () => {
    await cluster.createDatabase("shop");
    await cluster.psql("shop", "create table items(id serial primary key, name text); insert into items(name) values ('apple');");
    const backup = databaseBackup({ kind: "postgresql", paths: [], database: "shop", pgEnv: cluster.env }, join(root, "var"), log);
    const backupDir = join(root, "backups", "t4");
    await backup.backup(backupDir);

    const migration = [
      "create type mood as enum ('happy', 'sad')",
      'create table "Order Lines"(id serial primary key, item int references items(id), feeling mood)',
      "create view item_names as select name from items",
      "create sequence tickets",
      "alter table items add column price int",
      "insert into items(name, price) values ('pear', 3)",
    ].join("; ");
    await cluster.psql("shop", migration);
    await backup.restore(backupDir);

    assert.equal(await cluster.psql("shop", "select string_agg(id || ':' || name, ',') from items"), "1:apple");
    assert.equal(await cluster.psql("shop", "select count(*) from information_schema.columns where table_name = 'items' and column_name = 'price'"), "0");
    assert.equal(await cluster.psql("shop", "select coalesce(string_agg(relname, ','), 'none') from pg_class where relname in ('Order Lines', 'item_names', 'tickets')"), "none");
    assert.equal(await cluster.psql("shop", "select count(*) from pg_type where typname = 'mood'"), "0");
    await cluster.psql("shop", migration); // the same migration, again: nothing is in its way
  });

  test("a restore that fails part-way changes nothing", async () => {
    await cluster.createDatabase("ledger");
    await cluster.psql("ledger", "create table entries(amount int); insert into entries values (1);");
    const backup = databaseBackup({ kind: "postgresql", paths: [], database: "ledger", pgEnv: cluster.env }, join(root, "var"), log);
    const backupDir = join(root, "backups", "t5");
    await backup.backup(backupDir);
    // restorer may drop the table made since (it owns it), but not replace entries (postgres owns it):
    // the drop succeeds, the replay fails, and the drop must be undone with it
    await cluster.psql("ledger", "create role restorer login; grant all on schema public to restorer; create table later(x int); alter table later owner to restorer; insert into entries values (2);");
    const asRestorer = databaseBackup({ kind: "postgresql", paths: [], database: "ledger", pgEnv: { ...cluster.env, PGUSER: "restorer" } }, join(root, "var"), log);
    await assert.rejects(asRestorer.restore(backupDir), (error: unknown) => {
      assert.ok(error instanceof BackupError);
      assert.match(error.message, /^restoring of database "ledger" failed/);
      assert.match(error.message, /must be owner of table entries/);
      return true;
    });
    assert.equal(await cluster.psql("ledger", "select string_agg(amount::text, ',' order by amount) from entries"), "1,2", "the data is as it was before the attempt");
    assert.equal(await cluster.psql("ledger", "select count(*) from pg_class where relname = 'later'"), "1", "the drop was rolled back too");
  });

  test("a database that does not exist: BackupError naming it, with pg_dump's own message; no backup left", async () => {
    const backup = databaseBackup({ kind: "postgresql", paths: [], database: "nosuch", pgEnv: cluster.env }, join(root, "var"), log);
    const backupDir = join(root, "backups", "t2");
    await assert.rejects(backup.backup(backupDir), (error: unknown) => {
      assert.ok(error instanceof BackupError);
      assert.match(error.message, /^pg_dump of database "nosuch" failed: `pg_dump -Fc -f \S+ nosuch` exited with code 1/);
      assert.match(error.message, /database "nosuch" does not exist/);
      assert.match(error.hint ?? "", /database "nosuch" exists .*PGHOST, PGPORT, PGUSER/);
      return true;
    });
    assert.equal(existsSync(backupDir), false);
    assert.equal(existsSync(`${backupDir}.partial`), false);
  });

  test("restore refuses a dump of another database", async () => {
    const backupDir = join(root, "backups", "t3");
    await databaseBackup({ kind: "postgresql", paths: [], database: "acme", pgEnv: cluster.env }, root, log).backup(backupDir);
    const other = databaseBackup({ kind: "postgresql", paths: [], database: "acme_staging", pgEnv: cluster.env }, root, log);
    await assert.rejects(other.restore(backupDir), /this backup holds database "acme", but db-name is "acme_staging"/);
  });

  test("db-name is required", () => {
    assert.throws(() => databaseBackup({ kind: "postgresql", paths: [] }, root, log), /db = postgresql needs db-name/);
  });
});
