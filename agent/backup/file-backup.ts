/**
 * db = files: paths under shared/var (SQLite files, ZODB Data.fs and blobstorage) as an
 * incremental snapshot (file-snapshot.ts) linked from the newest earlier backup. Two passes:
 * `prepare` takes the bulk while the old release still serves, `backup` (services stopped)
 * only what changed since, so the outage does not grow with the database. A SQLite
 * database is copied through SQLite's own online backup, so the first pass can take it
 * while the application writes. Nothing outside backups/ is written until a restore.
 */
import { execFile } from "node:child_process";
import { gunzipSync, gzipSync } from "node:zlib";
import { existsSync, lstatSync, rmSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BackupError } from "../../shared/errors.ts";
import { readAsset } from "../../shared/assets.ts";
import { writeFileAtomic } from "../../shared/fs/atomic-write.ts";
import { BACKUP_RECORD_FILE, finishBackupDirectory, partialBackupDir, readBackupRecord, type BackupRecord } from "./backup-directory.ts";
import type { BackupInfo, DatabaseBackup } from "./database-backup.ts";
import { syncFilesystemOf } from "./file-tree.ts";
import { OBJECTS_DIR, restoreSnapshot, takeSnapshot, type Snapshot, type SpecialCopy } from "./file-snapshot.ts";
import { backupEntries, isSqliteFile, type BackupEntries } from "./shared-var-paths.ts";
import { restoreCopies } from "./file-copies-restore.ts";

/** The snapshot's entries, beside backup.json: large for a blobstorage, read only when needed. */
const SNAPSHOT_FILE = "snapshot.json.gz";
/** backup.json's format for snapshots; backups without it hold plain copies under var/. */
const SNAPSHOT_FORMAT = 2;

export function fileBackup(paths: readonly string[], sharedVarDir: string, log: (line: string) => void, python: string): DatabaseBackup {
  const specialCopy = sqliteOnlineCopy(python);
  const snapshotInto = async (dir: string, backupDir: string, previous: { snapshot: Snapshot; dir: string } | undefined) => {
    const entries = withSqliteSiblingsAbsent(await backupEntries(paths, sharedVarDir, log));
    return takeSnapshot({ sharedVarDir, present: entries.present, absent: entries.absent, previous, specialCopy, log }, dir).then((result) => {
      log(`backup: ${result.cost.copiedFiles} files copied, ${result.cost.appendedFiles} appended to, ${result.cost.linkedFiles} linked from ${previous ? previous.dir.split("/").at(-1) : "no earlier backup"}; ${result.cost.copiedBytes} bytes written into ${backupDir.split("/").at(-1)}`);
      return result;
    });
  };
  // the first pass as this process made it: the second pass needs no reading back (after an
  // agent restart, first-pass.json in the partial directory serves)
  let remembered: { partial: string; firstPass: FirstPass } | undefined;
  return {
    async prepare(backupDir) {
      const partial = partialBackupDir(backupDir);
      await rm(partial, { recursive: true, force: true });
      await mkdir(partial, { recursive: true });
      try {
        const { snapshot, cost } = await snapshotInto(partial, backupDir, await newestSnapshot(dirname(backupDir), backupDir));
        // its snapshot file too, so that a second pass that finds nothing changed keeps it as it is
        writeSnapshot(partial, snapshot);
        // durable now, while the release serves: the second pass then syncs only its own few writes
        await syncFilesystemOf(partial);
        const firstPass: FirstPass = { snapshot, writtenBytes: cost.copiedBytes };
        writeFileAtomic(join(partial, FIRST_PASS_FILE), JSON.stringify(firstPass));
        remembered = { partial, firstPass };
        return { bytes: cost.copiedBytes };
      } catch (error) {
        await rm(partial, { recursive: true, force: true });
        throw error;
      }
    },

    async backup(backupDir) {
      const partial = partialBackupDir(backupDir);
      // after a first pass, only what changed since it; else from the newest earlier backup
      const firstPass = remembered?.partial === partial && existsSync(join(partial, FIRST_PASS_FILE)) ? remembered.firstPass : await readFirstPass(partial);
      remembered = undefined;
      if (!firstPass) {
        await rm(partial, { recursive: true, force: true });
        await mkdir(partial, { recursive: true });
      }
      try {
        const previous = firstPass ? { snapshot: firstPass.snapshot, dir: partial } : await newestSnapshot(dirname(backupDir), backupDir);
        const { snapshot, cost, sameAsPrevious } = await snapshotInto(partial, backupDir, previous);
        const dropped = firstPass ? dropUnusedObjects(partial, firstPass.snapshot, snapshot) : 0;
        if (!(firstPass && sameAsPrevious)) writeSnapshot(partial, snapshot);
        await rm(join(partial, FIRST_PASS_FILE), { force: true });
        await syncFilesystemOf(partial);
        const files = snapshot.entries.filter((e) => e.type === "file");
        const info: BackupInfo = { kind: "files", files: files.length, bytes: files.reduce((sum, e) => sum + e.size, 0), created: new Date().toISOString() };
        const record: BackupRecord = { ...info, format: SNAPSHOT_FORMAT, paths: snapshot.present, absent: snapshot.absent, writtenBytes: (firstPass?.writtenBytes ?? 0) + cost.copiedBytes - dropped };
        await finishBackupDirectory(partial, backupDir, record);
        return info;
      } catch (error) {
        await rm(partial, { recursive: true, force: true });
        throw error;
      }
    },

    async restore(backupDir) {
      const record = await readBackupRecord(backupDir, "files");
      if (record.format !== SNAPSHOT_FORMAT) return restoreCopies(record, backupDir, sharedVarDir, log);
      await restoreSnapshot(await readSnapshot(backupDir), backupDir, sharedVarDir, log);
    },
  };
}

