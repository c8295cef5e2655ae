/**
 * A Plone-sized database (issue 17): the example app deployed to a real local agent with a
 * ZODB-shaped database in shared/var (a Data.fs of random bytes, blob files written once),
 * beside the same deploys with the example's tiny SQLite database, in the same run:
 *
 *   one-egg deploy      outage (5 ms prober) and wall, big vs tiny          goal: outage ≤ 1.5×
 *   backup              its time before stop (first pass, the old release serving) and after
 *   backups on disk     after three deploys that each append 2 MB to Data.fs and add 20 blobs:
 *                       per deploy vs the bytes it changed                   goal ≤ 2× + metadata
 *   restore             the database after such a change, as a failed deploy's undo restores it
 *                                                                          goal ≤ 2 s
 *
 *   npm run bench:db [-- --datafs-mb 2048] [-- --blobs 20000] [-- --blob-kb 40] [-- --deploys 3]
 *
 * Generating the database writes datafs-mb + blobs × blob-kb to the disk first (2.9 GB by
 * default: about half a minute here). Prints figures; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { databaseBackup } from '../../agent/backup/database-backup.ts';
import { deployableSite } from '../support/local-agent.ts';
import { measureOutage, ms, ratio, timedCtl, type TimedRun } from './timed-deploys.ts';

const { values } = parseArgs({
  options: {
    'datafs-mb': { type: 'string', default: '2048' },
    blobs: { type: 'string', default: '20000' },
    'blob-kb': { type: 'string', default: '40' },
    deploys: { type: 'string', default: '3' },
  },
});
const MB = 1024 * 1024;
const dataFsBytes = Number(values['datafs-mb']) * MB;
const blobCount = Number(values.blobs);
const blobBytes = Number(values['blob-kb']) * 1024;
const deploys = Number(values.deploys);
const APPEND_BYTES = 2 * MB;
const BLOBS_PER_DEPLOY = 20;
const DB_PATHS = 'acme.db filestorage/Data.fs blobstorage';

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const cleanups: (() => Promise<void> | void)[] = [];
const t = { after: (fn: () => Promise<void> | void) => void cleanups.push(fn) };

/** The bytes the backups directory takes on disk, each hard-linked file once (du counts an inode once). */
const diskOf = (dir: string) => Number(execFileSync('du', ['-s', '--block-size=1', dir], { encoding: 'utf8' }).split('\t')[0]);

function blobPath(sharedVar: string, n: number): string {
  return join(sharedVar, 'blobstorage', `0x${(n % 256).toString(16).padStart(2, '0')}`, `0x${n.toString(16)}.blob`);
}

function generateDatabase(sharedVar: string): void {
  mkdirSync(join(sharedVar, 'filestorage'), { recursive: true });
  const fd = openSync(join(sharedVar, 'filestorage', 'Data.fs'), 'w');
  const chunk = 64 * MB;
  for (let written = 0; written < dataFsBytes; written += chunk) writeSync(fd, randomBytes(Math.min(chunk, dataFsBytes - written)));
  closeSync(fd);
  addBlobs(sharedVar, 0, blobCount);
}

function addBlobs(sharedVar: string, from: number, count: number): void {
  for (let n = from; n < from + count; n++) {
    mkdirSync(join(blobPath(sharedVar, n), '..'), { recursive: true });
    writeFileSync(blobPath(sharedVar, n), randomBytes(blobBytes));
  }
}

/** A site whose one-egg deploy is measured: its first deploy done, the app serving. */
async function siteWith(big: boolean) {
  const { agent, site, env } = await deployableSite(t);
  const sharedVar = join(agent.path, 'shared', 'var');
  if (big) {
    const started = performance.now();
    generateDatabase(sharedVar);
    console.error(`generated ${mb(dataFsBytes)} Data.fs and ${blobCount} blobs of ${blobBytes / 1024} KB in ${ms(performance.now() - started)}`);
    appendFileSync(join(site.dir, 'buildout.cfg'), `db-paths = ${DB_PATHS}\n`);
    writeFileSync(join(site.dir, 'buildout.cfg'), readFileSync(join(site.dir, 'buildout.cfg'), 'utf8').replace(/^db-paths = acme\.db\n/m, ''));
  }
  const first = await timedCtl(['deploy'], site.dir, env);
  return { agent, site, env, sharedVar, first };
}

async function oneEggDeploy(site: { dir: string; url: string }, env: NodeJS.ProcessEnv, round: number) {
  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), `\n# change ${round}\n`);
  return measureOutage(new URL('health', site.url).href, () => timedCtl(['deploy'], site.dir, env));
}

const phase = (run: TimedRun, label: string) => run.phases.find((p) => p.label === label)?.ms ?? 0;

