import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { expandDevelopEntries } from './develop-paths.ts';

function buildoutWithPackages(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'develop-paths-'));
  for (const name of names) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'setup.py'), '');
  }
  return dir;
}

test('develop entries read as buildout reads them: relative, globbed and sorted per entry, or a setup.py', (t) => {
  const dir = buildoutWithPackages('src/b.web', 'src/a.core', 'src/.hidden', 'src/c.recipe', 'lib/tool');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(expandDevelopEntries(['src/*'], dir, undefined), ['a.core', 'b.web', 'c.recipe'].map((n) => join(dir, 'src', n)), 'no dot-directories, sorted');
  assert.deepEqual(expandDevelopEntries(['lib/tool/setup.py', 'src/[ab].*'], dir, undefined), [join(dir, 'lib/tool'), join(dir, 'src/a.core'), join(dir, 'src/b.web')], 'entry order kept');
  assert.deepEqual(expandDevelopEntries([join(dir, 'src/c.recipe'), 'src/c.*', 'src/?.recipe'], dir, undefined), [join(dir, 'src/c.recipe')], 'each directory once');
  assert.deepEqual(expandDevelopEntries(['src/[!ab].*'], dir, undefined), [join(dir, 'src/c.recipe')]);
});

test('a develop entry that names nothing is an error naming the entry and where it was set', (t) => {
  const dir = buildoutWithPackages('src/a.core');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [entry, said] of [['src/missing', /develop names src\/missing, which does not exist/], ['pkgs/*', /develop names pkgs\/\*, which matches nothing/]] as const) {
    assert.throws(
      () => expandDevelopEntries(['src/a.core', entry], dir, 'dev.cfg:4'),
      (error: unknown) => error instanceof ConfigError && said.test(error.message) && error.where === 'dev.cfg:4',
    );
  }
});
