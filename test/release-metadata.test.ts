/**
 * A release asks setuptools for a develop package's name and version only when they could
 * have changed: when a file its setup.py opened, or a directory it listed, did (or it ran a
 * process). Real setup.py files, run by Debian's Python through ctl plan and ctl release.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctlJson } from './support/ctl.ts';
import { copyExampleBuildout, removeDir } from './support/example-buildout.ts';

interface PlanJson {
  eggs: { name: string; version: string; changed: boolean }[];
}

/** acme.core's setup.py, reading its version from VERSION and noting each run outside the package. */
function setupPyReadingVersionFile(runsLog: string, extra = ''): string {
  return `import os${extra ? `, ${extra.split(' ')[0]}` : ''}
from setuptools import setup, find_packages
with open(${JSON.stringify(runsLog)}, "a") as log:
    log.write("ran\\n")
${extra ? extra.split(' ').slice(1).join(' ') + '\n' : ''}setup(
    name="acme.core",
    version=open("VERSION").read().strip(),
    packages=find_packages(),
    namespace_packages=["acme"],
    install_requires=["setuptools"],
    zip_safe=True,
)
`;
}

function site(t: { after(fn: () => void): void }, extra = '') {
  const dir = copyExampleBuildout();
  const runsLog = join(mkdtempSync(join(tmpdir(), 'hostout-setup-runs-')), 'runs.log');
  t.after(() => removeDir(dir));
  const core = join(dir, 'src/acme.core');
  writeFileSync(join(core, 'setup.py'), setupPyReadingVersionFile(runsLog, extra));
  writeFileSync(join(core, 'VERSION'), '1.0\n');
  const runs = () => (existsSync(runsLog) ? readFileSync(runsLog, 'utf8').split('\n').filter(Boolean).length : 0);
  const coreVersion = async () => (await ctlJson<PlanJson>(['plan'], { cwd: dir })).eggs.find((e) => e.name === 'acme.core')!.version;
  return { dir, core, runs, coreVersion };
}

test('editing a module reuses the declared version; editing the file setup.py reads it from, or adding a package file, runs setup.py again', async (t) => {
  const { dir, core, runs, coreVersion } = site(t);
  await ctlJson(['release'], { cwd: dir });
  const afterFirst = runs(); // its metadata read, its develop egg-link for the resolution, its build
  assert.ok(afterFirst >= 1);

  appendFileSync(join(core, 'acme/core/store.py'), '\n# an edit\n');
  assert.equal(await coreVersion(), '1.0.post1');
  assert.equal(runs(), afterFirst, 'a module edit: setup.py is not run to plan');

  writeFileSync(join(core, 'VERSION'), '2.0\n');
  assert.equal(await coreVersion(), '2.0', 'the version file edited: read again');
  assert.equal(runs(), afterFirst + 1);

  writeFileSync(join(core, 'acme/core/extra.py'), 'X = 1\n');
  await coreVersion();
  assert.equal(runs(), afterFirst + 2, 'find_packages listed that directory: a new file there is a reason to ask again');
});

test('a setup.py that starts a process is run again for every change', async (t) => {
  const { core, runs, coreVersion } = site(t, 'subprocess subprocess.run(["true"], check=True)');
  assert.equal(await coreVersion(), '1.0');
  const before = runs();
  appendFileSync(join(core, 'acme/core/store.py'), '\n# an edit\n');
  assert.equal(await coreVersion(), '1.0');
  assert.equal(runs(), before + 1, 'what the process answered cannot be seen, so it is asked again');
});
