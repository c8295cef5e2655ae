/**
 * db = postgresql: `pg_dump -Fc` into the backup; restored so the database is what it was
 * when the backup was made. `pg_restore --clean` alone only replaces what the dump holds:
 * a table or enum type the failed release created would survive, and the next deploy's
 * migration would then fail with "already exists". So the backup also lists the schema
 * objects that existed, and the restore drops any made since, then replays the dump, all
 * in one psql transaction: a failed restore leaves the database as it was.
 * Connection settings come from the agent's environment plus the target's PG* variables.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BackupError } from "../../shared/errors.ts";
import { describeOutcome, runCommand, succeeded } from "../services/run-command.ts";
import { readBackupRecord, writeBackupDirectory } from "./backup-directory.ts";
import type { DatabaseBackup } from "./database-backup.ts";

const DUMP_FILE = "db.dump";

/** How each kind of object from SCHEMA_OBJECTS_QUERY is dropped. */
const DROP_STATEMENT: Record<string, string> = {
  r: "DROP TABLE",
  p: "DROP TABLE",
  f: "DROP FOREIGN TABLE",
  v: "DROP VIEW",
  m: "DROP MATERIALIZED VIEW",
  S: "DROP SEQUENCE",
  e: "DROP TYPE",
  d: "DROP DOMAIN",
};

/**
 * Relations, enum types and domains in the user's schemas, one `kind name` per line, names
 * quoted as SQL wants them. What extensions own is theirs to manage and left out.
 */
const SCHEMA_OBJECTS_QUERY = `
  select c.relkind::text || ' ' || format('%I.%I', n.nspname, c.relname)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'f', 'v', 'm', 'S')
     and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
     and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  union all
  select t.typtype::text || ' ' || format('%I.%I', n.nspname, t.typname)
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
   where t.typtype in ('e', 'd')
     and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
     and not exists (select 1 from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
  order by 1`;

export function postgresqlBackup(database: string, pgEnv: Record<string, string>, timeoutMs: number, log: (line: string) => void): DatabaseBackup {
  const runPgTool = async (argv: string[], cwd: string, action: string): Promise<string> => {
    const outcome = await runCommand({ argv, cwd, env: pgEnv, timeoutMs, log });
    if (!succeeded(outcome)) {
      throw new BackupError(`${action} of database "${database}" failed: \`${outcome.display}\` ${describeOutcome(outcome)}`, {
        where: cwd,
        hint: `check that database "${database}" exists and that the agent's user can connect to it (PGHOST, PGPORT, PGUSER, ~/.pgpass)`,
      });
    }
    return outcome.stdout;
  };
  const schemaObjects = async (cwd: string): Promise<string[]> =>
    (await runPgTool(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", SCHEMA_OBJECTS_QUERY], cwd, "listing the schema"))
      .split("\n")
      .filter((line) => line.trim() !== "");

  return {
    backup: (backupDir) =>
      writeBackupDirectory(backupDir, "postgresql", async (partialDir) => {
        await runPgTool(["pg_dump", "-Fc", "-f", join(partialDir, DUMP_FILE), database], partialDir, "pg_dump");
        // listed after the dump: an object made in between is dropped on restore, which
        // is what restoring "as it was" means for something the dump does not hold
        return { database, dump: DUMP_FILE, schemaObjects: await schemaObjects(partialDir) };
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
      // a backup from before the list was kept: replay the dump alone, as then
      const existedThen = Array.isArray(record.schemaObjects) ? new Set(record.schemaObjects as string[]) : undefined;
      const madeSince = existedThen ? (await schemaObjects(backupDir)).filter((object) => !existedThen.has(object)) : [];
      const scratch = await mkdtemp(join(dirname(backupDir), ".restore-"));
      try {
        const drops = join(scratch, "drop-made-since.sql");
        const replay = join(scratch, "replay-dump.sql");
        await writeFile(drops, dropStatements(madeSince));
        await runPgTool(["pg_restore", "--clean", "--if-exists", "-f", replay, dump], backupDir, "pg_restore");
        await runPgTool(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", database, "-f", drops, "-f", replay], backupDir, "restoring");
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}

/** `DROP ... IF EXISTS ... CASCADE` for each object; IF EXISTS because a CASCADE may have taken it already. */
function dropStatements(objects: string[]): string {
  const statements = objects.map((object) => {
    const space = object.indexOf(" ");
    const drop = DROP_STATEMENT[object.slice(0, space)];
    return drop ? `${drop} IF EXISTS ${object.slice(space + 1)} CASCADE;\n` : "";
  });
  return `SET client_min_messages = warning;\n${statements.join("")}`;
}
