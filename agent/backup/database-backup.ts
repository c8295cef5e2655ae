/**
 * The database plug point: the agent backs the data up into backups/<tag> right before <tag>
 * goes live, and restores it when that deploy is rolled back (or on `rollback --with-db`).
 * The kind comes from the target's `db` option; each kind is one file.
 */
import { dirname } from "node:path";
import { BackupError, HostoutError } from "../../shared/errors.ts";
import { explainSystemError } from "../../shared/system-error.ts";
import { writeBackupDirectory } from "./backup-directory.ts";
import { commandBackup } from "./command-backup.ts";
import { fileBackup } from "./file-backup.ts";
import { postgresqlBackup } from "./postgresql-backup.ts";

export interface BackupSettings {
  kind: "files" | "postgresql" | "command" | "none";
  /** kind files: paths relative to shared/var; empty means every entry of shared/var */
  paths: string[];
  /** kind postgresql: the database to dump and restore */
  database?: string;
  /** kind command: shell lines, run in shared/var with HOSTOUT_BACKUP_DIR set */
  backupCommand?: string;
  restoreCommand?: string;
  /** kind postgresql: added to the agent's environment for pg_dump / pg_restore (PGHOST, PGPORT, PGUSER...) */
  pgEnv?: Record<string, string>;
  /** how long pg_dump, pg_restore or a backup command may run before it is killed */
  timeoutSeconds?: number;
}

export interface BackupInfo {
  kind: string;
  /** regular files in the backup and their total size (backup.json not counted) */
  files: number;
  bytes: number;
  /** ISO 8601, UTC */
  created: string;
}

export interface DatabaseBackup {
  /**
   * A first pass while the application still serves (the bulk of the copy, or a dump), left
   * beside backupDir for `backup` to finish with what changed since; kinds without it do all in `backup`.
   */
  prepare?(backupDir: string): Promise<{ bytes: number }>;
  /** Writes a complete backup to backupDir (replacing one that is there); the directory exists only once complete. */
  backup(backupDir: string): Promise<BackupInfo>;
  restore(backupDir: string): Promise<void>;
}

export const DEFAULT_BACKUP_TIMEOUT_SECONDS = 3600;

/**
 * Throws BackupError when the settings lack what their kind needs. `python`: the agent's,
 * which copies SQLite databases through SQLite's online backup.
 */
export function databaseBackup(settings: BackupSettings, sharedVarDir: string, log: (line: string) => void, python = "/usr/bin/python3"): DatabaseBackup {
  return reportingBackupErrors(backupForKind(settings, sharedVarDir, log, python));
}

function backupForKind(settings: BackupSettings, sharedVarDir: string, log: (line: string) => void, python: string): DatabaseBackup {
  const timeoutMs = (settings.timeoutSeconds ?? DEFAULT_BACKUP_TIMEOUT_SECONDS) * 1000;
  switch (settings.kind) {
    case "files":
      return fileBackup(settings.paths, sharedVarDir, log, python);
    case "postgresql":
      return postgresqlBackup(required(settings.database, "db-name", "postgresql"), settings.pgEnv ?? {}, timeoutMs, log);
    case "command": {
      const backupCommand = required(settings.backupCommand, "db-backup-command", "command");
      const restoreCommand = required(settings.restoreCommand, "db-restore-command", "command");
      return commandBackup(backupCommand, restoreCommand, sharedVarDir, timeoutMs, log);
    }
    case "none":
      return {
        // the record still marks backups/<tag> as complete, and says there is nothing in it
        backup: (backupDir) => writeBackupDirectory(backupDir, "none", async () => ({})),
        restore: async () => log("restore: db = none, no database to restore"),
      };
  }
}

function required(value: string | undefined, option: string, kind: string): string {
  if (value === undefined || value.trim() === "") {
    throw new BackupError(`db = ${kind} needs ${option}`, { where: option, hint: `set ${option} in the deployment target` });
  }
  return value;
}

/**
 * File system failures (permissions, a full disk) become BackupErrors naming the backup
 * directory, with what to do (a full disk: which backups can go); a backup writes only under
 * backups/, so the live data is as it was.
 */
function reportingBackupErrors(backup: DatabaseBackup): DatabaseBackup {
  const wrap =
    <T>(action: string, run: (backupDir: string) => Promise<T>) =>
    async (backupDir: string): Promise<T> => {
      try {
        return await run(backupDir);
      } catch (error) {
        if (error instanceof HostoutError) throw error;
        const explained = explainSystemError(error);
        const hint = explained?.code === "ENOSPC" && action !== "restore"
          ? `free space on the disk of ${dirname(backupDir)} (df -h ${dirname(backupDir)}): lower keep-backups, or remove backups/<tag> you no longer need; the live database was not touched`
          : explained?.hint;
        throw new BackupError(`${action} failed: ${explained?.message ?? (error as Error).message}`, { where: backupDir, cause: error, ...(hint ? { hint } : {}) });
      }
    };
  return {
    ...(backup.prepare ? { prepare: wrap("backup (first pass)", backup.prepare) } : {}),
    backup: wrap("backup", backup.backup),
    restore: wrap("restore", backup.restore),
  };
}
