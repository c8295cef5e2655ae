import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { BackupError } from "../../shared/errors.ts";
import { databaseBackup } from "./database-backup.ts";

describe("db = command and db = none", () => {
  let root: string;
  let sharedVar: string;
  let backupDir: string;
  const log = () => {};
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "hostout-command-backup-"));
    sharedVar = join(root, "shared", "var");
    mkdirSync(sharedVar, { recursive: true });
    backupDir = join(root, "backups", "t1");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("the commands run in shared/var with HOSTOUT_BACKUP_DIR set; the backup becomes complete only when the command succeeds", async () => {
    writeFileSync(join(sharedVar, "data.txt"), "version 1");
    const backup = databaseBackup(
      { kind: "command", paths: [], backupCommand: 'cp data.txt "$HOSTOUT_BACKUP_DIR/data.copy"', restoreCommand: 'cp "$HOSTOUT_BACKUP_DIR/data.copy" data.txt' },
      sharedVar,
      log,
    );
    const info = await backup.backup(backupDir);
    assert.deepEqual([info.kind, info.files, info.bytes], ["command", 1, "version 1".length]);
    assert.deepEqual(readdirSync(backupDir).sort(), ["backup.json", "data.copy"]);

    writeFileSync(join(sharedVar, "data.txt"), "version 2");
    await backup.restore(backupDir);
    assert.equal(readFileSync(join(sharedVar, "data.txt"), "utf8"), "version 1");
  });

  test("a failing backup command: BackupError with its output, and no backup directory", async () => {
    const backup = databaseBackup({ kind: "command", paths: [], backupCommand: "echo 'dump: permission denied' >&2; exit 4", restoreCommand: "true" }, sharedVar, log);
    await assert.rejects(backup.backup(backupDir), (error: unknown) => {
      assert.ok(error instanceof BackupError);
      assert.match(error.message, /^db-backup-command failed: `.*` exited with code 4\n  last output:\n    dump: permission denied$/);
      assert.match(error.hint ?? "", /HOSTOUT_BACKUP_DIR=/);
      return true;
    });
    assert.deepEqual(readdirSync(join(root, "backups")), []);
  });

  test("both commands are required", () => {
    assert.throws(() => databaseBackup({ kind: "command", paths: [], backupCommand: "true" }, sharedVar, log), /db = command needs db-restore-command/);
  });

  test("db = none records an empty backup and restores nothing", async () => {
    writeFileSync(join(sharedVar, "data.txt"), "kept");
    const none = databaseBackup({ kind: "none", paths: [] }, sharedVar, log);
    assert.deepEqual((({ kind, files, bytes }) => ({ kind, files, bytes }))(await none.backup(backupDir)), { kind: "none", files: 0, bytes: 0 });
    assert.deepEqual(readdirSync(backupDir), ["backup.json"]);
    writeFileSync(join(sharedVar, "data.txt"), "changed");
    await none.restore(backupDir);
    assert.equal(readFileSync(join(sharedVar, "data.txt"), "utf8"), "changed");
    assert.equal(existsSync(`${backupDir}.partial`), false);
  });
});
