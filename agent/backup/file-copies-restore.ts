/**
 * Restores a files backup made before snapshots (backup.json without `format`): plain copies
 * under var/. Every path is staged beside its target first, then swapped in: a file by one
 * rename; a directory by two, and a restore run again after a crash between those two
 * finishes the job. Kept so that a host's existing backups stay restorable.
 */
import { lstat, mkdir, rename, rm } from "node:fs/promises";
import { lstatSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { BackupError } from "../../shared/errors.ts";
import type { BackupRecord } from "./backup-directory.ts";
import { copyEntry, fsyncPath, syncTree } from "./file-tree.ts";
import { checkedSharedVarPaths, RESTORE_REPLACED_SUFFIX, RESTORE_STAGING_SUFFIX, type BackupEntries } from "./shared-var-paths.ts";

/** Inside such a backup directory, the copied paths live under var/, apart from backup.json. */
const COPIES_DIR = "var";

export async function restoreCopies(record: BackupRecord, backupDir: string, sharedVarDir: string, log: (line: string) => void): Promise<void> {
  const entries = recordedEntries(record, backupDir);
  for (const path of entries.present) await stageRestore(join(backupDir, COPIES_DIR, path), join(sharedVarDir, path), log);
  for (const path of entries.present) await swapIn(join(sharedVarDir, path));
  for (const path of entries.absent) await removeEntry(join(sharedVarDir, path));
  log(`restore: put back ${entries.present.join(", ") || "nothing"}${entries.absent.length ? `, removed ${entries.absent.join(", ")}` : ""} in ${sharedVarDir}`);
}

function recordedEntries(record: BackupRecord, backupDir: string): BackupEntries {
  const isPathList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");
  if (!isPathList(record.paths) || !isPathList(record.absent)) {
    throw new BackupError("backup.json has no paths and absent lists", { where: backupDir, hint: "the backup is damaged; restore by hand" });
  }
  return { present: checkedSharedVarPaths(record.paths), absent: checkedSharedVarPaths(record.absent) };
}

const stagingName = (target: string) => join(dirname(target), `.${basename(target)}${RESTORE_STAGING_SUFFIX}`);
const replacedName = (target: string) => join(dirname(target), `.${basename(target)}${RESTORE_REPLACED_SUFFIX}`);

/** Copies the backed-up entry beside its target, synced, ready to be renamed over it. */
async function stageRestore(copy: string, target: string, log: (line: string) => void): Promise<void> {
  const staged = stagingName(target);
  await rm(staged, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  await copyEntry(copy, staged, log);
  await syncTree(staged);
}

async function swapIn(target: string): Promise<void> {
  const staged = stagingName(target);
  const replaced = replacedName(target);
  const [stagedStats, targetStats] = [await lstat(staged), lstatIfPresent(target)];
  if (targetStats && (targetStats.isDirectory() || stagedStats.isDirectory())) {
    // rename(2) cannot replace a non-empty directory: move it aside first
    await rm(replaced, { recursive: true, force: true });
    await rename(target, replaced);
  }
  await rename(staged, target);
  await fsyncPath(dirname(target));
  await rm(replaced, { recursive: true, force: true });
}

async function removeEntry(target: string): Promise<void> {
  if (!lstatIfPresent(target)) return;
  const replaced = replacedName(target);
  await rm(replaced, { recursive: true, force: true });
  await rename(target, replaced);
  await fsyncPath(dirname(target));
  await rm(replaced, { recursive: true, force: true });
}

function lstatIfPresent(path: string) {
  return lstatSync(path, { throwIfNoEntry: false });
}
