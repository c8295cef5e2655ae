/**
 * Which paths under shared/var a files backup holds. Each is relative and stays inside
 * shared/var; a SQLite database brings its -wal, -journal and -shm siblings. A path missing
 * at backup time is recorded as absent, so a restore removes what appeared after the backup
 * (a database the new release created, a -wal that would otherwise be replayed onto the old file).
 */
import { lstat, open, readdir } from "node:fs/promises";
import { isAbsolute, join, posix } from "node:path";
import { BackupError } from "../../shared/errors.ts";

export interface BackupEntries {
  /** copied into the backup, restored from it */
  present: string[];
  /** missing at backup time: removed on restore */
  absent: string[];
}

const SQLITE_SIBLING_SUFFIXES = ["-wal", "-journal", "-shm"];
const SQLITE_HEADER = "SQLite format 3\0";
/** Our own leftovers beside restored paths; never part of a backup. */
export const RESTORE_STAGING_SUFFIX = ".hostout-restoring";
export const RESTORE_REPLACED_SUFFIX = ".hostout-replaced";

/** `paths` from the target (db-paths), or every entry of shared/var when empty. */
export async function backupEntries(paths: readonly string[], sharedVarDir: string, log: (line: string) => void): Promise<BackupEntries> {
  const chosen = paths.length > 0 ? checkedSharedVarPaths(paths) : await sharedVarEntries(sharedVarDir);
  const presence = new Map<string, boolean>();
  for (const path of chosen) {
    const kind = await entryKind(join(sharedVarDir, path));
    if (kind === "special") {
      log(`backup: skipping ${join(sharedVarDir, path)}: not a file, directory or symlink`);
      continue;
    }
    presence.set(path, kind !== "absent");
    if (kind === "absent" || kind === "sqlite") {
      for (const suffix of SQLITE_SIBLING_SUFFIXES) {
        const sibling = path + suffix;
        if (!presence.has(sibling)) presence.set(sibling, kind === "sqlite" && (await entryKind(join(sharedVarDir, sibling))) !== "absent");
      }
    }
  }
  const sorted = [...presence].sort(([a], [b]) => (a < b ? -1 : 1));
  return { present: sorted.filter(([, present]) => present).map(([path]) => path), absent: sorted.filter(([, present]) => !present).map(([path]) => path) };
}

/** Normalized paths, or BackupError for one that is absolute, leaves shared/var, or overlaps another. */
export function checkedSharedVarPaths(paths: readonly string[]): string[] {
  const normalized = paths.map((path) => {
    const clean = posix.normalize(path).replace(/\/+$/, "");
    if (isAbsolute(path) || clean === "." || clean === ".." || clean.startsWith("../")) {
      throw new BackupError(`db-paths entry "${path}" is not a path inside shared/var`, {
        where: "db-paths",
        hint: "give paths relative to shared/var, e.g. filestorage/Data.fs or acme.db",
      });
    }
    return clean;
  });
  for (const path of normalized) {
    const container = normalized.find((other) => other !== path && path.startsWith(`${other}/`));
    if (container) throw new BackupError(`db-paths lists both ${container} and ${path}, which is inside it`, { where: "db-paths", hint: `keep only ${container}` });
  }
  return [...new Set(normalized)];
}

async function sharedVarEntries(sharedVarDir: string): Promise<string[]> {
  try {
    const names = await readdir(sharedVarDir);
    return names.filter((name) => !name.endsWith(RESTORE_STAGING_SUFFIX) && !name.endsWith(RESTORE_REPLACED_SUFFIX));
  } catch (error) {
    throw new BackupError(`cannot list ${sharedVarDir} to back it up`, { where: sharedVarDir, hint: "db = files with empty db-paths backs up all of shared/var, which must exist", cause: error });
  }
}

/** "special": a socket, FIFO or device, which is not data (a ZEO or supervisor socket). */
async function entryKind(path: string): Promise<"absent" | "sqlite" | "other" | "special"> {
  try {
    const stats = await lstat(path);
    if (!stats.isFile() && !stats.isDirectory() && !stats.isSymbolicLink()) return "special";
    return stats.isFile() && (await startsWith(path, SQLITE_HEADER)) ? "sqlite" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw error;
  }
}

/** The file starts with SQLite's header: a database to copy through SQLite itself. */
export async function isSqliteFile(path: string): Promise<boolean> {
  return startsWith(path, SQLITE_HEADER);
}

async function startsWith(path: string, header: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(header.length);
    const { bytesRead } = await handle.read(buffer, 0, header.length, 0);
    return bytesRead === header.length && buffer.toString("latin1") === header;
  } finally {
    await handle.close();
  }
}
