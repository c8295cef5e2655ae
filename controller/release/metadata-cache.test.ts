import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetadataCache, type HashedTree } from './metadata-cache.ts';

/** A tree from path → content; its hash is that of everything, as source-hash.ts makes it. */
function treeOf(files: Record<string, string>): HashedTree {
  const paths = Object.keys(files).sort();
  return { hash: JSON.stringify(paths.map((p) => [p, files[p]])), paths, fileSha256: new Map(paths.map((p) => [p, `sha-of:${files[p]}`])) };
}

const cacheFile = () => join(mkdtempSync(join(tmpdir(), 'hostout-metadata-')), 'metadata-cache.json');
const package1 = { 'setup.py': 'setup(version=open("VERSION").read())', VERSION: '1.0', 'pkg/__init__.py': '', 'pkg/module.py': 'a = 1' };
const touched = { opened: ['setup.py', 'VERSION', 'setup.cfg'], listed: ['.', 'pkg'] };
const declared = { name: 'pkg', declaredVersion: '1.0' };

test('an edit to a file setup.py never opened reuses its answer; an edit to one it opened does not', () => {
  const cache = MetadataCache.open(cacheFile());
  cache.remember('/src/pkg', treeOf(package1), declared, touched);
  assert.deepEqual(cache.lookup('/src/pkg', treeOf(package1)), declared, 'the same tree');
  assert.deepEqual(cache.lookup('/src/pkg', treeOf({ ...package1, 'pkg/module.py': 'a = 2' })), declared, 'a module edited');
  assert.equal(cache.lookup('/src/pkg', treeOf({ ...package1, VERSION: '2.0' })), undefined, 'the file it reads its version from');
  assert.equal(cache.lookup('/src/pkg', treeOf({ ...package1, 'setup.cfg': '[metadata]' })), undefined, 'a file it looked for and did not find appears');
  assert.equal(cache.lookup('/src/pkg', treeOf({ ...package1, 'pkg/other.py': '' })), undefined, 'a directory it listed has a new entry');
  assert.equal(cache.lookup('/src/other', treeOf({ ...package1, 'pkg/module.py': 'a = 3' })), undefined, 'another package never borrows it');
});

test('a setup.py that ran a process is asked again for every other tree', () => {
  const cache = MetadataCache.open(cacheFile());
  cache.remember('/src/pkg', treeOf(package1), declared, touched);
  cache.remember('/src/pkg', treeOf({ ...package1, 'pkg/module.py': 'a = 2' }), declared, undefined);
  assert.deepEqual(cache.lookup('/src/pkg', treeOf({ ...package1, 'pkg/module.py': 'a = 2' })), declared);
  assert.equal(cache.lookup('/src/pkg', treeOf({ ...package1, 'pkg/module.py': 'a = 3' })), undefined);
});

test('kept across runs, read from the first format too, and a torn file is only a miss', () => {
  const file = cacheFile();
  const cache = MetadataCache.open(file);
  cache.remember('/src/pkg', treeOf(package1), declared, touched);
  cache.save();
  assert.deepEqual(MetadataCache.open(file).lookup('/src/pkg', treeOf({ ...package1, 'pkg/module.py': 'a = 9' })), declared);

  writeFileSync(file, JSON.stringify({ [treeOf(package1).hash]: declared }));
  assert.deepEqual(MetadataCache.open(file).lookup('/src/pkg', treeOf(package1)), declared, 'tree hash → metadata, as written before');

  writeFileSync(file, '{"format": 2, "byTr');
  assert.equal(MetadataCache.open(file).lookup('/src/pkg', treeOf(package1)), undefined);
});

test('only the newest 500 trees are kept', () => {
  const file = cacheFile();
  const cache = MetadataCache.open(file);
  for (let i = 0; i < 510; i++) cache.remember('/src/pkg', treeOf({ ...package1, 'pkg/module.py': `a = ${i}` }), declared, undefined);
  cache.save();
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(Object.keys(saved.byTree).length, 500);
  assert.ok(MetadataCache.open(file).lookup('/src/pkg', treeOf({ ...package1, 'pkg/module.py': 'a = 509' })));
  assert.equal(MetadataCache.open(file).lookup('/src/pkg', treeOf({ ...package1, 'pkg/module.py': 'a = 0' })), undefined);
});
