import { lstatSync, readFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { makeBenchTree } from './make-tree.ts';
import { listSourceFiles } from '../../controller/release/source-tree.ts';
import { hashSourceTree } from '../../controller/release/source-hash.ts';
import { StatCache } from '../../controller/release/stat-cache.ts';
const tree = makeBenchTree(mkdtempSync(join(tmpdir(), 'prof-')), { eggs: 50, files: 200 });
const cf = join(tree.root, '.hostout/c.json');
const c0 = StatCache.open(cf); tree.packageDirs.forEach(d => hashSourceTree(d, c0)); c0.save();
const all = tree.packageDirs.flatMap(d => listSourceFiles(d).map(p => join(d, p)));
const res: Record<string, number[]> = {};
const t = (l: string, f: () => unknown) => { const s = performance.now(); f(); (res[l] ??= []).push(performance.now() - s); };
for (let k = 0; k < 9; k++) {
  t('readdir only', () => tree.packageDirs.forEach(function walk(d: string) { for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name)); }));
  t('list', () => tree.packageDirs.flatMap(listSourceFiles));
  t('lstat bigint', () => all.forEach(p => lstatSync(p, { bigint: true })));
  t('lstat number', () => all.forEach(p => lstatSync(p)));
  t('read+parse json', () => JSON.parse(readFileSync(cf, 'utf8')));
  let c!: StatCache; t('open', () => { c = StatCache.open(cf); });
  t('hash all', () => tree.packageDirs.forEach(d => hashSourceTree(d, c)));
  t('forget x50', () => tree.packageDirs.forEach(d => c.forgetMissingUnder(d, new Set(all))));
}
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k.padEnd(20), v[4]!.toFixed(1), 'min', v[0]!.toFixed(1)); }
{
  const c = StatCache.open(cf);
  const sets = tree.packageDirs.map(d => new Set(listSourceFiles(d).map(p => join(d, p))));
  const r: number[] = [];
  for (let k = 0; k < 9; k++) { const s = performance.now(); tree.packageDirs.forEach((d, i) => c.forgetMissingUnder(d, sets[i]!)); r.push(performance.now() - s); }
  r.sort((a, b) => a - b); console.log('forget real x50', r[4]!.toFixed(1));
  const r2: number[] = [];
  for (let k = 0; k < 9; k++) { const c2 = StatCache.open(cf); const s = performance.now(); for (const p of all) c2.lookup(p, lstatSync(p, { bigint: true })); r2.push(performance.now() - s); }
  r2.sort((a, b) => a - b); console.log('lstat+lookup', r2[4]!.toFixed(1));
}
