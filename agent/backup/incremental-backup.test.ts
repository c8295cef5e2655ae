/**
 * Incremental db = files backups on a ZODB-shaped tree (a Data.fs of appended records, a
 * pack that rewrites it smaller, blob files written once): links made, only appended bytes
 * copied, a pack detected, byte-identical restores, and kill -9 at any moment of a backup
 * or a restore recovered by running it again. Real files, real processes, real signals.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, test } from "node:test";
import { BackupError } from "../../shared/errors.ts";
import { databaseBackup } from "./database-backup.ts";
import { measureBackupUsage, pruneBackups, readBackupUsage } from "./prune-backups.ts";

const KIB = 1024;
const MIB = 1024 * KIB;
const PATHS = ["filestorage/Data.fs", "blobstorage"];

/** Every file under `dir` with its bytes, for byte-for-byte comparison. */
function contents(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const path of readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    if (statSync(join(dir, path)).isFile()) files.set(path, readFileSync(join(dir, path)));
  }
  return files;
}

function assertSameContents(actual: Map<string, Buffer>, expected: Map<string, Buffer>, message: string): void {
  assert.deepEqual([...actual.keys()], [...expected.keys()], `${message}: the same files`);
  for (const [path, bytes] of expected) assert.ok(actual.get(path)!.equals(bytes), `${message}: ${path} byte for byte`);
}

