/**
 * The pins file production extends (`extends = base.cfg versions.cfg`, as teams
 * write it): absent (the release writes it), present with the team's own pins
 * (they hold, develop eggs get their released versions, a pin buildout did not
 * follow is an error), and under another name through `versions-file`. Each
 * release is proven by the offline build on a clean host that refuses to pick
 * versions. Real zc.buildout, the real CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl, ctlJson, runCommand } from './support/ctl.ts';
import { addPlainhtmlRelease, copyExampleBuildout, removeDir } from './support/example-buildout.ts';
import { buildOnCleanHost, type ReleaseJson } from './support/clean-host-build.ts';

const versionsOf = (r: ReleaseJson) => Object.fromEntries(r.eggs.map((e) => [e.name, e.version]));

function productionExtends(dir: string, pinsFile: string): void {
  const prod = join(dir, 'prod.cfg');
  writeFileSync(prod, readFileSync(prod, 'utf8').replace(/^extends = base\.cfg$/m, `extends = base.cfg ${pinsFile}`));
  assert.match(readFileSync(prod, 'utf8'), new RegExp(`^extends = base\\.cfg ${pinsFile.replace('.', '\\.')}$`, 'm'));
}

async function archiveListing(release: ReleaseJson): Promise<string[]> {
  const list = await runCommand('tar', ['-tzf', release.archive.file]);
  assert.equal(list.code, 0, list.stderr);
  return list.stdout.split('\n').filter(Boolean).sort();
}

/** The `.<tag>.partial` folders a release writes into before it is complete. */
const partialFolders = (dir: string) => (existsSync(join(dir, '.hostout/releases')) ? readdirSync(join(dir, '.hostout/releases')).filter((n) => n.endsWith('.partial')) : []);

test('a pins file production extends that does not exist yet is the one the release writes', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  productionExtends(dir, 'versions.cfg');

  const plan = await ctlJson<ReleaseJson>(['plan'], { cwd: dir });
  assert.deepEqual(versionsOf(plan), { 'acme.core': '1.0', 'acme.recipe': '1.0', 'acme.web': '1.0', plainhtml: '1.2' });
  const release = await ctlJson<ReleaseJson>(['release'], { cwd: dir });
  assert.deepEqual(versionsOf(release), versionsOf(plan));
  assert.deepEqual(await archiveListing(release), ['base.cfg', 'hostout.cfg', 'prod.cfg', 'versions.cfg']);
  assert.match(readFileSync(release.versionsFile, 'utf8'), /^plainhtml\s+= 1\.2$/m);
  assert.equal(existsSync(join(dir, 'versions.cfg')), false, 'the checkout is not written to');
  assert.deepEqual(partialFolders(dir), []);

  const host = await buildOnCleanHost(t, release);
  assert.match(readFileSync(join(host, 'bin/acme-web'), 'utf8'), /acme\.web-1\.0-/);
});

test("the team's own pins file: its third-party pins hold, develop eggs get their released versions", async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  await addPlainhtmlRelease(dir, '1.1'); // without the team's pin, buildout would take 1.2
  productionExtends(dir, 'versions.cfg');
  const teamPins = '# Our pins, committed with the buildout.\n[versions]\nplainhtml = 1.1\nAcme.Web = 0.9\n';
  writeFileSync(join(dir, 'versions.cfg'), teamPins);

  const release = await ctlJson<ReleaseJson>(['release'], { cwd: dir });
  assert.deepEqual(versionsOf(release), { 'acme.core': '1.0', 'acme.recipe': '1.0', 'acme.web': '1.0', plainhtml: '1.1' });
  assert.equal(release.eggs.filter((e) => e.name === 'plainhtml').length, 1);
  assert.deepEqual(await archiveListing(release), ['base.cfg', 'hostout.cfg', 'prod.cfg', 'versions.cfg']);
  const pins = readFileSync(release.versionsFile, 'utf8');
  assert.ok(pins.startsWith(teamPins), `the team's file is kept as written:\n${pins}`);
  // the released version follows the team's pin, spelt as they spell it, so that it wins
  assert.match(pins.slice(teamPins.length), /^Acme\.Web\s+= 1\.0$/m);
  assert.equal(readFileSync(join(dir, 'versions.cfg'), 'utf8'), teamPins, 'the checkout is not written to');

  const host = await buildOnCleanHost(t, release);
  const script = readFileSync(join(host, 'bin/acme-web'), 'utf8');
  assert.match(script, /plainhtml-1\.1-/);
  assert.match(script, /acme\.web-1\.0-/);
});

test('a pin of the pins file that buildout did not follow is an error naming both pins, and nothing is released', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  await addPlainhtmlRelease(dir, '1.1');
  productionExtends(dir, 'versions.cfg');
  writeFileSync(join(dir, 'versions.cfg'), '[versions]\nplainhtml = 1.1\n');
  // prod.cfg's own section is layered over what it extends: buildout takes 1.2
  appendFileSync(join(dir, 'prod.cfg'), '\n[versions]\nplainhtml = 1.2\n');
  const prodLine = readFileSync(join(dir, 'prod.cfg'), 'utf8').split('\n').indexOf('plainhtml = 1.2') + 1;

  for (const command of ['plan', 'release']) {
    const result = await ctl([command], { cwd: dir });
    assert.notEqual(result.code, 0, command);
    assert.match(result.stderr, new RegExp(`versions\\.cfg:2: .*plainhtml = 1\\.1, but buildout resolved plainhtml 1\\.2 .*prod\\.cfg:${prodLine} pins plainhtml = 1\\.2`), command);
  }
  assert.equal(existsSync(join(dir, '.hostout/releases')), false);
  assert.equal(existsSync(join(dir, 'hostout-ledger.txt')), false);
});

test('versions-file names another pins file, which the release writes under that name', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  productionExtends(dir, 'release-pins.cfg');
  appendFileSync(join(dir, 'buildout.cfg'), 'versions-file = release-pins.cfg\n');

  const release = await ctlJson<ReleaseJson>(['release'], { cwd: dir });
  assert.deepEqual(versionsOf(release), { 'acme.core': '1.0', 'acme.recipe': '1.0', 'acme.web': '1.0', plainhtml: '1.2' });
  assert.equal(release.versionsFile.split('/').at(-1), 'release-pins.cfg');
  assert.deepEqual(await archiveListing(release), ['base.cfg', 'hostout.cfg', 'prod.cfg', 'release-pins.cfg']);
  await buildOnCleanHost(t, release);

  // without versions-file, the same prod.cfg names a file nobody writes: the usual error
  writeFileSync(join(dir, 'buildout.cfg'), readFileSync(join(dir, 'buildout.cfg'), 'utf8').replace('versions-file = release-pins.cfg\n', ''));
  const result = await ctl(['plan'], { cwd: dir });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /prod\.cfg:\d+: buildout file not found: .*release-pins\.cfg/);
});

test('a release that fails while it writes leaves no .partial folder, no release and no ledger behind', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  // the archive cannot hold both a file `pins` and the pins file `pins/versions.cfg`
  writeFileSync(join(dir, 'pins'), 'notes\n');
  appendFileSync(join(dir, 'buildout.cfg'), 'include = pins\nversions-file = pins/versions.cfg\n');

  const result = await ctl(['release'], { cwd: dir });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /archive path "pins" is both a file/);
  assert.deepEqual(readdirSync(join(dir, '.hostout/releases')), [], 'neither a .partial folder nor a release');
  assert.equal(existsSync(join(dir, 'hostout-ledger.txt')), false);
});
