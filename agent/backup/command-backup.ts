/**
 * db = command: the target's own backup and restore shell lines, run in shared/var with
 * HOSTOUT_BACKUP_DIR naming the directory to write to (during backup: the `.partial`
 * directory that becomes the backup once the command succeeds) or to read from.
 */
import { BackupError } from "../../shared/errors.ts";
import { describeOutcome, runCommand, shellCommand, succeeded } from "../services/run-command.ts";
import { readBackupRecord, writeBackupDirectory } from "./backup-directory.ts";
import type { DatabaseBackup } from "./database-backup.ts";

export function commandBackup(backupCommand: string, restoreCommand: string, sharedVarDir: string, timeoutMs: number, log: (line: string) => void): DatabaseBackup {
  const run = async (option: string, line: string, dir: string) => {
    const env = { HOSTOUT_BACKUP_DIR: dir, HOSTOUT_SHARED_VAR: sharedVarDir };
    const outcome = await runCommand({ argv: shellCommand(line), cwd: sharedVarDir, env, timeoutMs, log });
    if (!succeeded(outcome)) {
      throw new BackupError(`${option} failed: \`${line}\` ${describeOutcome(outcome)}`, {
        where: dir,
        hint: `run it by hand in ${sharedVarDir} with HOSTOUT_BACKUP_DIR=${dir} to see why`,
      });
    }
  };
  return {
    backup: (backupDir) =>
      writeBackupDirectory(backupDir, "command", async (partialDir) => {
        await run("db-backup-command", backupCommand, partialDir);
        return {};
      }),
    restore: async (backupDir) => {
      await readBackupRecord(backupDir, "command");
      await run("db-restore-command", restoreCommand, backupDir);
    },
  };
}
