import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../shared/errors.ts';
import { parseBuildoutText, type RawBuildoutFile } from './buildout-file.ts';

const FILE = '/srv/app/buildout.cfg';

function optionsOf(parsed: RawBuildoutFile, section: string): Record<string, string> {
  const options = parsed.sections.filter((s) => s.name === section).flatMap((s) => s.options);
  return Object.fromEntries(options.map((o) => [o.op === '=' ? o.key : `${o.key} ${o.op}`, o.value]));
}

function assertConfigError(run: () => unknown, where: string, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.where, where);
    assert.match(error.message, message);
    return true;
  });
}

test('sections and options carry their file and 1-based line', () => {
  const parsed = parseBuildoutText('[buildout]\nparts = app\n\n[app]\nrecipe = zc.recipe.egg\n', FILE);
  assert.deepEqual(parsed, {
    path: FILE,
    sections: [
      { name: 'buildout', file: FILE, line: 1, options: [{ key: 'parts', op: '=', value: 'app', file: FILE, line: 2 }] },
      { name: 'app', file: FILE, line: 4, options: [{ key: 'recipe', op: '=', value: 'zc.recipe.egg', file: FILE, line: 5 }] },
    ],
  });
});

test('+= and -= are operators however they are spaced', () => {
  const parsed = parseBuildoutText('[a]\neggs += x\neggs+=y\neggs -= z\nname-with-dash = 1\n', FILE);
  assert.deepEqual(
    parsed.sections[0]?.options.map(({ key, op, value }) => [key, op, value]),
    [['eggs', '+=', 'x'], ['eggs', '+=', 'y'], ['eggs', '-=', 'z'], ['name-with-dash', '=', '1']],
  );
});

test('only lines starting with # or ; are comments; in a value they are text', () => {
  const text = '# top\n[a] # header comment\n; note\nx = 1 # kept\ny =\n    # kept too\n    v\n[b]; another\n';
  const parsed = parseBuildoutText(text, FILE);
  assert.deepEqual(optionsOf(parsed, 'a'), { x: '1 # kept', y: '# kept too\nv' });
  assert.deepEqual(parsed.sections.map((s) => s.name), ['a', 'b']);
});

test('a value continued after text on its first line has each line stripped, blank lines dropped', () => {
  const parsed = parseBuildoutText('[a]\nlong = a\n    b\n\n      c\n', FILE);
  assert.deepEqual(optionsOf(parsed, 'a'), { long: 'a\nb\nc' });
});

test('a value starting on the next line is dedented and keeps its inner blank lines', () => {
  const parsed = parseBuildoutText('[a]\nl2 =\n\n\n    a\n\n    b\n\n      c\n\n\nempty =\n', FILE);
  assert.deepEqual(optionsOf(parsed, 'a'), { l2: 'a\n\nb\n\n  c', empty: '' });
});

test('a section header repeated in one file stays two raw sections, in file order', () => {
  const parsed = parseBuildoutText('[a]\nx = 1\n[a]\nx = 2\n', FILE);
  assert.deepEqual(parsed.sections.map((s) => [s.name, s.line, s.options[0]?.value]), [['a', 1, '1'], ['a', 3, '2']]);
});

test('=> names the sections a part depends on', () => {
  const parsed = parseBuildoutText('[a]\n=> b c\n', FILE);
  assert.deepEqual(optionsOf(parsed, 'a'), { '<part-dependencies>': 'b c' });
});

test('a section whose condition is false is left out, continuation lines included', () => {
  const text = '[a]\nx = 1\n[a:python2]\nx = 2\n  more\n[a:python3 and not windows]\ny = 3\n';
  assert.deepEqual(optionsOf(parseBuildoutText(text, FILE), 'a'), { x: '1', y: '3' });
});

test('a condition buildout cannot evaluate is an error at its header line naming what buildout says', () => {
  // python38 is not one of zc.buildout 2.13's names (Plone 6 versions files use it: they need buildout 3).
  assertConfigError(() => parseBuildoutText('[a]\n[versions:python38]\nx = 1\n', FILE), `${FILE}:2`, /NameError: name 'python38' is not defined/);
  // platform.linux_distribution is gone from Python 3.8 (found in a django CMS buildout).
  const header = "[VARS:'gentoo' in platform.linux_distribution()[0].lower()]";
  assertConfigError(() => parseBuildoutText(`[a]\n${header}\n`, FILE), `${FILE}:2`, /AttributeError/);
});

test('any other Python expression is evaluated as buildout evaluates it, with its sys, os and platform', () => {
  const text = [
    '[a]',
    "[a:sys.platform.startswith('linux')]\nlinux = yes",
    "[a:os.name == 'nt']\nwindows = yes",
    '[a : sys.version_info[0] > 2]\npy3 = yes',
    "[a:re.match('x', 'x') is not None and posix]\nre = yes",
  ].join('\n');
  assert.deepEqual(optionsOf(parseBuildoutText(text, FILE), 'a'), { linux: 'yes', py3: 'yes', re: 'yes' });
});

test('lines that are neither options nor continuations are reported with their line numbers', () => {
  const run = () => parseBuildoutText('[a]\nx = 1\nthis is bad\ny = 2\n[b]\nalso bad\n', FILE);
  assertConfigError(run, `${FILE}:3`, /line 3: "this is bad"; line 6: "also bad"/);
});

test('an option before any section header is an error at its line', () => {
  assertConfigError(() => parseBuildoutText('\n\nx = 1\n[a]\n', FILE), `${FILE}:3`, /before the first \[section\]/);
});

test('Windows line endings read like Unix ones', () => {
  const parsed = parseBuildoutText('[a]\r\nx =\r\n  1\r\n  2\r\n', FILE);
  assert.deepEqual(optionsOf(parsed, 'a'), { x: '1\n2' });
});
