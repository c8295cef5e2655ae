import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { DEFAULT_VALUE, loadBuildoutConfig } from './buildout-config.ts';
import { assertSameAsBuildout } from './fixtures/assert-same-as-buildout.ts';

const oracle = {};

/** Writes the files into a fresh directory and returns that directory. */
function writeBuildout(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'buildout-config-')));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function assertConfigError(run: () => unknown, where: string, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.where, where);
    assert.match(error.message, message);
    return true;
  });
}

test('an extends chain across directories layers like buildout', oracle, () => {
  const dir = writeBuildout({
    'buildout.cfg': '[buildout]\nextends = base/base.cfg\n    other/other.cfg\nparts += app\n\n[app]\nrecipe = x\nport = 80\n',
    'base/base.cfg': '[buildout]\nextends = deeper/deep.cfg\nparts = base\ndevelop = src/a\n\n[app]\nport = 70\nhost = localhost\n',
    'base/deeper/deep.cfg': '[buildout]\nparts = deep\nfind-links += https://example.com/links\n\n[versions]\nDjango = 4.2\n',
    'other/other.cfg': '[buildout]\nparts += other\n\n[versions]\nDjango = 5.0\n',
  });
  assertSameAsBuildout(join(dir, 'buildout.cfg'));
});

test('+= and -= across files follow buildout, including on sections with no base', oracle, () => {
  const dir = writeBuildout({
    'buildout.cfg': [
      '[buildout]\nextends = b.cfg c.cfg\ndevelop -= src/b\n',
      '[foo]\nother -= q\n',
      '[bar]\nlist = a\n   b\n   c\nlist -= b\nlist += d\n',
      '[lonely]\neggs += only\n',
    ].join('\n'),
    'b.cfg': '[buildout]\ndevelop = src/a\n  src/b\n\n[foo]\neggs += x\n\n[bar]\nlist = z\n',
    'c.cfg': '[buildout]\ndevelop += src/c\n\n[foo]\neggs = y\neggs += y2\n',
  });
  // Buildout keeps the base file as the source when one file both sets and adds to an
  // option; we report the line that changed the value last.
  assertSameAsBuildout(join(dir, 'buildout.cfg'), [], { sources: false });
});

test('<= macros start from the raw options of their bases, then apply their own += and -=', oracle, () => {
  const dir = writeBuildout({
    'buildout.cfg': [
      '[buildout]\nparts = app\n',
      '[template]\neggs = dropped\n  kept\ninterpreter = py-${:_buildout_section_name_}\n',
      '[extra]\nscripts = ${buildout:bin-directory}/x\n',
      '[app]\n<= template\n   extra\neggs += mine\neggs -= dropped\n',
      '[chained]\n<= app\nname = ${:_buildout_section_name_}\n',
    ].join('\n'),
  });
  // Buildout annotates options before expanding macros, so sources are not comparable.
  assertSameAsBuildout(join(dir, 'buildout.cfg'), [], { sources: false });
});

test('substitution is recursive, ${:x} means this section, and $$ keeps ${ from substituting', oracle, () => {
  const dir = writeBuildout({
    'buildout.cfg': [
      '[buildout]\nparts = ${app:name}\n',
      '[app]\nname = web-${ports:app}\nurl = http://${:host}:${ports:app}/\nhost = localhost\n',
      'literal = $${app:name} ${app:host}$$ $$$${x:y}\n',
      '[ports]\napp = 80${ports:suffix}\nsuffix = 80\n',
    ].join('\n'),
  });
  assertSameAsBuildout(join(dir, 'buildout.cfg'));
});

test('default options and directories are made absolute the way buildout does it', oracle, () => {
  const dir = writeBuildout({
    'project/buildout.cfg': '[buildout]\nextends = ../shared/base.cfg\nbin-directory = ../bin\ninstalled = .state.cfg\n',
    'shared/base.cfg': '[buildout]\neggs-directory = eggs-cache\nextends-cache = cache\nparts-directory = ${buildout:directory}/p\n',
  });
  assertSameAsBuildout(join(dir, 'project', 'buildout.cfg'));
});

test('command-line overrides win, may add to values and may create sections', oracle, () => {
  const dir = writeBuildout({
    'buildout.cfg': '[buildout]\nparts = app\n\n[app]\nport = 80\neggs = a\n  b\n',
  });
  const overrides = ['app:port=9', 'parts+=cli', 'new:option = 1', 'offline=true', 'app:eggs-=a', 'download-cache=dl'];
  assertSameAsBuildout(join(dir, 'buildout.cfg'), overrides);
});

test('conditional sections, comments and continuation lines read like buildout reads them', oracle, () => {
  const dir = writeBuildout({
    'buildout.cfg': [
      '[buildout]\nparts=\n\tfoo\n\t  bar\n  baz\n',
      '[   s2  ]         # a comment\nlong = a\n    b\n\n    c\nl2 =\n\n\n    a\n\n\n    # not a comment\n\n# comment\n; also a comment\n\n    b\n\n      c\n\n\nempty =\n\nc=1\n',
      '[s2:python2]\nc = 2\n[s2:python3 and (linux or macosx or windows)] ; trailing\nd = 4\n',
      '[deps]\n=> s2\n',
    ].join('\n'),
  });
  assertSameAsBuildout(join(dir, 'buildout.cfg'));
});