describe("db = files, incremental", () => {
  let root: string;
  let sharedVar: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const backupDir = (tag: string) => join(root, "backups", tag);
  const record = (tag: string) => JSON.parse(readFileSync(join(backupDir(tag), "backup.json"), "utf8"));
  const dataFs = () => join(sharedVar, "filestorage", "Data.fs");
  const blob = (n: number) => join(sharedVar, "blobstorage", `0x${(n % 16).toString(16).padStart(2, "0")}`, `${n}.blob`);
  const addBlobs = (from: number, count: number, size = 40 * KIB) => {
    for (let n = from; n < from + count; n++) {
      mkdirSync(join(blob(n), ".."), { recursive: true });
      writeFileSync(blob(n), randomBytes(size));
    }
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "hostout-incremental-"));
    sharedVar = join(root, "shared", "var");
    mkdirSync(join(sharedVar, "filestorage"), { recursive: true });
    mkdirSync(join(root, "backups"));
    writeFileSync(dataFs(), randomBytes(3 * MIB));
    addBlobs(0, 40);
    lines.length = 0;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("a second backup links every unchanged blob and copies only the bytes appended to Data.fs and the new blobs", async () => {
    const backup = databaseBackup({ kind: "files", paths: PATHS }, sharedVar, log);
    await backup.backup(backupDir("t1"));
    assert.equal(record("t1").writtenBytes, 3 * MIB + 40 * 40 * KIB, "the first backup copies everything");

    appendFileSync(dataFs(), randomBytes(200 * KIB));
    addBlobs(40, 3);
    await backup.backup(backupDir("t2"));
    assert.equal(record("t2").writtenBytes, 200 * KIB + 3 * 40 * KIB, "only the appended bytes and the new blobs are written");

    // the unchanged blobs and Data.fs's old bytes are the very same files (hard links), not copies
    const objects = (tag: string) => new Set(readdirSync(join(backupDir(tag), "objects")));
    const shared = [...objects("t1")].filter((name) => objects("t2").has(name));
    assert.equal(shared.length, 41, "40 blobs and the first 3 MiB of Data.fs");
    for (const name of shared) {
      assert.equal(statSync(join(backupDir("t1"), "objects", name)).ino, statSync(join(backupDir("t2"), "objects", name)).ino);
    }

    // the older backup pruned: the newer one restores on its own, byte for byte
    const atT2 = contents(sharedVar);
    rmSync(backupDir("t1"), { recursive: true });
    appendFileSync(dataFs(), randomBytes(50 * KIB));
    rmSync(blob(3));
    addBlobs(43, 2);
    await backup.restore(backupDir("t2"));
    assertSameContents(contents(sharedVar), atT2, "restored from the newer backup alone");
  });

  test("a restore truncates an appended Data.fs back (same file), removes the blobs added since and links the removed ones back", async () => {
    const backup = databaseBackup({ kind: "files", paths: PATHS }, sharedVar, log);
    await backup.backup(backupDir("t1"));
    const atBackup = contents(sharedVar);
    const inode = statSync(dataFs()).ino;

    appendFileSync(dataFs(), randomBytes(1 * MIB));
    rmSync(blob(7));
    addBlobs(40, 5);
    await backup.restore(backupDir("t1"));
    assertSameContents(contents(sharedVar), atBackup, "as it was at the backup");
    assert.equal(statSync(dataFs()).ino, inode, "Data.fs was truncated in place, not copied back");
    assert.match(lines.at(-1)!, /restore: 39 unchanged, 1 truncated back, 1 put back, 5 removed/);
    const objectOfBlob7 = readdirSync(join(backupDir("t1"), "objects")).find((name) => readFileSync(join(backupDir("t1"), "objects", name)).equals(atBackup.get("blobstorage/0x07/7.blob")!))!;
    assert.equal(statSync(blob(7)).ino, statSync(join(backupDir("t1"), "objects", objectOfBlob7)).ino, "a removed blob is linked back from the backup");

    // the next backup after that restore costs nothing: the truncated Data.fs is the backed-up one again
    await backup.backup(backupDir("t2"));
    assert.equal(record("t2").writtenBytes, 0);
  });

  test("a pack (Data.fs rewritten smaller, a new file) and a rewrite in place are detected and copied whole", async () => {
    const backup = databaseBackup({ kind: "files", paths: PATHS }, sharedVar, log);
    await backup.backup(backupDir("t1"));

    // a pack writes Data.fs.pack and renames it over Data.fs
    writeFileSync(`${dataFs()}.pack`, randomBytes(2 * MIB));
    renameSync(`${dataFs()}.pack`, dataFs());
    await backup.backup(backupDir("t2"));
    assert.equal(record("t2").writtenBytes, 2 * MIB, "the packed file is copied whole");

    // the same file, longer, but its earlier bytes rewritten: not an append
    const bytes = readFileSync(dataFs());
    bytes[bytes.length - 10]! ^= 0xff;
    writeFileSync(dataFs(), Buffer.concat([bytes, randomBytes(KIB)]));
    await backup.backup(backupDir("t3"));
    assert.equal(record("t3").writtenBytes, 2 * MIB + KIB, "rewritten bytes are never taken for a prefix");
    const atT3 = contents(sharedVar);
    writeFileSync(dataFs(), randomBytes(100));
    await backup.restore(backupDir("t3"));
    assertSameContents(contents(sharedVar), atT3, "restored whole");
  });

  test("two passes: the first while the application writes, the second copies only what changed since", async () => {
    const backup = databaseBackup({ kind: "files", paths: PATHS }, sharedVar, log);
    await backup.backup(backupDir("t1"));
    appendFileSync(dataFs(), randomBytes(300 * KIB));
    addBlobs(40, 2);
    const first = await backup.prepare!(backupDir("t2"));
    assert.equal(first.bytes, 300 * KIB + 2 * 40 * KIB);
    assert.equal(existsSync(backupDir("t2")), false, "not a backup until the second pass");

    // the application goes on until it is stopped: a transaction more, a blob more
    appendFileSync(dataFs(), randomBytes(10 * KIB));
    addBlobs(42, 1);
    const atStop = contents(sharedVar);
    const linesBefore = lines.length;
    await backup.backup(backupDir("t2"));
    assert.match(lines.slice(linesBefore).join("\n"), /1 files copied, 1 appended to, 42 linked from t2\.partial/);
    assert.equal(record("t2").writtenBytes, 310 * KIB + 3 * 40 * KIB);
    writeFileSync(dataFs(), "damaged");
    await backup.restore(backupDir("t2"));
    assertSameContents(contents(sharedVar), atStop, "the data as it was when the services stopped");
  });

  test("a damaged object is found by its checksum when the restore reads it", async () => {
    const backup = databaseBackup({ kind: "files", paths: PATHS }, sharedVar, log);
    await backup.backup(backupDir("t1"));
    const snapshot = JSON.parse(gunzipSync(readFileSync(join(backupDir("t1"), "snapshot.json.gz"))).toString("utf8"));
    const dataEntry = snapshot.entries.find((e: { path: string }) => e.path === "filestorage/Data.fs");
    const object = join(backupDir("t1"), "objects", dataEntry.segments[0].sha256);
    rmSync(dataFs());
    const damaged = readFileSync(object);
    damaged[0]! ^= 1;
    rmSync(object);
    writeFileSync(object, damaged);
    await assert.rejects(backup.restore(backupDir("t1")), (error: unknown) => {
      assert.ok(error instanceof BackupError);
      assert.match(error.message, /the backup's object [0-9a-f]{64} is damaged/);
      return true;
    });
    assert.equal(existsSync(dataFs()), false, "nothing half-restored was put in place");
  });

  test("a disk that fills up during a backup: a BackupError saying what to free, the live data untouched, no backup left half-made", async () => {
    const backups = join(root, "backups");
    assert.equal(spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", backups]).status, 0, "a real, small filesystem for the backups");
    try {
      const live = contents(sharedVar);
      const backup = databaseBackup({ kind: "files", paths: PATHS }, sharedVar, log);
      await assert.rejects(backup.backup(backupDir("full")), (error: unknown) => {
        assert.ok(error instanceof BackupError);
        assert.match(error.message, /^backup failed: no space left on the device \(ENOSPC, write\)/);
        assert.match(error.hint ?? "", /free space on the disk of .*backups .*lower keep-backups, or remove backups\/<tag> you no longer need; the live database was not touched/);
        return true;
      });
      assertSameContents(contents(sharedVar), live, "nothing live changed");
      assert.deepEqual(readdirSync(backups), [], "neither a backup nor its .partial is left");
    } finally {
      spawnSync("umount", [backups]);
    }
  });

  test("pruning keeps the newest backups and interrupted ones go; what a kept backup links stays", async () => {
    const backup = databaseBackup({ kind: "files", paths: PATHS }, sharedVar, log);
    for (const tag of ["t1", "t2", "t3"]) {
      appendFileSync(dataFs(), randomBytes(KIB));
      await backup.backup(backupDir(tag));
    }
    mkdirSync(`${backupDir("t4")}.partial`);
    const atT3 = contents(sharedVar);
    assert.deepEqual(pruneBackups(join(root, "backups"), 1, []), ["t2", "t1"]);
    assert.deepEqual(readdirSync(join(root, "backups")), ["t3"]);
    measureBackupUsage(join(root, "backups"));
    const usage = readBackupUsage(backupDir("t3"));
    assert.equal(usage.backupBytes, 3 * MIB + 3 * KIB + 40 * 40 * KIB);
    assert.equal(usage.backupOwnBytes, usage.backupBytes, "alone now, it owns all its objects");
    writeFileSync(dataFs(), "gone");
    await backup.restore(backupDir("t3"));
    assertSameContents(contents(sharedVar), atT3, "the kept backup restores after its elders are pruned");
  });

  test("a FileStorage being written to is taken up to its last whole transaction; the pass after stop takes the rest", async () => {
    /** A FileStorage transaction: header (tid, length, status, three lengths), records, the length again. */
    const transaction = (records: Buffer, status = " ") => {
      const length = 23 + records.length;
      const header = Buffer.alloc(23);
      header.writeBigUInt64BE(BigInt(Date.now()), 0);
      header.writeBigUInt64BE(BigInt(length), 8);
      header.write(status, 16, "latin1");
      const trailer = Buffer.alloc(8);
      trailer.writeBigUInt64BE(BigInt(length));
      return Buffer.concat([header, records, trailer]);
    };
    const whole = Buffer.concat([Buffer.from("FS21"), transaction(randomBytes(100 * KIB)), transaction(randomBytes(50 * KIB))]);
    // a third transaction half-written, its status still "c": what the application is writing now
    const third = transaction(randomBytes(30 * KIB), "c");
    writeFileSync(dataFs(), Buffer.concat([whole, third.subarray(0, 10 * KIB)]));

    const backup = databaseBackup({ kind: "files", paths: PATHS }, sharedVar, log);
    await backup.prepare!(backupDir("t1"));
    const firstPass = JSON.parse(readFileSync(join(`${backupDir("t1")}.partial`, "first-pass.json"), "utf8"));
    assert.equal(firstPass.snapshot.entries.find((e: { path: string }) => e.path === "filestorage/Data.fs").size, whole.length, "only whole transactions while it is written to");

    // the application commits it (the rest written, the status byte set) and is stopped
    const committed = Buffer.from(third);
    committed.write(" ", 16, "latin1");
    writeFileSync(dataFs(), Buffer.concat([whole, committed]));
    await backup.backup(backupDir("t1"));
    const atStop = contents(sharedVar);
    assert.equal(record("t1").writtenBytes, 40 * 40 * KIB + whole.length + committed.length, "each byte written once over both passes");

    appendFileSync(dataFs(), transaction(randomBytes(KIB)));
    await backup.restore(backupDir("t1"));
    assertSameContents(contents(sharedVar), atStop, "the committed transaction is in the backup");
  });

  test("kill -9 at any moment of a backup leaves shared/var untouched; of a restore, a second restore finishes it", async () => {
    addBlobs(40, 160, 16 * KIB);
    writeFileSync(dataFs(), randomBytes(24 * MIB)); // two segments, so a restore has much to rebuild
    const backup = databaseBackup({ kind: "files", paths: PATHS }, sharedVar, log);
    await backup.backup(backupDir("base"));
    const atBackup = contents(sharedVar);

    const runKilled = async (action: "backup" | "restore", tag: string, afterMs: number) => {
      const child = spawn(process.execPath, ["--import", "tsx", "-e", `
        import("${join(import.meta.dirname, "database-backup.ts")}").then(async ({ databaseBackup }) => {
          const backup = databaseBackup({ kind: "files", paths: ${JSON.stringify(PATHS)} }, ${JSON.stringify(sharedVar)}, () => {});
          await backup.${action}(${JSON.stringify(backupDir(tag))});
        });`], { stdio: "ignore" });
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      setTimeout(() => child.kill("SIGKILL"), afterMs);
      return exited;
    };

    let completedRestore = false;
    for (const afterMs of [150, 300, 450, 600, 800, 1000, 1400, 2000, 6000]) {
      // the new release ran: Data.fs rewritten (a pack), blobs added and removed
      writeFileSync(dataFs(), randomBytes(20 * MIB));
      rmSync(blob(5), { force: true });
      addBlobs(500, 30);
      const live = contents(sharedVar);
      const backupCode = await runKilled("backup", `killed-${afterMs}`, afterMs);
      assertSameContents(contents(sharedVar), live, `a backup killed after ${afterMs} ms changed nothing live`);
      // killed before its last rename: no backup; after it (the process had not exited yet): a whole one
      if (backupCode === null && existsSync(backupDir(`killed-${afterMs}`))) assert.equal(record(`killed-${afterMs}`).kind, "files", "a backup directory is always complete");

      const restoreCode = await runKilled("restore", "base", afterMs);
      completedRestore ||= restoreCode === 0;
      await backup.restore(backupDir("base"));
      assertSameContents(contents(sharedVar), atBackup, `a restore killed after ${afterMs} ms, then run again`);
      for (const name of readdirSync(join(sharedVar, "filestorage"))) assert.ok(!name.includes("hostout-restoring"), "no staging names left");
    }
    assert.ok(completedRestore, "the later kills came after a whole restore: the range covered every moment of one");
  });
});
