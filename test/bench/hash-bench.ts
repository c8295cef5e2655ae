/**
 * How long deciding "which develop eggs changed" takes on a large development buildout,
 * against baselines measured in the same run on the same files:
 *
 *   node --import tsx test/bench/hash-bench.ts [--eggs 50] [--files 200] [--runs 5] [--keep]
 *
 * A hostout run here is what `ctl` does: open the stat cache, hash every develop egg,
 * save the cache. "Cold" means no stat cache; the OS page cache is warm in every case,
 * so cold figures are CPU and syscall cost, not disk reads. Figures are medians.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { HostoutError } from '../../shared/errors.ts';
import { hashSourceTree } from '../../controller/release/source-hash.ts';
import { listSourceFiles } from '../../controller/release/source-tree.ts';
import { StatCache } from '../../controller/release/stat-cache.ts';
import { makeBenchTree, settleFilesystemClock, type BenchTree } from './make-tree.ts';

interface Figure {
  label: string;
  ms: number;
  bytesRead?: number;
  note?: string;
}

interface HostoutRun {
  hashes: string[];
  bytesRead: number;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      eggs: { type: 'string', default: '50' },
      files: { type: 'string', default: '200' },
      runs: { type: 'string', default: '5' },
      keep: { type: 'boolean', default: false },
    },
  });
  const [eggs, files, runs] = [values.eggs, values.files, values.runs].map(Number) as [number, number, number];
  const root = mkdtempSync(join(tmpdir(), 'hash-bench-'));
  const started = performance.now();
  const tree = makeBenchTree(root, { eggs, files });
  console.log(`tree: ${tree.packageDirs.length} develop eggs, ${tree.files} files, ${mb(tree.bytes)} MB ` +
    `(written in ${(performance.now() - started).toFixed(0)} ms) at ${root}`);

  const figures = [...measureHostout(tree, runs), ...measureBaselines(tree, runs)];
  printFigures(figures, tree);
  if (!values.keep) rmSync(root, { recursive: true, force: true });
}

function measureHostout(tree: BenchTree, runs: number): Figure[] {
  const cacheFile = join(tree.root, '.hostout', 'stat-cache.json');
  const cold = repeat(runs, () => {
    rmSync(cacheFile, { force: true });
    return timed(() => hostoutRun(tree, cacheFile));
  });
  const reference = hostoutRun(tree, cacheFile).hashes;
  const warm = repeat(runs, () => timed(() => hostoutRun(tree, cacheFile)));

  let changedEggs = 0;
  const edited = repeat(runs, (i) => {
    settleFilesystemClock(tree.root); // the previous edit is no longer racy: only this one is read
    const dir = tree.packageDirs[i % tree.packageDirs.length]!;
    appendFileSync(join(dir, 'setup.py'), `# edit ${i}\n`);
    const result = timed(() => hostoutRun(tree, cacheFile));
    changedEggs = result.value.hashes.filter((h, n) => h !== reference[n]).length;
    reference.splice(0, reference.length, ...result.value.hashes);
    return result;
  });
  const listing = repeat(runs, () => timed(() => ({ bytesRead: 0, count: tree.packageDirs.flatMap(listSourceFiles).length })));

  return [
    { label: 'hostout cold (no stat cache)', ms: cold.ms, bytesRead: cold.value.bytesRead, note: `cache file ${mb(statSync(cacheFile).size)} MB` },
    { label: 'hostout warm (nothing changed)', ms: warm.ms, bytesRead: warm.value.bytesRead },
    { label: 'hostout after editing one file', ms: edited.ms, bytesRead: edited.value.bytesRead, note: `${changedEggs} egg changed` },
    { label: 'listing the trees alone (walk + .gitignore)', ms: listing.ms },
  ];
}

function hostoutRun(tree: BenchTree, cacheFile: string): HostoutRun {
  const cache = StatCache.open(cacheFile);
  const results = tree.packageDirs.map((dir) => hashSourceTree(dir, cache));
  cache.save();
  return { hashes: results.map((r) => r.hash), bytesRead: results.reduce((sum, r) => sum + r.bytesRead, 0) };
}

function measureBaselines(tree: BenchTree, runs: number): Figure[] {
  const naive = repeat(runs, () => timed(() => readAndHashEverything(tree)));
  const src = join(tree.root, 'src');
  const gitDir = join(tree.root, '.bench-git');
  const git = (...args: string[]) => runGit(gitDir, src, args);
  git('init', '-q');
  const paths = tree.packageDirs.flatMap((dir) => listSourceFiles(dir).map((p) => join(dir, p))).join('\n');
  const hashObject = repeat(runs, () => timed(() => runGit(gitDir, src, ['hash-object', '--stdin-paths'], paths)));
  const add = timed(() => git('add', '-A'));
  settleFilesystemClock(tree.root);
  git('status', '--porcelain'); // lets git refresh its index once, as any earlier command would have
  const status = repeat(runs, () => timed(() => git('status', '--porcelain')));
  const statusEdited = repeat(runs, (i) => {
    settleFilesystemClock(tree.root);
    appendFileSync(join(tree.packageDirs[i % tree.packageDirs.length]!, 'setup.py'), `# git edit ${i}\n`);
    return timed(() => git('status', '--porcelain'));
  });
  return [
    { label: 'naive: list, read and sha256 everything', ms: naive.ms, bytesRead: naive.value.bytesRead },
    { label: 'git hash-object --stdin-paths', ms: hashObject.ms, note: 'hashing only, one process' },
    { label: 'git add -A (cold)', ms: add.ms, note: 'also compresses and writes objects; one run' },
    { label: 'git status (warm)', ms: status.ms },
    { label: 'git status after editing one file', ms: statusEdited.ms },
  ];
}

function readAndHashEverything(tree: BenchTree): { bytesRead: number } {
  let bytesRead = 0;
  for (const dir of tree.packageDirs) {
    const digest = createHash('sha256');
    for (const path of listSourceFiles(dir)) {
      const content = readFileSync(join(dir, path));
      bytesRead += content.length;
      digest.update(path).update(createHash('sha256').update(content).digest());
    }
    digest.digest('hex');
  }
  return { bytesRead };
}

function runGit(gitDir: string, workTree: string, args: string[], input?: string): string {
  const result = spawnSync('git', [`--git-dir=${gitDir}`, `--work-tree=${workTree}`,
    '-c', 'core.excludesFile=/dev/null', '-c', 'core.untrackedCache=false', '-c', 'core.fsmonitor=false', ...args], {
    cwd: workTree,
    input,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) throw new HostoutError(`the git baseline failed: ${result.stderr.trim()}`, { where: `git ${args[0]}` });
  return result.stdout;
}

function timed<T>(work: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

/** Runs `measure` `runs` times; the median time, and the value of the median run. */
function repeat<T>(runs: number, measure: (i: number) => { ms: number; value: T }): { ms: number; value: T } {
  const results = Array.from({ length: runs }, (_, i) => measure(i)).sort((a, b) => a.ms - b.ms);
  return results[Math.floor(results.length / 2)]!;
}

function printFigures(figures: readonly Figure[], tree: BenchTree): void {
  console.log(`\n${'what'.padEnd(44)}${'median ms'.padStart(10)}${'MB read'.padStart(10)}  note`);
  for (const f of figures) {
    const read = f.bytesRead === undefined ? '' : f.bytesRead < 1e5 ? `${f.bytesRead} B` : mb(f.bytesRead);
    console.log(`${f.label.padEnd(44)}${f.ms.toFixed(1).padStart(10)}${read.padStart(10)}  ${f.note ?? ''}`);
  }
  const ms = (label: string) => figures.find((f) => f.label.startsWith(label))!.ms;
  const ratio = (a: string, b: string) => `${(ms(a) / ms(b)).toFixed(2)}`;
  console.log(`\nratios (${tree.files} files):`);
  console.log(`  hostout warm / naive read-everything  ${ratio('hostout warm', 'naive')}`);
  console.log(`  hostout cold / naive read-everything  ${ratio('hostout cold', 'naive')}`);
  console.log(`  hostout warm / git status (warm)      ${ratio('hostout warm', 'git status (warm)')}`);
  console.log(`  hostout edit / git status after edit  ${ratio('hostout after', 'git status after')}`);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

main();