/** The first pass's snapshot, kept in the partial directory until the second pass finishes it. */
const FIRST_PASS_FILE = "first-pass.json";

/** The first pass's snapshot and the bytes it wrote (objects it copied, not linked). */
interface FirstPass {
  snapshot: Snapshot;
  writtenBytes: number;
}

async function readFirstPass(partial: string): Promise<FirstPass | undefined> {
  try {
    const firstPass = JSON.parse(await readFile(join(partial, FIRST_PASS_FILE), "utf8")) as FirstPass;
    return firstPass.snapshot ? firstPass : undefined;
  } catch {
    return undefined;
  }
}

/** snapshot.json, gzipped: a blobstorage's entries are megabytes of JSON, written with every backup. */
function writeSnapshot(dir: string, snapshot: Snapshot): void {
  writeFileAtomic(join(dir, SNAPSHOT_FILE), gzipSync(JSON.stringify(snapshot), { level: 1 }));
}

async function readSnapshot(backupDir: string): Promise<Snapshot> {
  try {
    return JSON.parse(gunzipSync(await readFile(join(backupDir, SNAPSHOT_FILE))).toString("utf8")) as Snapshot;
  } catch (error) {
    throw new BackupError(`${SNAPSHOT_FILE} of the backup cannot be read`, { where: join(backupDir, SNAPSHOT_FILE), hint: "the backup is damaged; restore an older one, or by hand", cause: error });
  }
}

/** The newest complete snapshot backup beside `backupDir` (not itself): what the next one links from. */
async function newestSnapshot(backupsDir: string, backupDir: string): Promise<{ snapshot: Snapshot; dir: string } | undefined> {
  const candidates: { dir: string; created: string }[] = [];
  for (const name of await readdir(backupsDir).catch(() => [] as string[])) {
    const dir = join(backupsDir, name);
    if (dir === backupDir || name.startsWith(".") || name.includes(".")) continue; // .partial, .replaced
    try {
      const record = JSON.parse(await readFile(join(dir, BACKUP_RECORD_FILE), "utf8")) as BackupRecord;
      if (record.kind === "files" && record.format === SNAPSHOT_FORMAT) candidates.push({ dir, created: record.created });
    } catch {
      continue;
    }
  }
  const newest = candidates.sort((a, b) => (a.created < b.created ? 1 : -1))[0];
  return newest && { snapshot: await readSnapshot(newest.dir), dir: newest.dir };
}

/**
 * Removes the objects a first pass wrote or linked that the finished snapshot no longer
 * uses (a file that changed again); returns the bytes of those it had written itself.
 */
function dropUnusedObjects(dir: string, first: Snapshot, snapshot: Snapshot): number {
  const objectsOf = (s: Snapshot) => s.entries.flatMap((e) => (e.type === "file" ? e.segments.map((segment) => segment.sha256) : []));
  const used = new Set(objectsOf(snapshot));
  let written = 0;
  for (const name of new Set(objectsOf(first))) {
    if (used.has(name)) continue;
    const stats = statSync(join(dir, OBJECTS_DIR, name));
    if (stats.nlink === 1) written += stats.size;
    rmSync(join(dir, OBJECTS_DIR, name), { force: true });
  }
  return written;
}

/**
 * A SQLite database's -wal, -journal and -shm are not copied: its online backup holds
 * every committed transaction, and a restore removes them, so no stale -wal is replayed.
 */
function withSqliteSiblingsAbsent(entries: BackupEntries): BackupEntries {
  const siblings = entries.present.filter((path) => /-(wal|journal|shm)$/.test(path) && entries.present.includes(path.replace(/-(wal|journal|shm)$/, "")));
  return { present: entries.present.filter((p) => !siblings.includes(p)), absent: [...entries.absent, ...siblings].sort() };
}

/**
 * SQLite's own online backup (Python's sqlite3 backup()), through the agent's python. A database
 * whose file and journals kept their size, time and inode since its last copy is not copied again.
 */
function sqliteOnlineCopy(python: string): SpecialCopy {
  const state = (path: string) => {
    const stats = lstatSync(path, { throwIfNoEntry: false });
    return stats ? [stats.size, stats.mtimeMs, stats.ino] : null;
  };
  return {
    signature: async (source) => ((await isSqliteFile(source)) ? JSON.stringify(["", "-wal", "-journal"].map((suffix) => state(source + suffix))) : undefined),
    copy: (source, target) =>
      new Promise<void>((resolve, reject) =>
        execFile(python, ["-c", readAsset("shared/python/sqlite_backup.py"), source, target], { timeout: 3_600_000 }, (error, _stdout, stderr) =>
          error
            ? reject(new BackupError(`SQLite's online backup of ${source} failed: ${stderr.trim().split("\n").at(-1) || error.message}`, { where: source, hint: `check that ${python} runs and that the database is not damaged (sqlite3 ${source} 'PRAGMA integrity_check')` }))
            : resolve(),
        ),
      ),
  };
}
