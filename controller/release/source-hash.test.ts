import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBenchTree, writeTree } from '../../test/bench/make-tree.ts';
import { digestSourceEntries, hashSourceTree, type SourceEntry } from './source-hash.ts';
import { listSourceFiles } from './source-tree.ts';
import { StatCache } from './stat-cache.ts';

const scratch = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** With a fresh cache every time, so every file is read and the cache cannot mask anything. */
const hashOf = (dir: string) => hashSourceTree(dir, StatCache.open(join(scratch('cache-'), 'stat-cache.json')));

function developEgg(): string {
  const [dir] = makeBenchTree(scratch('egg-'), { eggs: 1, files: 12 }).packageDirs;
  writeTree(dir!, { 'bin/run.sh': '#!/bin/sh\necho run\n' });
  chmodSync(join(dir!, 'bin/run.sh'), 0o755);
  symlinkSync('setup.py', join(dir!, 'alias.py'));
  return dir!;
}

test('the same sources hash the same in another directory and with other mtimes', () => {
  const original = developEgg();
  const copy = join(scratch('elsewhere-'), 'deeper', 'pkg');
  cpSync(original, copy, { recursive: true, verbatimSymlinks: true });
  const past = new Date('2001-02-03T04:05:06Z');
  for (const path of listSourceFiles(copy)) {
    if (!path.endsWith('alias.py')) utimesSync(join(copy, path), past, past);
  }
  const first = hashOf(original);
  assert.match(first.hash, /^[0-9a-f]{64}$/);
  assert.equal(first.files, listSourceFiles(original).length);
  assert.equal(hashOf(copy).hash, first.hash);
});

test('build output, bytecode, caches and gitignored files do not change the hash', () => {
  const dir = developEgg();
  const before = hashOf(dir).hash;
  appendFileSync(join(dir, '.gitignore'), ''); // unchanged content, new mtime
  writeTree(dir, {
    'build/lib/bench/x.py': 'x',
    'dist/bench.pkg00-1.0-py3.11.egg': 'zip',
    'bench.pkg00.egg-info/PKG-INFO': 'Name: bench.pkg00',
    'bench/__pycache__/__init__.cpython-311.pyc': 'pyc',
    'bench/old.pyc': 'pyc',
    'notes.swp': 'gitignored by the package',
    '.git/HEAD': 'ref: refs/heads/main',
  });
  assert.equal(hashOf(dir).hash, before);
});

test('building an egg and compiling bytecode in the checkout leave the hash alone', () => {
  const dir = developEgg();
  rmSync(join(dir, '.gitignore')); // the built-in rules alone must cover what setuptools writes
  const before = hashOf(dir).hash;
  const python = '/usr/bin/python3';
  execFileSync(python, ['setup.py', '-q', 'egg_info', '--tag-build=.post1', 'bdist_egg', '-d', 'dist'], { cwd: dir, stdio: 'pipe' });
  execFileSync(python, ['-m', 'compileall', '-q', '.'], { cwd: dir, stdio: 'pipe' });
  assert.equal(hashOf(dir).hash, before);
});

test('editing, adding, renaming, chmod +x and retargeting a symlink each change the hash', () => {
  const dir = developEgg();
  const hashes = [hashOf(dir).hash];
  const changes = [
    () => appendFileSync(join(dir, 'setup.py'), '# edited\n'),
    () => writeFileSync(join(dir, 'bench/pkg00/core/new.py'), ''),
    () => renameSync(join(dir, 'bench/pkg00/core/new.py'), join(dir, 'bench/pkg00/core/renamed.py')),
    () => chmodSync(join(dir, 'setup.py'), 0o755),
    () => {
      rmSync(join(dir, 'alias.py'));
      symlinkSync('bench', join(dir, 'alias.py'));
    },
  ];
  for (const change of changes) {
    change();
    hashes.push(hashOf(dir).hash);
  }
  assert.equal(new Set(hashes).size, hashes.length);
});

test('the digest ignores entry order and Unicode normalization of paths', () => {
  const sha = (c: string) => c.repeat(64);
  const entries: SourceEntry[] = [
    { path: 'caf\u00e9.py', mode: '100644', sha256: sha('a') },
    { path: 'bin/run', mode: '100755', sha256: sha('b') },
    { path: 'link', mode: '120000', sha256: sha('c') },
  ];
  const decomposed = entries.map((e) => ({ ...e, path: e.path.normalize('NFD') })).reverse();
  assert.equal(digestSourceEntries(decomposed), digestSourceEntries(entries));
  assert.notEqual(digestSourceEntries(entries.slice(1)), digestSourceEntries(entries));
  assert.notEqual(digestSourceEntries([{ ...entries[0]!, mode: '100755' }, ...entries.slice(1)]), digestSourceEntries(entries));
});
