/**
 * Keeps the newest `keep` backups (by when they were made) and removes the rest, with what
 * interrupted backups left (`<tag>.partial`, `<tag>.replaced`). Files a kept backup links
 * stay on the disk: removing a backup frees only what it alone held.
 */
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../shared/fs/atomic-write.ts";
import { BACKUP_RECORD_FILE } from "./backup-directory.ts";

export function pruneBackups(backupsDir: string, keep: number, spare: readonly string[]): string[] {
  const complete: { tag: string; created: string }[] = [];
  for (const name of readdirSync(backupsDir)) {
    if (name.endsWith(".partial") || name.endsWith(".replaced")) {
      if (!spare.includes(name.replace(/\.(partial|replaced)$/, ""))) rmSync(join(backupsDir, name), { recursive: true, force: true });
      continue;
    }
    try {
      complete.push({ tag: name, created: JSON.parse(readFileSync(join(backupsDir, name, BACKUP_RECORD_FILE), "utf8")).created ?? "" });
    } catch {
      continue; // not a backup of ours, or the release store's hidden leftovers: its prune removes those
    }
  }
  const newestFirst = complete.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
  const removed: string[] = [];
  for (const { tag } of newestFirst.slice(keep)) {
    if (spare.includes(tag)) continue;
    rmSync(join(backupsDir, tag), { recursive: true, force: true });
    removed.push(tag);
  }
  return removed;
}

/** Written beside backup.json when backups are pruned: the status reads it instead of walking every backup. */
const USAGE_FILE = "usage.json";

/**
 * Measures the disk each backup takes of its own (its objects no other backup links),
 * which changes as backups are made and pruned; a backup of plain copies (made before
 * snapshots) owns all it holds.
 */
export function measureBackupUsage(backupsDir: string): void {
  for (const name of readdirSync(backupsDir)) {
    const dir = join(backupsDir, name);
    let record: { bytes?: number; format?: number };
    try {
      record = JSON.parse(readFileSync(join(dir, BACKUP_RECORD_FILE), "utf8"));
    } catch {
      continue;
    }
    let ownBytes = record.bytes ?? 0;
    if (record.format === 2) {
      ownBytes = 0;
      for (const object of readdirSync(join(dir, "objects"))) {
        const stats = statSync(join(dir, "objects", object));
        if (stats.nlink === 1) ownBytes += stats.size;
      }
    }
    writeFileAtomic(join(dir, USAGE_FILE), JSON.stringify({ bytes: record.bytes ?? 0, ownBytes }) + "\n");
  }
}

/** For the status: the backed-up data's size and the disk only it takes, as last measured. */
export function readBackupUsage(backupDir: string): { backupBytes?: number; backupOwnBytes?: number } {
  try {
    const usage = JSON.parse(readFileSync(join(backupDir, USAGE_FILE), "utf8"));
    return { backupBytes: usage.bytes, backupOwnBytes: usage.ownBytes };
  } catch {
    return {};
  }
}
