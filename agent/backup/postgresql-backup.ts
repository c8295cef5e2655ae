/**
 * db = postgresql: `pg_dump -Fc` into the backup; restored so the database is what it was
 * when the backup was made. `pg_restore --clean` alone only replaces what the dump holds:
 * a table or enum type the failed release created would survive, and the next deploy's
 * migration would then fail with "already exists". So the backup also lists the schema
 * objects that existed, and the restore drops any made since, then replays the dump, all
 * in one psql transaction: a failed restore leaves the database as it was.
 * Connection settings come from the agent's environment plus the target's PG* variables.
 *
 * Two passes: `prepare` dumps while the old release still serves, noting first the next
 * transaction id the cluster will assign; after stop, `backup` keeps that dump when it is
 * unchanged (no transaction wrote anything since the dump's snapshot: every write takes an
 * id), else dumps again. The counter is the whole cluster's: a write to another database
 * (or an ANALYZE) also moves it, and then the dump is taken again, slower but never wrong.
 * The WAL position was tried first and moves without any write (hint bits, page pruning,
 * the background writer's running-transactions records), so it almost never proved anything.
 * A nextval() in a transaction that writes nothing takes no id: such a sequence may come
 * back lower after a restore, which no row depends on.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BackupError } from "../../shared/errors.ts";
import { describeOutcome, runCommand, succeeded } from "../services/run-command.ts";
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../../shared/fs/atomic-write.ts";
import { syncTree } from "./file-tree.ts";
import { finishBackupDirectory, partialBackupDir, readBackupRecord, writeBackupDirectory } from "./backup-directory.ts";
import type { DatabaseBackup } from "./database-backup.ts";

const DUMP_FILE = "db.dump";
/** In the partial directory between the passes: the next transaction id before the first dump. */
const FIRST_PASS_FILE = "first-pass.json";
/** txid_*: the names every PostgreSQL from 9.x to 17 has (pg_snapshot_xmax from 13 on). */
const NEXT_TRANSACTION_QUERY = "select txid_snapshot_xmax(txid_current_snapshot())";

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

  const nextTransaction = async (cwd: string): Promise<string> => (await runPgTool(["psql", "-X", "-A", "-t", "-q", "-d", database, "-c", NEXT_TRANSACTION_QUERY], cwd, "reading the next transaction id")).trim();
  const dump = (partialDir: string) => runPgTool(["pg_dump", "-Fc", "-f", join(partialDir, DUMP_FILE), database], partialDir, "pg_dump");

  return {
    async prepare(backupDir) {
      const partialDir = partialBackupDir(backupDir);
      await rm(partialDir, { recursive: true, force: true });
      await mkdir(partialDir, { recursive: true });
      try {
        const next = await nextTransaction(partialDir);
        await dump(partialDir);
        writeFileAtomic(join(partialDir, FIRST_PASS_FILE), JSON.stringify({ nextTransaction: next }));
        return { bytes: (await stat(join(partialDir, DUMP_FILE))).size };
      } catch (error) {
        await rm(partialDir, { recursive: true, force: true });
        throw error;
      }
    },

    async backup(backupDir) {
      const partialDir = partialBackupDir(backupDir);
      const firstPass = await readFile(join(partialDir, FIRST_PASS_FILE), "utf8").then((text) => JSON.parse(text) as { nextTransaction: string }, () => undefined);
      if (firstPass) {
        try {
          const now = await nextTransaction(partialDir);
          if (now === firstPass.nextTransaction) log(`backup: nothing was written since the dump taken while the release served (next transaction id ${now}): kept`);
          else {
            log(`backup: the database changed since the dump taken while the release served (next transaction id ${firstPass.nextTransaction} → ${now}): dumping again`);
            await dump(partialDir);
          }
          await rm(join(partialDir, FIRST_PASS_FILE), { force: true });
          const info = { kind: "postgresql", ...(await syncTree(partialDir)), created: new Date().toISOString() };
          await finishBackupDirectory(partialDir, backupDir, { ...info, database, dump: DUMP_FILE, schemaObjects: await schemaObjects(partialDir), dumpKept: now === firstPass.nextTransaction });
          return info;
        } catch (error) {
          await rm(partialDir, { recursive: true, force: true });
          throw error;
        }
      }
      return writeBackupDirectory(backupDir, "postgresql", async (partialDir) => {
        await dump(partialDir);
        // listed after the dump: an object made in between is dropped on restore, which
        // is what restoring "as it was" means for something the dump does not hold
        return { database, dump: DUMP_FILE, schemaObjects: await schemaObjects(partialDir) };
      });
    },
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
