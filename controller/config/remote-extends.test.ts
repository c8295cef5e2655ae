/**
 * Remote `extends` and `abi-tag-eggs`, read as zc.buildout 2.13 reads them: each case is
 * compared with real buildout (the oracle) reading the same files from the same server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { serveConfigFiles, type ConfigServer } from '../../test/support/config-server.ts';
import { loadBuildoutConfig } from './buildout-config.ts';
import { extendsCacheKey } from './extends-download.ts';
import { assertSameAsBuildout } from './fixtures/assert-same-as-buildout.ts';
import { runBuildoutOracle } from './fixtures/buildout-oracle.ts';

let server: ConfigServer;
const dirs: string[] = [];

before(async () => {
  server = await serveConfigFiles({
    // A release's pins that extend a sibling folder's file by a relative name, as Plone's do.
    'release/1.0/versions.cfg': [
      '[buildout]\nextends = ../common/base.cfg\n    extra.cfg\nparts += remote-part\n',
      '[versions]\nplainhtml = 1.2\nzope.interface = 5.0\n',
      '[remote-part]\nlocation = ${buildout:directory}/var/remote\neggs-dir = ${buildout:eggs-directory}\n',
    ].join('\n'),
    'release/1.0/extra.cfg': '[versions]\nzope.interface = 5.1\n\n[settings]\nport = 9000\n',
    'release/common/base.cfg': '[buildout]\nparts = base\n\n[versions]\nsix = 1.16\n\n[settings]\nport = 8000\nhost = localhost\n',
    'relative-cache.cfg': '[buildout]\nextends-cache = cache\n',
    'cycle/a.cfg': '[buildout]\nextends = b.cfg\n',
    'cycle/b.cfg': '[buildout]\nextends = a.cfg\n',
  });
});

after(async () => {
  await server.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function writeBuildout(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'remote-extends-')));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function assertConfigError(run: () => unknown, where: string, message: RegExp, hint?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.where, where);
    assert.match(error.message, message);
    if (hint) assert.match(error.hint ?? '', hint);
    return true;
  });
}

test('a remote versions file extending others by relative names reads like buildout, sources named by URL', () => {
  const dir = writeBuildout({
    'buildout.cfg': `[buildout]\nextends = local.cfg\n    ${server.url}/release/1.0/versions.cfg\nparts += app\n\n[app]\nport = \${settings:port}\n`,
    'local.cfg': '[buildout]\nparts = local\n\n[settings]\nport = 7000\n',
  });
  assertSameAsBuildout(join(dir, 'buildout.cfg'));
  const config = loadBuildoutConfig(join(dir, 'buildout.cfg'));
  assert.deepEqual(config.files, [join(dir, 'buildout.cfg'), join(dir, 'local.cfg')], 'files lists local files only');
  assert.deepEqual(config.remoteFiles.map((file) => file.url), [
    `${server.url}/release/1.0/versions.cfg`,
    // buildout appends relative names to the URL's folder without normalising `..`
    `${server.url}/release/1.0/../common/base.cfg`,
    `${server.url}/release/1.0/extra.cfg`,
  ]);
  assert.equal(config.remoteFiles[1]?.extendedAt, `${server.url}/release/1.0/versions.cfg:2`);
  assert.equal(config.option('remote-part', 'location')?.value, `${dir}/var/remote`, '${buildout:directory} is the top file\'s folder');
});

test('with an extends-cache the copies are kept under buildout\'s names, then read with the server down', async () => {
  const remote = await serveConfigFiles({ 'pins.cfg': '[buildout]\nextends = more/pins.cfg\n[versions]\na = 1\n', 'more/pins.cfg': '[versions]\nb = 2\n' });
  const dir = writeBuildout({
    'buildout.cfg': `[buildout]\nextends = ${remote.url}/pins.cfg\nextends-cache = cache\n`,
    'cache/.keep': '',
  });
  const top = join(dir, 'buildout.cfg');
  try {
    assertSameAsBuildout(top);
  } finally {
    await remote.stop();
  }
  const keys = [`${remote.url}/pins.cfg`, `${remote.url}/more/pins.cfg`].map(extendsCacheKey);
  assert.deepEqual(readdirSync(join(dir, 'cache')).sort(), ['.keep', ...keys].sort(), 'buildout and Hostout share one cache layout');

  // The server is gone: newest (the default) falls back to the cached copies, as does offline.
  assertSameAsBuildout(top);
  assertSameAsBuildout(top, ['offline=true']);
  const config = loadBuildoutConfig(top);
  assert.equal(config.extendsCache, join(dir, 'cache'));
  assert.deepEqual(config.remoteFiles.map((file) => file.cachedPath), keys.map((key) => join(dir, 'cache', key)));

  // Without a copy, the error names the URL, the line that extends it and the extends-cache.
  rmSync(join(dir, 'cache', keys[1]!));
  const oracle = runBuildoutOracle(top);
  assert.ok('error' in oracle && /Error downloading extends/.test(oracle.message), JSON.stringify(oracle));
  assertConfigError(() => loadBuildoutConfig(top), `${remote.url}/pins.cfg:2`, new RegExp(`cannot download ${remote.url}/more/pins.cfg .*extends-cache ${join(dir, 'cache')}`), /reachable once/);
  assertConfigError(() => loadBuildoutConfig(top, ['offline=true']), `${remote.url}/pins.cfg:2`, /in offline mode: there is no copy of it in the extends-cache/, /offline = false/);
});

test('only the top file and the command line decide how URLs are fetched, not extended files', () => {
  // base.cfg's extends-cache does not exist when the URL is read: buildout ignores it for that.
  const dir = writeBuildout({
    'buildout.cfg': `[buildout]\nparts =\nextends = base.cfg\n    ${server.url}/release/1.0/extra.cfg\n`,
    'base.cfg': '[buildout]\nextends-cache = not-yet\noffline = true\n',
  });
  assertSameAsBuildout(join(dir, 'buildout.cfg'));
  const config = loadBuildoutConfig(join(dir, 'buildout.cfg'));
  assert.equal(config.extendsCache, undefined);
  assert.equal(config.get('buildout', 'extends-cache'), join(dir, 'not-yet'));
  assertConfigError(() => loadBuildoutConfig(join(dir, 'buildout.cfg'), ['extends-cache=missing']), 'COMMAND_LINE_VALUE:0', /extends-cache directory .*missing does not exist/);

  // A missing extends-cache matters only when a URL is read through it.
  const local = writeBuildout({ 'buildout.cfg': '[buildout]\nparts =\nextends-cache = later\n' });
  assert.equal(loadBuildoutConfig(join(local, 'buildout.cfg')).get('buildout', 'extends-cache'), join(local, 'later'));
  assertSameAsBuildout(join(local, 'buildout.cfg'));
});

test('reads that share refreshedUrls (one ctl command) ask the server for a URL once', async () => {
  const dir = writeBuildout({ 'buildout.cfg': `[buildout]\nparts =\nextends = ${server.url}/release/1.0/extra.cfg\n` });
  const asked = () => server.requests().filter((path) => path === '/release/1.0/extra.cfg').length;
  const settle = () => new Promise((r) => setTimeout(r, 300));
  await settle();
  const before = asked();
  const command = { hostoutExtendsCache: join(dir, '.hostout', 'extends-cache'), refreshedUrls: new Set<string>() };
  loadBuildoutConfig(join(dir, 'buildout.cfg'), [], command);
  loadBuildoutConfig(join(dir, 'buildout.cfg'), [], command);
  await settle();
  assert.equal(asked(), before + 1);
  // Another command refreshes the copy again, as each buildout run does while newest is true.
  loadBuildoutConfig(join(dir, 'buildout.cfg'), [], { ...command, refreshedUrls: new Set<string>() });
  await settle();
  assert.equal(asked(), before + 2);
});

test('an unreachable URL with no extends-cache is an error that says to set one', async () => {
  const gone = await serveConfigFiles({});
  await gone.stop();
  const dir = writeBuildout({ 'buildout.cfg': `[buildout]\nparts =\nextends = ${gone.url}/versions.cfg\n` });
  const oracle = runBuildoutOracle(join(dir, 'buildout.cfg'));
  assert.ok('error' in oracle && oracle.message.includes(`${gone.url}/versions.cfg`), JSON.stringify(oracle));
  assertConfigError(() => loadBuildoutConfig(join(dir, 'buildout.cfg')), `${join(dir, 'buildout.cfg')}:3`, /cannot download .*\/versions\.cfg .*no extends-cache is set/, /set extends-cache in \[buildout\]/);

  // Hostout's own cache stands in when the buildout names none: the next read needs no server.
  const fallback = join(dir, '.hostout', 'extends-cache');
  const served = await serveConfigFiles({ 'versions.cfg': '[versions]\nx = 1\n' });
  writeFileSync(join(dir, 'buildout.cfg'), `[buildout]\nparts =\nextends = ${served.url}/versions.cfg\n`);
  assertSameAsBuildout(join(dir, 'buildout.cfg'), [], { load: { hostoutExtendsCache: fallback } });
  await served.stop();
  const offline = loadBuildoutConfig(join(dir, 'buildout.cfg'), [], { hostoutExtendsCache: fallback });
  assert.equal(offline.get('versions', 'x'), '1');
  assert.deepEqual(readdirSync(fallback), [extendsCacheKey(`${served.url}/versions.cfg`)]);
});

test('a cache directory set relatively in a remote file is refused, as buildout refuses it', () => {
  const dir = writeBuildout({ 'buildout.cfg': `[buildout]\nparts =\nextends = ${server.url}/relative-cache.cfg\n` });
  const oracle = runBuildoutOracle(join(dir, 'buildout.cfg'));
  assert.ok('error' in oracle && /ambiguous/.test(oracle.message), JSON.stringify(oracle));
  assertConfigError(() => loadBuildoutConfig(join(dir, 'buildout.cfg')), `${server.url}/relative-cache.cfg:2`, /extends-cache .*remote file.*ambiguous/);
});

test('a cycle through remote files names the URLs', () => {
  const dir = writeBuildout({ 'buildout.cfg': `[buildout]\nextends = ${server.url}/cycle/a.cfg\n` });
  assert.ok('error' in runBuildoutOracle(join(dir, 'buildout.cfg')));
  const [a, b] = [`${server.url}/cycle/a.cfg`, `${server.url}/cycle/b.cfg`];
  assertConfigError(() => loadBuildoutConfig(join(dir, 'buildout.cfg')), `${b}:2`, new RegExp(`cycle: ${a} -> ${b} -> ${a}$`));
});

test('abi-tag-eggs = true puts the eggs directory under the interpreter\'s ABI tag, as buildout does', () => {
  const dir = writeBuildout({
    'buildout.cfg': '[buildout]\nextends = base.cfg\nabi-tag-eggs = true\nparts = app\n\n[app]\neggs = ${buildout:eggs-directory}\n',
    'base.cfg': '[buildout]\neggs-directory = shared-eggs\n',
  });
  assertSameAsBuildout(join(dir, 'buildout.cfg'));
  const config = loadBuildoutConfig(join(dir, 'buildout.cfg'));
  assert.match(config.get('buildout', 'eggs-directory') ?? '', new RegExp(`^${dir}/shared-eggs/cp3\\d+$`));
  assert.equal(config.get('app', 'eggs'), config.get('buildout', 'eggs-directory'), 'parts see the tagged directory');
  assertSameAsBuildout(join(dir, 'buildout.cfg'), ['abi-tag-eggs=false', 'eggs-directory=/srv/eggs']);
});
