import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBenchTree, settleFilesystemClock } from '../../test/bench/make-tree.ts';
import { hashSourceTree } from './source-hash.ts';
import { probeFilesystemClock, StatCache } from './stat-cache.ts';

interface Checkout {
  dir: string;
  bytes: number;
  cacheFile: string;
}

/** A develop egg whose files are all older than the filesystem clock, as on a real laptop. */
function settledCheckout(): Checkout {
  const root = mkdtempSync(join(tmpdir(), 'stat-cache-'));
  const tree = makeBenchTree(root, { eggs: 1, files: 20 });
  return { dir: tree.packageDirs[0]!, bytes: tree.bytes, cacheFile: join(root, '.hostout', 'stat-cache.json') };
}

function hashAndSave({ dir, cacheFile }: Checkout) {
  const cache = StatCache.open(cacheFile);
  const result = hashSourceTree(dir, cache);
  return { ...result, saved: cache.save() };
}

test('a warm run reads no file and does not rewrite the cache', () => {
  const checkout = settledCheckout();
  const cold = hashAndSave(checkout);
  assert.equal(cold.bytesRead, checkout.bytes);
  assert.equal(cold.saved, true);
  const savedAs = statSync(checkout.cacheFile, { bigint: true });

  const warm = hashAndSave(checkout);
  assert.deepEqual(warm, { ...cold, bytesRead: 0, saved: false });
  assert.equal(statSync(checkout.cacheFile, { bigint: true }).mtimeNs, savedAs.mtimeNs);
  assert.deepEqual(readdirSync(join(checkout.cacheFile, '..')), ['stat-cache.json']);
});

test('an edit that keeps the size is noticed by its new mtime', () => {
  const checkout = settledCheckout();
  const cold = hashAndSave(checkout);
  const file = join(checkout.dir, 'setup.py');
  writeFileSync(file, readFileSync(file, 'utf8').replace('1.0', '2.0'));

  const after = hashAndSave(checkout);
  assert.notEqual(after.hash, cold.hash);
  assert.equal(after.bytesRead, statSync(file).size);
});

test('an edit that keeps the size and restores the mtime is still noticed, by its ctime', () => {
  const checkout = settledCheckout();
  const cold = hashAndSave(checkout);
  const file = join(checkout.dir, 'setup.py');
  const timesOfOriginal = join(checkout.dir, '..', 'times');
  // touch -r copies times to the nanosecond; Node's utimes rounds them.
  execFileSync('touch', ['-r', file, timesOfOriginal]);
  const before = lstatSync(file, { bigint: true });
  writeFileSync(file, readFileSync(file, 'utf8').replace('1.0', '2.0'));
  execFileSync('touch', ['-r', timesOfOriginal, file]);
  const after = lstatSync(file, { bigint: true });
  assert.deepEqual([after.size, after.mtimeNs, after.ino], [before.size, before.mtimeNs, before.ino]);

  assert.notEqual(hashAndSave(checkout).hash, cold.hash);
});

test('files changed after the run began are re-read until a later run vouches for them', () => {
  const checkout = settledCheckout();
  hashAndSave(checkout);
  const cache = StatCache.open(checkout.cacheFile);
  // Changed after this run read the clock: a second change in the same tick could keep its stat.
  writeFileSync(join(checkout.dir, 'setup.py'), readFileSync(join(checkout.dir, 'setup.py')));
  const size = statSync(join(checkout.dir, 'setup.py')).size;
  assert.equal(hashSourceTree(checkout.dir, cache).bytesRead, size);
  assert.equal(hashSourceTree(checkout.dir, cache).bytesRead, size);
  cache.save();
  settleFilesystemClock(join(checkout.cacheFile, '..'));
  assert.equal(hashAndSave(checkout).bytesRead, size, 'the next run does not trust what this one saw as racy');
  assert.equal(hashAndSave(checkout).bytesRead, 0);
});

test('a racy entry is never trusted, even after a save by a later run', () => {
  const cacheFile = join(mkdtempSync(join(tmpdir(), 'stat-cache-')), 'stat-cache.json');
  const cache = StatCache.open(cacheFile);
  const now = probeFilesystemClock(join(cacheFile, '..'));
  const stat = (timeNs: bigint) => ({ size: 10n, mtimeNs: timeNs, ctimeNs: timeNs, ino: 7n });
  const old = stat(now - 10_000_000_000n);
  cache.remember('/src', 'old.py', old, 'a'.repeat(64));
  cache.remember('/src', 'racy.py', stat(now), 'b'.repeat(64));
  assert.equal(cache.lookup('/src', 'old.py', old), 'a'.repeat(64));
  assert.equal(cache.lookup('/src', 'old.py', { ...old, ctimeNs: old.ctimeNs + 1n }), undefined);
  assert.equal(cache.lookup('/src', 'racy.py', stat(now)), undefined);
  // Edited now, then given an old mtime back (touch -r, rsync -t): racy by its ctime.
  const backdated = { ...old, ctimeNs: now };
  cache.remember('/src', 'backdated.py', backdated, 'd'.repeat(64));
  assert.equal(cache.lookup('/src', 'backdated.py', backdated), undefined);
  cache.save();

  settleFilesystemClock(join(cacheFile, '..'));
  const later = StatCache.open(cacheFile);
  later.remember('/src', 'other.py', old, 'c'.repeat(64));
  later.save();
  const latest = StatCache.open(cacheFile);
  assert.equal(latest.lookup('/src', 'old.py', old), 'a'.repeat(64));
  assert.equal(latest.lookup('/src', 'racy.py', stat(now)), undefined);
});

test('a damaged cache file is ignored and replaced', () => {
  const checkout = settledCheckout();
  const cold = hashAndSave(checkout);
  const good = JSON.parse(readFileSync(checkout.cacheFile, 'utf8'));
  const files = good.trees[checkout.dir];
  const firstPath = Object.keys(files)[0]!;
  const damaged = [
    '{"format":"hostout-stat-cache/1","files":{',
    '',
    '\u0000\u0001binary',
    JSON.stringify({ ...good, format: 'something-else/9' }),
    JSON.stringify({ ...good, trustedBeforeNs: 12.5 }),
    JSON.stringify({ ...good, trees: { [checkout.dir]: [] } }),
    JSON.stringify({ ...good, trees: { [checkout.dir]: { ...files, [firstPath]: { ...files[firstPath], sha256: 'f'.repeat(64), ino: -1 } } } }),
  ];
  for (const text of damaged) {
    writeFileSync(checkout.cacheFile, text);
    const result = hashAndSave(checkout);
    assert.equal(result.hash, cold.hash);
    assert.ok(result.bytesRead > 0);
    assert.equal(result.saved, true);
    assert.equal(hashAndSave(checkout).bytesRead, 0);
  }
});

test('entries of files that are gone are dropped, those of other trees kept', () => {
  const checkout = settledCheckout();
  const other = makeBenchTree(mkdtempSync(join(tmpdir(), 'stat-cache-other-')), { eggs: 1, files: 3 }).packageDirs[0]!;
  const cache = StatCache.open(checkout.cacheFile);
  hashSourceTree(other, cache);
  cache.save();
  hashAndSave(checkout);
  rmSync(join(checkout.dir, 'setup.py'));
  assert.equal(hashAndSave(checkout).saved, true);
  const trees = JSON.parse(readFileSync(checkout.cacheFile, 'utf8')).trees;
  assert.ok(Object.keys(trees[checkout.dir]).length > 0 && !('setup.py' in trees[checkout.dir]));
  assert.equal(hashAndSave({ ...checkout, dir: other }).bytesRead, 0);
});