test('option() names the file and line of the definition that decided the value', () => {
  const dir = writeBuildout({
    'buildout.cfg': '[buildout]\nextends = base.cfg\n\n[app]\nport = ${:base}0\nhosts += b\n',
    'base.cfg': '[app]\nbase = 8\nport = 1\nhosts = a\n',
  });
  const config = loadBuildoutConfig(join(dir, 'buildout.cfg'));
  assert.deepEqual(config.option('app', 'port'), { value: '80', file: join(dir, 'buildout.cfg'), line: 5 });
  assert.deepEqual(config.option('app', 'hosts'), { value: 'a\nb', file: join(dir, 'buildout.cfg'), line: 6 });
  assert.deepEqual(config.option('app', 'base'), { value: '8', file: join(dir, 'base.cfg'), line: 2 });
  assert.deepEqual(config.option('buildout', 'newest'), { value: 'true', file: DEFAULT_VALUE, line: 0 });
  assert.equal(config.get('app', 'missing'), undefined);
  assert.equal(config.section('missing'), undefined);
});

test('files lists every file read, top file first, then depth-first in extends order', () => {
  const dir = writeBuildout({
    'buildout.cfg': '[buildout]\nextends = a.cfg b.cfg\ndevelop = .\n',
    'a.cfg': '[buildout]\nextends = common.cfg\n',
    'b.cfg': '[buildout]\nextends = common.cfg\n',
    'common.cfg': '[buildout]\n',
  });
  const config = loadBuildoutConfig(join(dir, 'buildout.cfg'));
  const names = ['buildout.cfg', 'a.cfg', 'common.cfg', 'b.cfg'].map((name) => join(dir, name));
  assert.equal(config.topFile, names[0]);
  assert.deepEqual(config.files, names);
  assert.deepEqual(config.rawFiles.map((file) => file.path), names);
  assert.equal(config.rawFiles[0]?.sections[0]?.options.find((o) => o.key === 'develop')?.value, '.');
});

test('a missing extends file is named with the line of the extends option', () => {
  const dir = writeBuildout({ 'buildout.cfg': '[buildout]\nparts =\nextends =\n    base.cfg\n    missing.cfg\n', 'base.cfg': '[x]\n' });
  assertConfigError(() => loadBuildoutConfig(join(dir, 'buildout.cfg')), `${join(dir, 'buildout.cfg')}:3`, /not found: .*missing\.cfg/);
});

test('an extends cycle names every file in the cycle', () => {
  const dir = writeBuildout({
    'buildout.cfg': '[buildout]\nextends = a.cfg\n',
    'a.cfg': '[buildout]\nextends = b.cfg\n',
    'b.cfg': '[buildout]\nextends = a.cfg\n',
  });
  const [a, b] = [join(dir, 'a.cfg'), join(dir, 'b.cfg')];
  assertConfigError(() => loadBuildoutConfig(join(dir, 'buildout.cfg')), `${b}:2`, new RegExp(`cycle: ${a} -> ${b} -> ${a}$`));
});

test('an undefined reference names the line of the option that holds it', () => {
  const dir = writeBuildout({ 'buildout.cfg': '[buildout]\nparts = app\n\n[app]\nport = 80\nurl = http://${app:host}/\n' });
  const config = loadBuildoutConfig(join(dir, 'buildout.cfg'));
  assertConfigError(() => config.get('app', 'port'), `${join(dir, 'buildout.cfg')}:6`, /does not exist: app:host/);
});

test('a reference to an undefined section fails already when loading if [buildout] holds it', () => {
  const dir = writeBuildout({ 'buildout.cfg': '[buildout]\nparts = ${nowhere:parts}\n' });
  assertConfigError(() => loadBuildoutConfig(join(dir, 'buildout.cfg')), `${join(dir, 'buildout.cfg')}:2`, /\[nowhere\] is referenced/);
});

test('a circular reference is an error naming the options in the circle', () => {
  const dir = writeBuildout({ 'buildout.cfg': '[buildout]\n\n[a]\nx = ${b:y}\n\n[b]\ny = ${a:x}\n' });
  const config = loadBuildoutConfig(join(dir, 'buildout.cfg'));
  // Reading a:x first substitutes all of [b], so the circle is found starting from b:y.
  assertConfigError(() => config.get('a', 'x'), `${join(dir, 'buildout.cfg')}:7`, /circular reference .*: b:y -> a:x -> b:y$/);
});

test('a syntax error in an extended file is reported at its line', () => {
  const dir = writeBuildout({ 'buildout.cfg': '[buildout]\nextends = base.cfg\n', 'base.cfg': '[app]\nport = 1\nnot an option\n' });
  assertConfigError(() => loadBuildoutConfig(join(dir, 'buildout.cfg')), `${join(dir, 'base.cfg')}:3`, /line 3: "not an option"/);
});

test('invalid buildout booleans and malformed overrides are refused', () => {
  const dir = writeBuildout({ 'buildout.cfg': '[buildout]\noffline = maybe\n' });
  assertConfigError(() => loadBuildoutConfig(join(dir, 'buildout.cfg')), `${join(dir, 'buildout.cfg')}:2`, /buildout:offline/);
  const valid = writeBuildout({ 'buildout.cfg': '[buildout]\n' });
  assertConfigError(() => loadBuildoutConfig(join(valid, 'buildout.cfg'), ['a:b:c=1']), 'command line', /invalid option override/);
});
