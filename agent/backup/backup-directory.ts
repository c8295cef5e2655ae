/**
 * A backup directory (backups/<tag>) exists only when complete: every kind fills
 * `<tag>.partial`, which is synced, given its backup.json and renamed into place. A backup
 * of a tag that already has one replaces it (a deploy of that tag being tried again).
 */
import { readFile, rename, rm, mkdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { BackupError } from "../../shared/errors.ts";
import { writeFileAtomic } from "../../shared/fs/atomic-write.ts";
import { fsyncPath, syncTree } from "./file-tree.ts";
import type { BackupInfo } from "./database-backup.ts";

export const BACKUP_RECORD_FILE = "backup.json";

/** backup.json: the BackupInfo and what its kind needs to restore (paths, database...). */
export type BackupRecord = BackupInfo & Record<string, unknown>;

/** `fill` writes the backup into the partial directory and returns the record's details. */
export async function writeBackupDirectory(
  backupDir: string,
  kind: string,
  fill: (partialDir: string) => Promise<Record<string, unknown>>,
): Promise<BackupInfo> {
  const partialDir = partialBackupDir(backupDir);
  await rm(partialDir, { recursive: true, force: true });
  await mkdir(partialDir, { recursive: true });
  try {
    const details = await fill(partialDir);
    const info: BackupInfo = { kind, ...(await syncTree(partialDir)), created: new Date().toISOString() };
    await finishBackupDirectory(partialDir, backupDir, { ...info, ...details });
    return info;
  } catch (error) {
    await rm(partialDir, { recursive: true, force: true });
    throw error;
  }
}

/** `<tag>.partial` beside `backupDir`: where a backup is made until it is complete. */
export function partialBackupDir(backupDir: string): string {
  return `${backupDir}.partial`;
}

/** Gives the synced partial directory its backup.json and renames it into place, replacing an earlier backup of the tag. */
export async function finishBackupDirectory(partialDir: string, backupDir: string, record: BackupRecord): Promise<void> {
  const replacedDir = `${backupDir}.replaced`;
  writeFileAtomic(join(partialDir, BACKUP_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
  await rm(replacedDir, { recursive: true, force: true });
  await rename(backupDir, replacedDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
  await rename(partialDir, backupDir);
  await fsyncPath(dirname(backupDir));
  await rm(replacedDir, { recursive: true, force: true });
}

/** The record of the complete backup in `backupDir`, which must have been made by `kind`. */
export async function readBackupRecord(backupDir: string, kind: string): Promise<BackupRecord> {
  let text: string;
  try {
    text = await readFile(join(backupDir, BACKUP_RECORD_FILE), "utf8");
  } catch (error) {
    throw new BackupError(`no complete backup in ${backupDir}: ${BACKUP_RECORD_FILE} cannot be read`, {
      where: backupDir,
      hint: `a ${basename(backupDir)}.partial directory beside it is a backup that was interrupted; it cannot be restored`,
      cause: error,
    });
  }
  const record = parseRecord(text);
  if (!record) throw new BackupError(`${BACKUP_RECORD_FILE} is not a backup record`, { where: join(backupDir, BACKUP_RECORD_FILE) });
  if (record.kind !== kind) {
    throw new BackupError(`this backup was made with db = ${record.kind}, but the target now says db = ${kind}`, {
      where: backupDir,
      hint: "restore it with the settings it was made with, or restore by hand",
    });
  }
  return record;
}

function parseRecord(text: string): BackupRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    const record = value as BackupRecord;
    return typeof value === "object" && value !== null && typeof record.kind === "string" ? record : undefined;
  } catch {
    return undefined;
  }
}
