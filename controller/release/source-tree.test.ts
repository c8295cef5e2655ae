import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';
import { listSourceFiles } from './source-tree.ts';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'source-tree-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

test('lists source files as sorted relative POSIX paths, empty directories aside', () => {
  const root = tree({ 'setup.py': '', 'acme/__init__.py': '', 'acme/core/store.py': '', 'README.txt': '' });
  mkdirSync(join(root, 'acme/empty'));
  assert.deepEqual(listSourceFiles(root), ['README.txt', 'acme/__init__.py', 'acme/core/store.py', 'setup.py']);
});

test('leaves out build output, bytecode, tool caches and version control data', () => {
  const root = tree({
    'setup.py': '',
    'acme/__init__.py': '',
    'build/lib/acme/__init__.py': '',
    'dist/acme-1.0-py3.11.egg': '',
    'acme.egg-info/PKG-INFO': '',
    'src/acme.egg-info/PKG-INFO': '',
    'acme/__pycache__/x.cpython-311.pyc': '',
    'acme/old.pyc': '',
    'acme/old.pyo': '',
    '.git/HEAD': '',
    '.hg/store/x': '',
    '.svn/entries': '',
    '.bzr/x': '',
    '.eggs/dep-1.0.egg/x': '',
    'acme-1.0-py3.11.egg': '',
    '.tox/py311/x': '',
    '.pytest_cache/x': '',
  });
  assert.deepEqual(listSourceFiles(root), ['acme/__init__.py', 'setup.py']);
});

test('a subpackage called build or dist below the top is source', () => {
  const root = tree({ 'acme/build/__init__.py': '', 'acme/dist/__init__.py': '', 'build/x': '' });
  assert.deepEqual(listSourceFiles(root), ['acme/build/__init__.py', 'acme/dist/__init__.py']);
});

const GITIGNORED_TREE = {
  '.gitignore': '*.log\n!keep.log\n/local.cfg\ndocs/_build/\nsecret/\n',
  'a.log': '',
  'keep.log': '',
  'local.cfg': '',
  'acme/local.cfg': '',
  'docs/_build/index.html': '',
  'docs/index.rst': '',
  'secret/key.txt': '',
  'acme/.gitignore': 'generated_*.py\n!keep.log\nkeep.log\n!debug.log\n',
  'acme/generated_parser.py': '',
  'acme/parser.py': '',
  'acme/keep.log': '',
  'acme/debug.log': '',
  'other/generated_x.py': '',
};

test('honours .gitignore at the top and in subdirectories, with negations', () => {
  assert.deepEqual(listSourceFiles(tree(GITIGNORED_TREE)), [
    '.gitignore',
    'acme/.gitignore',
    'acme/debug.log',
    'acme/local.cfg',
    'acme/parser.py',
    'docs/index.rst',
    'keep.log',
    'other/generated_x.py',
  ]);
});

test('lists what git would track in a checkout with the same .gitignore files', () => {
  const root = tree(GITIGNORED_TREE);
  execFileSync('git', ['init', '-q', root]);
  const tracked = execFileSync('git', ['-c', 'core.excludesFile=/dev/null', 'ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  assert.deepEqual(listSourceFiles(root), tracked.split('\n').filter(Boolean).sort());
});

test('a file in an ignored directory cannot be re-included, as in git', () => {
  const root = tree({ '.gitignore': 'data/\n!data/keep.txt\n', 'data/keep.txt': '', 'setup.py': '' });
  assert.deepEqual(listSourceFiles(root), ['.gitignore', 'setup.py']);
});

test('ignore patterns are case-sensitive on every platform', () => {
  const root = tree({ '.gitignore': 'notes.txt\n', 'NOTES.txt': '', 'notes.txt': '' });
  assert.deepEqual(listSourceFiles(root), ['.gitignore', 'NOTES.txt']);
});

test('symlinks are listed, never followed, even to directories outside the package', () => {
  const outside = tree({ 'a.py': '', 'b.py': '' });
  const root = tree({ 'setup.py': '' });
  symlinkSync(outside, join(root, 'vendored'));
  symlinkSync('setup.py', join(root, 'alias.py'));
  assert.deepEqual(listSourceFiles(root), ['alias.py', 'setup.py', 'vendored']);
});

test('a develop egg that is missing or not a directory is reported with its path', () => {
  const root = tree({ 'setup.py': '' });
  for (const path of [join(root, 'nowhere'), join(root, 'setup.py')]) {
    assert.throws(() => listSourceFiles(path), (e: unknown) => e instanceof ReleaseError && e.where === path && !!e.hint);
  }
});
