import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { BackupError } from "../../shared/errors.ts";
import { databaseBackup } from "./database-backup.ts";

/** Runs Python's sqlite3 on `db`: `statements` then prints the sorted names in table items. */
function sqlite(db: string, statements: string, options: { leaveWal?: boolean } = {}): string[] {
  const script = `
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.executescript(sys.argv[2])
con.commit()
print("\\n".join(name for (name,) in con.execute("select name from items order by name")))
sys.stdout.flush()
if sys.argv[3] == "kill":
    os._exit(0)  # like an application killed: committed pages stay in the -wal file
con.close()
`;
  const output = execFileSync("/usr/bin/python3", ["-c", script, db, statements, options.leaveWal ? "kill" : "close"], { encoding: "utf8" });
  return output.split("\n").filter((line) => line !== "");
}

/** Every file and directory under `dir` with its content, as "path: content" / "path/". */
function treeListing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .sort()
    .map((path) => (statSync(join(dir, path)).isDirectory() ? `${path}/` : `${path}: ${readFileSync(join(dir, path), "utf8")}`));
}

describe("db = files", () => {
  let root: string;
  let sharedVar: string;
  let backupDir: string;
  let lines: string[];
  const log = (line: string) => lines.push(line);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "hostout-files-backup-"));
    sharedVar = join(root, "shared", "var");
    mkdirSync(sharedVar, { recursive: true });
    backupDir = join(root, "backups", "20261125-aaaa1111");
    lines = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("a SQLite database: back up, change rows, restore, the old rows are back", async () => {
    const db = join(sharedVar, "acme.db");
    assert.deepEqual(sqlite(db, "create table items(name text); insert into items values ('apple'), ('pear');"), ["apple", "pear"]);
    const backup = databaseBackup({ kind: "files", paths: ["acme.db"] }, sharedVar, log);

    const info = await backup.backup(backupDir);
    assert.equal(info.kind, "files");
    assert.equal(info.files, 1);
    assert.equal(info.bytes, statSync(db).size);
    assert.ok(Date.now() - Date.parse(info.created) < 60_000);
    const record = JSON.parse(readFileSync(join(backupDir, "backup.json"), "utf8"));
    assert.deepEqual(record, { ...info, format: 2, paths: ["acme.db"], absent: ["acme.db-journal", "acme.db-shm", "acme.db-wal"], writtenBytes: statSync(db).size });
    assert.deepEqual(readdirSync(join(root, "backups")), ["20261125-aaaa1111"], "no .partial left behind");

    assert.deepEqual(sqlite(db, "delete from items where name = 'apple'; insert into items values ('plum');"), ["pear", "plum"]);
    await backup.restore(backupDir);
    assert.deepEqual(sqlite(db, ""), ["apple", "pear"]);
    assert.deepEqual(readdirSync(sharedVar), ["acme.db"], "no staging names left in shared/var");
  });

  test("SQLite in WAL mode: committed pages in -wal are backed up, and a -wal written after the backup is removed on restore", async () => {
    const db = join(sharedVar, "acme.db");
    sqlite(db, "pragma journal_mode=wal; create table items(name text); insert into items values ('apple');", { leaveWal: true });
    assert.ok(existsSync(`${db}-wal`), "the killed application left its -wal");
    const backup = databaseBackup({ kind: "files", paths: ["acme.db"] }, sharedVar, log);
    await backup.backup(backupDir);
    // SQLite's online backup holds the -wal's committed pages: the -wal and -shm are not copied, and go on restore
    assert.deepEqual(JSON.parse(readFileSync(join(backupDir, "backup.json"), "utf8")).paths, ["acme.db"]);
    assert.deepEqual(JSON.parse(readFileSync(join(backupDir, "backup.json"), "utf8")).absent, ["acme.db-journal", "acme.db-shm", "acme.db-wal"]);

    // the new release writes, checkpoints, then is killed with fresh pages in a new -wal
    sqlite(db, "insert into items values ('pear');");
    sqlite(db, "pragma wal_autocheckpoint=0; insert into items values ('plum');", { leaveWal: true });
    await backup.restore(backupDir);
    assert.deepEqual(sqlite(db, ""), ["apple"]);

    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
    sqlite(db, "pragma journal_mode=delete;");
    await backup.backup(backupDir);
    sqlite(db, "pragma journal_mode=wal; pragma wal_autocheckpoint=0; insert into items values ('late');", { leaveWal: true });
    assert.ok(existsSync(`${db}-wal`));
    await backup.restore(backupDir);
    assert.equal(existsSync(`${db}-wal`), false, "a -wal from after the backup would be replayed onto the old file");
    assert.deepEqual(sqlite(db, ""), ["apple"]);
  });

  test("SQLite's online backup takes a consistent copy while another process writes to the database", async () => {
    const db = join(sharedVar, "acme.db");
    sqlite(db, "pragma journal_mode=wal; create table items(name text);");
    // a writer committing rows as fast as it can, for up to 20 s, until it is stopped
    const writer = spawn("/usr/bin/python3", ["-c", `
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=30)
deadline = time.time() + 20
n = 0
while time.time() < deadline:
    con.execute("insert into items values (?)", ("row %d" % n,))
    con.commit()
    n += 1
`, db], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const backup = databaseBackup({ kind: "files", paths: ["acme.db"] }, sharedVar, log);
      await backup.prepare!(backupDir); // the first pass, taken while the writer goes on
      await backup.backup(backupDir);
      writer.kill("SIGKILL");
      await backup.restore(backupDir);
    } finally {
      writer.kill("SIGKILL");
    }
    const check = execFileSync("/usr/bin/python3", ["-c", "import sqlite3, sys; con = sqlite3.connect(sys.argv[1]); print(con.execute('pragma integrity_check').fetchone()[0], con.execute('select count(*) from items').fetchone()[0])", db], { encoding: "utf8" }).trim().split(" ");
    assert.equal(check[0], "ok", "the restored copy is a whole database");
    assert.ok(Number(check[1]) > 0, `it holds the rows committed before the backup (${check[1]})`);
  });

  test("a ZODB-like tree: Data.fs and blobstorage restored exactly; paths not listed are left alone", async () => {
    mkdirSync(join(sharedVar, "filestorage"));
    mkdirSync(join(sharedVar, "blobstorage", "0x00", "0x01"), { recursive: true });
    mkdirSync(join(sharedVar, "log"));
    writeFileSync(join(sharedVar, "filestorage", "Data.fs"), "transactions 1-10");
    writeFileSync(join(sharedVar, "blobstorage", "0x00", "0x01", "a.blob"), "blob a");
    writeFileSync(join(sharedVar, "blobstorage", ".layout"), "bushy");
    writeFileSync(join(sharedVar, "log", "instance.log"), "started\n");
    const before = treeListing(sharedVar);
    const backup = databaseBackup({ kind: "files", paths: ["filestorage/Data.fs", "blobstorage/"] }, sharedVar, log);

    const info = await backup.backup(backupDir);
    assert.deepEqual([info.files, info.bytes], [3, "transactions 1-10".length + "blob a".length + "bushy".length]);

    writeFileSync(join(sharedVar, "filestorage", "Data.fs"), "transactions 1-12");
    writeFileSync(join(sharedVar, "blobstorage", "0x00", "0x01", "b.blob"), "blob b");
    rmSync(join(sharedVar, "blobstorage", "0x00", "0x01", "a.blob"));
    writeFileSync(join(sharedVar, "log", "instance.log"), "started\nnew release failed\n");

    await backup.restore(backupDir);
    const expected = before.map((line) => (line.startsWith("log/instance.log") ? "log/instance.log: started\nnew release failed\n" : line));
    assert.deepEqual(treeListing(sharedVar), expected);
  });

  test("empty paths back up all of shared/var, skipping sockets; a listed path missing at backup time is removed on restore", async () => {
    writeFileSync(join(sharedVar, "Data.fs"), "zodb");
    const socketServer = createServer();
    await new Promise<void>((resolve) => socketServer.listen(join(sharedVar, "zeo.sock"), resolve));
    try {
      const all = databaseBackup({ kind: "files", paths: [] }, sharedVar, log);
      const info = await all.backup(backupDir);
      assert.equal(info.files, 1);
      assert.deepEqual(JSON.parse(readFileSync(join(backupDir, "backup.json"), "utf8")).paths, ["Data.fs"]);
      assert.ok(lines.some((line) => /skipping .*zeo\.sock: not a file, directory or symlink/.test(line)));
      writeFileSync(join(sharedVar, "Data.fs"), "zodb, later");
      await all.restore(backupDir);
      assert.equal(readFileSync(join(sharedVar, "Data.fs"), "utf8"), "zodb");
      assert.ok(statSync(join(sharedVar, "zeo.sock")).isSocket(), "a socket is neither copied nor removed");
    } finally {
      socketServer.close();
    }

    const sqliteOnly = databaseBackup({ kind: "files", paths: ["acme.db"] }, sharedVar, log);
    await sqliteOnly.backup(backupDir);
    sqlite(join(sharedVar, "acme.db"), "create table items(name text);");
    await sqliteOnly.restore(backupDir);
    assert.equal(existsSync(join(sharedVar, "acme.db")), false, "the database the new release created is gone");
  });

  test("a new backup of the same tag replaces the old one; an interrupted .partial is discarded", async () => {
    writeFileSync(join(sharedVar, "Data.fs"), "first");
    const backup = databaseBackup({ kind: "files", paths: ["Data.fs"] }, sharedVar, log);
    await backup.backup(backupDir);
    writeFileSync(join(sharedVar, "Data.fs"), "second");
    mkdirSync(`${backupDir}.partial/var`, { recursive: true });
    writeFileSync(`${backupDir}.partial/var/stale`, "from a crash");
    await backup.backup(backupDir);
    assert.deepEqual(readdirSync(join(root, "backups")), ["20261125-aaaa1111"]);
    writeFileSync(join(sharedVar, "Data.fs"), "third");
    await backup.restore(backupDir);
    assert.equal(readFileSync(join(sharedVar, "Data.fs"), "utf8"), "second");
  });

  test("a backup made before snapshots (plain copies under var/) still restores", async () => {
    mkdirSync(join(backupDir, "var"), { recursive: true });
    writeFileSync(join(backupDir, "var", "Data.fs"), "as it was");
    writeFileSync(join(backupDir, "backup.json"), JSON.stringify({ kind: "files", files: 1, bytes: 9, created: "2026-11-30T10:00:00Z", paths: ["Data.fs"], absent: ["acme.db"] }));
    writeFileSync(join(sharedVar, "Data.fs"), "changed since");
    writeFileSync(join(sharedVar, "acme.db"), "made since");
    await databaseBackup({ kind: "files", paths: ["Data.fs"] }, sharedVar, log).restore(backupDir);
    assert.equal(readFileSync(join(sharedVar, "Data.fs"), "utf8"), "as it was");
    assert.equal(existsSync(join(sharedVar, "acme.db")), false);
  });

  test("restore refuses a directory without a complete backup, and a backup of another kind", async () => {
    const backup = databaseBackup({ kind: "files", paths: ["Data.fs"] }, sharedVar, log);
    mkdirSync(`${backupDir}.partial`, { recursive: true });
    await assert.rejects(backup.restore(backupDir), (error: unknown) => {
      assert.ok(error instanceof BackupError);
      assert.match(error.message, /^no complete backup in .*20261125-aaaa1111: backup\.json cannot be read$/);
      assert.match(error.hint ?? "", /20261125-aaaa1111\.partial .* was interrupted/);
      return true;
    });
    await databaseBackup({ kind: "none", paths: [] }, sharedVar, log).backup(backupDir);
    await assert.rejects(backup.restore(backupDir), /this backup was made with db = none, but the target now says db = files/);
  });

  test("paths outside shared/var, or nested in one another, are refused", async () => {
    for (const [paths, message] of [
      [["../etc/passwd"], /db-paths entry "\.\.\/etc\/passwd" is not a path inside shared\/var/],
      [["/srv/acme/shared/var/acme.db"], /is not a path inside shared\/var/],
      [["blobstorage", "blobstorage/0x00"], /db-paths lists both blobstorage and blobstorage\/0x00/],
    ] as const) {
      await assert.rejects(databaseBackup({ kind: "files", paths: [...paths] }, sharedVar, log).backup(backupDir), (error: unknown) => {
        assert.ok(error instanceof BackupError);
        assert.match(error.message, message);
        return true;
      });
    }
    assert.equal(existsSync(join(root, "backups", "20261125-aaaa1111.partial")), false);
  });

  test("file system failures become BackupErrors naming the backup directory", async () => {
    writeFileSync(join(root, "backups"), "a file where the backups directory should be");
    const backup = databaseBackup({ kind: "files", paths: [] }, sharedVar, log);
    await assert.rejects(backup.backup(backupDir), (error: unknown) => {
      assert.ok(error instanceof BackupError);
      assert.equal(error.where, backupDir);
      assert.match(error.message, /^backup failed: .*(ENOTDIR|EEXIST)/);
      return true;
    });
    assert.equal(relative(root, backupDir), "backups/20261125-aaaa1111");
  });
});