async function main(): Promise<void> {
  const tiny = await siteWith(false);
  const tinyDeploy = await oneEggDeploy(tiny.site, tiny.env, 1);

  const big = await siteWith(true);
  const firstBackupMs = phase(big.first, 'Backing up database while it serves') + phase(big.first, 'Backing up database');
  const backupsDir = join(big.agent.path, 'backups');
  const diskAfterFirst = diskOf(backupsDir);
  const rounds = [];
  for (let round = 1; round <= deploys; round++) {
    appendFileSync(join(big.sharedVar, 'filestorage', 'Data.fs'), randomBytes(APPEND_BYTES));
    addBlobs(big.sharedVar, blobCount + (round - 1) * BLOBS_PER_DEPLOY, BLOBS_PER_DEPLOY);
    rounds.push(await oneEggDeploy(big.site, big.env, round));
  }
  const diskAfterDeploys = diskOf(backupsDir);
  const changedPerDeploy = APPEND_BYTES + BLOBS_PER_DEPLOY * blobBytes;
  const perDeploy = (diskAfterDeploys - diskAfterFirst) / deploys;
  const last = rounds.at(-1)!;
  // a backup's metadata: its record and snapshot files, and its directories (one per blob directory)
  const status = JSON.parse(execFileSync(process.execPath, [join(import.meta.dirname, '../../bin/ctl.js'), 'status', '--json'], { cwd: big.site.dir, env: { ...process.env, ...big.env }, encoding: 'utf8' }));
  const lastBackup = join(backupsDir, status.currentTag);
  const objectsDir = join(lastBackup, 'objects');
  const objectBlocks = readdirSync(objectsDir).reduce((sum, name) => sum + statSync(join(objectsDir, name)).blocks * 512, 0);
  const metadataPerBackup = diskOf(lastBackup) - objectBlocks;

  // what a failed deploy's undo restores: the database as the last backup has it, after the new release appended and added
  appendFileSync(join(big.sharedVar, 'filestorage', 'Data.fs'), randomBytes(APPEND_BYTES));
  addBlobs(big.sharedVar, blobCount + deploys * BLOBS_PER_DEPLOY, BLOBS_PER_DEPLOY);
  const restoreStarted = performance.now();
  await databaseBackup({ kind: 'files', paths: DB_PATHS.split(' ') }, big.sharedVar, () => undefined).restore(join(backupsDir, status.currentTag));
  const restoreMs = performance.now() - restoreStarted;

  const databaseBytes = dataFsBytes + blobCount * blobBytes;
  console.log(
    [
      `database: ${mb(dataFsBytes)} Data.fs + ${blobCount} blobs × ${blobBytes / 1024} KB = ${mb(databaseBytes)}; tiny: the example's SQLite file`,
      `one-egg deploy, tiny database:   wall ${ms(tinyDeploy.result.ms)}, unreachable ${ms(tinyDeploy.outageMs)} (${tinyDeploy.failed} of ${tinyDeploy.probes} probes failed); backup ${ms(phase(tinyDeploy.result, 'Backing up database while it serves'))} before stop, ${ms(phase(tinyDeploy.result, 'Backing up database'))} after`,
      ...rounds.map(
        (r, i) =>
          `one-egg deploy ${i + 1}, big database: wall ${ms(r.result.ms)} = ${ratio(r.result.ms, tinyDeploy.result.ms)} tiny; unreachable ${ms(r.outageMs)} = ${ratio(r.outageMs, tinyDeploy.outageMs, 1.5)} tiny; backup ${ms(phase(r.result, 'Backing up database while it serves'))} before stop, ${ms(phase(r.result, 'Backing up database'))} after`,
      ),
      `first backup of the big database (the first deploy): ${ms(firstBackupMs)}, ${mb(diskAfterFirst)} on disk`,
      `backups on disk after ${deploys} deploys that each appended ${mb(APPEND_BYTES)} and added ${BLOBS_PER_DEPLOY} blobs: ${mb(diskAfterDeploys)}; per deploy ${mb(perDeploy)} = ${ratio(perDeploy, changedPerDeploy, 2)} the ${mb(changedPerDeploy)} changed, metadata included (a backup's own metadata: ${mb(metadataPerBackup)}: backup.json, snapshot.json.gz, its directories)`,
      `restore of the ${mb(databaseBytes)} database after ${mb(APPEND_BYTES)} appended and ${BLOBS_PER_DEPLOY} blobs added: ${ms(restoreMs)} = ${ratio(restoreMs, 2000, 1)} of the 2 s goal`,
      `last deploy's phases: ${last.result.phases.map((p) => `${p.label} ${ms(p.ms)}`).join('; ')}`,
    ].join('\n'),
  );
}

try {
  await main();
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
