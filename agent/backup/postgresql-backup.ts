/**
 * db = postgresql: `pg_dump -Fc` into the backup, `pg_restore --clean --if-exists` back, in one
 * transaction so a failed restore leaves the database as it was. Connection settings come
 * from the agent's environment plus the target's PG* variables (PGHOST, PGPORT, PGUSER...).
 */
import { join } from "node:path";
import { BackupError } from "../../shared/errors.ts";
import { describeOutcome, runCommand, succeeded } from "../services/run-command.ts";
import { readBackupRecord, writeBackupDirectory } from "./backup-directory.ts";
import type { DatabaseBackup } from "./database-backup.ts";

const DUMP_FILE = "db.dump";

export function postgresqlBackup(database: string, pgEnv: Record<string, string>, timeoutMs: number, log: (line: string) => void): DatabaseBackup {
  const runPgTool = async (argv: string[], cwd: string, action: string) => {
    const outcome = await runCommand({ argv, cwd, env: pgEnv, timeoutMs, log });
    if (!succeeded(outcome)) {
      throw new BackupError(`${action} of database "${database}" failed: \`${outcome.display}\` ${describeOutcome(outcome)}`, {
        where: cwd,
        hint: `check that database "${database}" exists and that the agent's user can connect to it (PGHOST, PGPORT, PGUSER, ~/.pgpass)`,
      });
    }
  };
  return {
    backup: (backupDir) =>
      writeBackupDirectory(backupDir, "postgresql", async (partialDir) => {
        await runPgTool(["pg_dump", "-Fc", "-f", join(partialDir, DUMP_FILE), database], partialDir, "pg_dump");
        return { database, dump: DUMP_FILE };
      }),
    restore: async (backupDir) => {
      const record = await readBackupRecord(backupDir, "postgresql");
      if (record.database !== database) {
        throw new BackupError(`this backup holds database "${String(record.database)}", but db-name is "${database}"`, {
          where: backupDir,
          hint: "restore it by hand with pg_restore if that is really meant",
        });
      }
      const dump = join(backupDir, DUMP_FILE);
      await runPgTool(["pg_restore", "--clean", "--if-exists", "--single-transaction", "-d", database, dump], backupDir, "pg_restore");
    },
  };
}
