/**
 * `ctl release` on the example buildout, end to end: real zc.buildout, real
 * setuptools, the real CLI; then the production buildout built offline on a
 * clean "host" from nothing but the archive and the listed eggs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctl, ctlJson, runCommand } from './support/ctl.ts';
import { copyExampleBuildout, removeDir, runBuildout } from './support/example-buildout.ts';
import { freePort, httpGet } from './support/ports.ts';
import { unpackOnCleanHost, type ReleaseJson } from './support/clean-host-build.ts';


const versionsOf = (r: ReleaseJson) => Object.fromEntries(r.eggs.map((e) => [e.name, e.version]));
const changedOf = (r: ReleaseJson) => r.eggs.filter((e) => e.changed).map((e) => e.name);
/** Each resolving buildout run writes its config afresh (a new file): same inode and mtime, no run. */
const resolveRunMarker = (dir: string) => {
  const stat = statSync(join(dir, '.hostout/resolve/run/resolve.cfg'));
  return { inode: stat.ino, mtimeMs: stat.mtimeMs };
};

test('a first release pins every egg and its archive builds offline on a clean host', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  const release = await ctlJson<ReleaseJson>(['release'], { cwd: dir });

  assert.match(release.tag, /^\d{8}-[0-9a-f]{8}$/);
  assert.equal(release.buildout, 'hostout.cfg');
  assert.deepEqual(versionsOf(release), { 'acme.core': '1.0', 'acme.recipe': '1.0', 'acme.web': '1.0', plainhtml: '1.2' });
  assert.deepEqual(changedOf(release).sort(), ['acme.core', 'acme.recipe', 'acme.web']);
  assert.equal(release.eggs.find((e) => e.name === 'plainhtml')!.develop, false);
  for (const egg of release.eggs) {
    assert.equal(createHash('sha256').update(readFileSync(egg.file)).digest('hex'), egg.sha256, egg.name);
  }
  assert.equal(createHash('sha256').update(readFileSync(release.archive.file)).digest('hex'), release.archive.sha256);
  const pins = readFileSync(release.versionsFile, 'utf8');
  assert.match(pins, /^acme\.web\s+= 1\.0$/m);
  assert.match(pins, /^plainhtml\s+= 1\.2$/m);
  assert.ok(existsSync(join(dir, 'hostout-ledger.txt')), 'the ledger is written beside buildout.cfg');

  // The clean host: the archive, the listed eggs, and nothing else: no src/, no index.
  const host = await unpackOnCleanHost(t, release);
  assert.deepEqual(readdirSync(host).sort(), ['base.cfg', 'dist', 'hostout.cfg', 'prod.cfg', 'versions.cfg']);
  const port = await freePort();
  const build = await runBuildout(host, ['-c', release.buildout, `settings:port=${port}`]);
  // the shipped eggs folder answers as the index: no failed index lookups, no scans of it
  assert.doesNotMatch(build.stdout + build.stderr, /Couldn't retrieve index page|Scanning index of all packages|Not found:/);
  assert.match(build.stdout + build.stderr, /Got acme\.web 1\.0\./);

  const start = await runCommand(join(host, 'bin/acme-ctl'), ['start'], { cwd: host });
  assert.equal(start.code, 0, start.stderr);
  let page: Awaited<ReturnType<typeof httpGet>> = { error: 'not tried' };
  for (let i = 0; i < 50 && !('status' in page); i++) {
    await new Promise((r) => setTimeout(r, 100));
    page = await httpGet(`http://127.0.0.1:${port}/`);
  }
  assert.ok('status' in page, `the released service answers: ${JSON.stringify(page)}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /acme\.web 1\.0, visit 1/);
  const script = readFileSync(join(host, 'bin/acme-web'), 'utf8');
  assert.doesNotMatch(script, /\/src\//, 'production runs eggs, not source checkouts');
});

test('develop = src/* (a glob, as buildout allows) plans the same packages as listing them', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  const devCfg = join(dir, 'dev.cfg');
  writeFileSync(devCfg, readFileSync(devCfg, 'utf8').replace(/develop =\n(    src\/\S+\n)+/, 'develop = src/*\n'));
  assert.match(readFileSync(devCfg, 'utf8'), /^develop = src\/\*$/m);
  const plan = await ctlJson<ReleaseJson>(['plan'], { cwd: dir });
  assert.deepEqual(versionsOf(plan), { 'acme.core': '1.0', 'acme.recipe': '1.0', 'acme.web': '1.0', plainhtml: '1.2' });

  writeFileSync(devCfg, readFileSync(devCfg, 'utf8').replace('develop = src/*', 'develop = src/* vendor/*'));
  const nothing = await ctl(['plan'], { cwd: dir });
  assert.notEqual(nothing.code, 0);
  assert.match(nothing.stderr, /develop names vendor\/\*, which matches nothing/);
  assert.match(nothing.stderr, /dev\.cfg:\d+/);
});

test('releasing again changes nothing: unchanged, after the dev buildout, and from a copy elsewhere', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  const first = await ctlJson<ReleaseJson>(['release'], { cwd: dir });
  const ledger = readFileSync(join(dir, 'hostout-ledger.txt'), 'utf8');
  const resolveRun = resolveRunMarker(dir);

  const archiveWritten = statSync(first.archive.file);
  const again = await ctlJson<ReleaseJson>(['release'], { cwd: dir });
  assert.deepEqual(resolveRunMarker(dir), resolveRun, 'the first release after a release does not run buildout to resolve again');
  const archiveNow = statSync(again.archive.file);
  assert.deepEqual([archiveNow.ino, archiveNow.mtimeMs], [archiveWritten.ino, archiveWritten.mtimeMs], 'nor writes the same release again');
  assert.deepEqual(changedOf(again), []);
  assert.deepEqual(versionsOf(again), versionsOf(first));
  assert.equal(again.archive.sha256, first.archive.sha256, 'same content, same archive bytes');
  assert.equal(readFileSync(join(dir, 'hostout-ledger.txt'), 'utf8'), ledger, 'the ledger is untouched');

  await runBuildout(dir); // the developer's own buildout run: egg-info, bin/, develop-eggs/
  const afterBuildout = await ctlJson<ReleaseJson>(['release'], { cwd: dir });
  assert.deepEqual(changedOf(afterBuildout), []);
  assert.deepEqual(versionsOf(afterBuildout), versionsOf(first));

  const elsewhere = mkdtempSync(join(tmpdir(), 'hostout-moved-'));
  t.after(() => removeDir(elsewhere));
  cpSync(dir, elsewhere, { recursive: true });
  const moved = await ctlJson<ReleaseJson>(['release'], { cwd: elsewhere });
  assert.deepEqual(changedOf(moved), []);
  assert.deepEqual(versionsOf(moved), versionsOf(first));

  // A fresh checkout: the committed ledger, none of the caches; eggs are rebuilt byte for byte.
  removeDir(join(elsewhere, '.hostout'));
  const fresh = await ctlJson<ReleaseJson>(['release'], { cwd: elsewhere });
  assert.deepEqual(changedOf(fresh), []);
  assert.deepEqual(fresh.eggs.map((e) => e.sha256), first.eggs.map((e) => e.sha256));
});

test('editing one file releases only that egg, at a higher version', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  const first = await ctlJson<ReleaseJson>(['release'], { cwd: dir });
  appendFileSync(join(dir, 'src/acme.core/acme/core/store.py'), '\n# a change\n');
  const second = await ctlJson<ReleaseJson>(['release'], { cwd: dir });
  assert.deepEqual(changedOf(second), ['acme.core']);
  assert.equal(versionsOf(second)['acme.core'], '1.0.post1');
  assert.equal(versionsOf(second)['acme.web'], versionsOf(first)['acme.web']);
  assert.notEqual(second.tag, first.tag);
  assert.match(readFileSync(join(dir, 'hostout-ledger.txt'), 'utf8'), /^acme\.core 1\.0\.post1 [0-9a-f]{64} [0-9a-f]{64} /m);

  const plan = await ctlJson<{ eggs: { name: string; version: string; changed: boolean }[] }>(['plan'], { cwd: dir });
  assert.deepEqual(plan.eggs.filter((e) => e.changed), [], 'after the release, the plan has nothing to do');
});

test('a develop line in prod.cfg is refused with its file and line, and nothing is written', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  appendFileSync(join(dir, 'prod.cfg'), '\n[buildout]\ndevelop = src/acme.web\n');
  const lines = readFileSync(join(dir, 'prod.cfg'), 'utf8').split('\n');
  const result = await ctl(['release'], { cwd: dir });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, new RegExp(`prod\\.cfg:${lines.indexOf('develop = src/acme.web') + 1}: .*develop`));
  assert.equal(existsSync(join(dir, 'hostout-ledger.txt')), false);
  assert.equal(existsSync(join(dir, '.hostout/releases')), false);
});

test('bad input gets one clear message and a non-zero exit', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  const cases: { name: string; setup: () => void; args?: string[]; expect: RegExp }[] = [
    { name: 'missing config', setup: () => {}, args: ['release', '-c', 'nope.cfg'], expect: /nope\.cfg/ },
    { name: 'unknown target', setup: () => {}, args: ['release', 'staging'], expect: /no deployment target named 'staging'.*\n.*production/ },
    {
      name: 'misspelt target option',
      setup: () => appendFileSync(join(dir, 'buildout.cfg'), 'keep-release = 3\n'),
      expect: /unknown option 'keep-release'[\s\S]*did you mean 'keep-releases'/,
    },
  ];
  for (const c of cases) {
    c.setup();
    const result = await ctl(c.args ?? ['release'], { cwd: dir });
    assert.notEqual(result.code, 0, c.name);
    assert.match(result.stderr, c.expect, c.name);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, `${c.name}: no stack trace`);
  }
});

test('a failing setup.py or a package without a version is named, and the ledger is untouched', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  await ctlJson(['release'], { cwd: dir });
  const ledger = readFileSync(join(dir, 'hostout-ledger.txt'), 'utf8');

  const setupPy = join(dir, 'src/acme.web/setup.py');
  const original = readFileSync(setupPy, 'utf8');
  writeFileSync(setupPy, original.replace('from setuptools', 'import no_such_module\nfrom setuptools'));
  let result = await ctl(['release'], { cwd: dir });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /acme\.web\/setup\.py:1: setup\.py failed: ModuleNotFoundError/);

  // an author who stops setup.py with a message of their own: that message is the report
  writeFileSync(setupPy, original.replace('from setuptools', 'raise SystemExit("acme.web needs the acme-native library; see INSTALL.txt")\nfrom setuptools'));
  result = await ctl(['release'], { cwd: dir });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /acme\.web\/setup\.py:1: setup\.py stopped with its own message: acme\.web needs the acme-native library; see INSTALL\.txt/);
  assert.doesNotMatch(result.stderr, /did not call setup/);

  writeFileSync(setupPy, original.replace('version="1.0",', ''));
  result = await ctl(['release'], { cwd: dir });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /acme\.web\/setup\.py: the package has no version/);
  assert.equal(readFileSync(join(dir, 'hostout-ledger.txt'), 'utf8'), ledger);
});

test('config errors name the file: a missing extends file and a cycle', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  writeFileSync(join(dir, 'dev.cfg'), readFileSync(join(dir, 'dev.cfg'), 'utf8').replace('extends = base.cfg', 'extends = base.cfg missing.cfg'));
  let result = await ctl(['plan'], { cwd: dir });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /dev\.cfg:\d+: .*missing\.cfg/);

  writeFileSync(join(dir, 'dev.cfg'), readFileSync(join(dir, 'dev.cfg'), 'utf8').replace('extends = base.cfg missing.cfg', 'extends = buildout.cfg'));
  result = await ctl(['plan'], { cwd: dir });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /cycle|circular/i);
  assert.match(result.stderr, /buildout\.cfg/);
});

test('the manifest declares what the archive unpacks to, and an archive past max-unpacked-size is refused by ctl', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  writeFileSync(join(dir, 'big.bin'), Buffer.alloc(2 * 1024 * 1024, 1));
  appendFileSync(join(dir, 'buildout.cfg'), 'include = big.bin\n');
  const release = await ctlJson<ReleaseJson & { manifest?: unknown }>(['release'], { cwd: dir });
  const manifest = JSON.parse(readFileSync(join(release.archive.file, '..', 'manifest.json'), 'utf8'));
  assert.ok(manifest.archive.unpackedBytes > 2 * 1024 * 1024 && manifest.archive.unpackedBytes < 3 * 1024 * 1024, `declared ${manifest.archive.unpackedBytes} bytes`);
  assert.ok(manifest.archive.entries >= 3, `declared ${manifest.archive.entries} entries`);
  assert.equal(manifest.settings.maxUnpackedBytes, 1024 * 1024 * 1024, 'the default, 1024 MB');

  appendFileSync(join(dir, 'buildout.cfg'), 'max-unpacked-size = 1\n');
  const refused = await ctl(['release'], { cwd: dir });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /unpacks to 2\.\d MB, more than max-unpacked-size \(1\.0 MB\)/);
});
