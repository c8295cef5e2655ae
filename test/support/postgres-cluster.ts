/**
 * A throwaway PostgreSQL cluster for tests: initdb in a temp directory, started with pg_ctl on
 * a unix socket of its own (no TCP), trust authentication for the `postgres` role, stopped
 * and deleted by stop() (or, if a test forgets, when the process exits). Run as root, the
 * server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./ports.ts";

export interface PostgresCluster {
  /** PGHOST (the socket directory), PGPORT and PGUSER: give these to pg_dump, psql, the agent */
  env: Record<string, string>;
  /** the cluster's server binaries, e.g. /usr/lib/postgresql/15/bin */
  binDir: string;
  createDatabase(name: string): Promise<void>;
  /** Runs `sql` (psql -c, unaligned, tuples only) and returns its trimmed output. */
  psql(database: string, sql: string): Promise<string>;
  stop(): Promise<void>;
}

const run = promisify(execFile);
const POSTGRESQL_ROOT = "/usr/lib/postgresql";

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const binDir = newestServerBinDir();
  const baseDir = mkdtempSync(join(tmpdir(), "hostout-pg-"));
  const dataDir = join(baseDir, "data");
  const socketDir = join(baseDir, "socket");
  const logFile = join(baseDir, "postgres.log");
  mkdirSync(socketDir);
  // others (an agent running as another user) must reach the socket
  chmodSync(baseDir, 0o755);
  const asServerUser = serverUserPrefix([baseDir, socketDir]);
  const port = await freePort();
  const env = { PGHOST: socketDir, PGPORT: String(port), PGUSER: "postgres" };
  const pgCtl = (...args: string[]) => [...asServerUser, join(binDir, "pg_ctl"), "-D", dataDir, ...args];

  const stopNow = () => {
    const [program, ...args] = pgCtl("stop", "-m", "immediate", "-w");
    spawnSync(program!, args, { stdio: "ignore" });
    rmSync(baseDir, { recursive: true, force: true });
  };
  process.once("exit", stopNow);
  try {
    await runStep("initdb", [...asServerUser, join(binDir, "initdb"), "-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
    const serverOptions = `-k ${socketDir} -p ${port} -c listen_addresses='' -c fsync=off`;
    await runStep("pg_ctl start", pgCtl("start", "-w", "-t", "30", "-l", logFile, "-o", serverOptions), logFile);
  } catch (error) {
    process.removeListener("exit", stopNow);
    stopNow();
    throw error;
  }

  const psql = async (database: string, sql: string) => {
    const args = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql];
    const { stdout } = await run(join(binDir, "psql"), args, { env: { ...process.env, ...env } });
    return stdout.trim();
  };
  let stopped = false;
  return {
    env,
    binDir,
    psql,
    createDatabase: async (name) => void (await psql("postgres", `CREATE DATABASE "${name.replaceAll('"', '""')}"`)),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener("exit", stopNow);
      await runStep("pg_ctl stop", pgCtl("stop", "-m", "fast", "-w")).finally(() => rmSync(baseDir, { recursive: true, force: true }));
    },
  };
}

function newestServerBinDir(): string {
  const versions = readdirSync(POSTGRESQL_ROOT)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error(`no PostgreSQL server under ${POSTGRESQL_ROOT}: apt-get install -y postgresql`);
  return join(POSTGRESQL_ROOT, versions[0], "bin");
}

/** As root: hand `dirs` to the postgres user and run server commands as it; otherwise run them as ourselves. */
function serverUserPrefix(dirs: string[]): string[] {
  if (process.getuid?.() !== 0) return [];
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  for (const dir of dirs) chownSync(dir, id("-u"), id("-g"));
  return ["runuser", "-u", "postgres", "--"];
}

async function runStep(step: string, argv: string[], logFile?: string): Promise<void> {
  try {
    await run(argv[0]!, argv.slice(1));
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    const serverLog = logFile ? safeRead(logFile) : "";
    throw new Error(`${step} failed: ${argv.join(" ")}\n${stdout}${stderr}${serverLog}`);
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
