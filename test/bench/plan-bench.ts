/**
 * `ctl plan` on a generated development buildout of 50 develop eggs x 200 files
 * (test/bench/make-tree.ts): cold (no caches), warm (nothing changed), after
 * editing one file, and after re-running nothing; with baselines measured in the
 * same run: the startup cost of ctl itself (`ctl --help`) and reading and
 * hashing every source file naively. Prints figures; asserts nothing.
 *
 *   npm run bench:plan -- [--eggs 50] [--files 200] [--runs 5]
 */
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeBenchTree } from './make-tree.ts';
import { ctl } from '../support/ctl.ts';

const { values } = parseArgs({ options: { eggs: { type: 'string', default: '50' }, files: { type: 'string', default: '200' }, runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const root = mkdtempSync(join(tmpdir(), 'hostout-plan-bench-'));
const tree = makeBenchTree(root, { eggs: Number(values.eggs), files: Number(values.files) });
console.log(`tree: ${tree.packageDirs.length} develop eggs, ${tree.files} files, ${(tree.bytes / 1e6).toFixed(1)} MB in ${root}`);

async function timePlan(): Promise<number> {
  const started = performance.now();
  const result = await ctl(['plan', '--json'], { cwd: root });
  if (result.code !== 0) throw new Error(result.stderr);
  return performance.now() - started;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function repeat(work: () => Promise<number>): Promise<number> {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await work());
  return median(samples);
}

function naiveHashAll(): number {
  const started = performance.now();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  for (const dir of tree.packageDirs) walk(dir);
  return performance.now() - started;
}

const startup = await repeat(async () => {
  const started = performance.now();
  await ctl(['--help']);
  return performance.now() - started;
});
const naive = await repeat(async () => naiveHashAll());
const cold = await timePlan();
const warm = await repeat(timePlan);
const edited = await repeat(async () => {
  appendFileSync(join(tree.packageDirs[0]!, 'bench/pkg00/__init__.py'), '# edit\n');
  return timePlan();
});
rmSync(join(root, '.hostout/resolve'), { recursive: true, force: true });
const noResolveCache = await timePlan();

const ms = (n: number) => `${n.toFixed(0).padStart(7)} ms`;
console.log(`ctl plan, cold (no caches: hash all, read 51 setup.py, resolve with buildout) ${ms(cold)}`);
console.log(`ctl plan, warm (nothing changed), median of ${runs}                      ${ms(warm)}`);
console.log(`ctl plan, after editing one file, median of ${runs}                      ${ms(edited)}`);
console.log(`ctl plan, warm hashes but the buildout resolution cache removed           ${ms(noResolveCache)}`);
console.log(`baseline: ctl --help (node + tsx start-up), median of ${runs}             ${ms(startup)}`);
console.log(`baseline: read + sha256 every source file, in-process, median of ${runs}  ${ms(naive)}`);
console.log(`ratio warm plan / (start-up + naive hashing): ${(warm / (startup + naive)).toFixed(2)}`);
console.log(`ratio warm plan / cold plan: ${(warm / cold).toFixed(3)}`);
rmSync(root, { recursive: true, force: true });
