import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { writeDevelopEggLinks } from './develop-egg-links.ts';

const PYTHON = '/usr/bin/python3';
const root = mkdtempSync(join(tmpdir(), 'hostout-develop-links-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Packages in the layouts buildout meets: flat, src/ with package_dir, setup.cfg metadata, namespaces, extras, recipes. */
const PACKAGES: Record<string, Record<string, string>> = {
  flat: {
    'setup.py': 'from setuptools import setup\nsetup(name="acme.flat", version="2.1", py_modules=["flat"], install_requires=["plainhtml>=1.0"], entry_points={"zc.buildout": ["default = flat:Recipe"]})\n',
    'flat.py': 'class Recipe: pass\n',
  },
  srclayout: {
    'setup.py': 'from setuptools import setup, find_packages\nsetup(name="acme-src", version="0.3", package_dir={"": "src"}, packages=find_packages("src"), extras_require={"test": ["pytest"]})\n',
    'src/acme_src/__init__.py': '',
  },
  cfgonly: {
    'setup.py': 'from setuptools import setup\nsetup()\n',
    'setup.cfg': '[metadata]\nname = acme.cfg\nversion = 1.4\n\n[options]\npy_modules = cfgmod\ninstall_requires =\n    acme.flat\n    plainhtml==1.2\n\n[options.entry_points]\nconsole_scripts =\n    acme-cfg = cfgmod:main\n\n[egg_info]\ntag_build = .dev1\n',
    'cfgmod.py': 'def main(): pass\n',
  },
  namespaced: {
    'setup.py': 'from setuptools import setup, find_packages\nsetup(name="bench.ns", version="1.0", packages=find_packages(), namespace_packages=["bench"], zip_safe=False)\n',
    'bench/__init__.py': '__import__("pkg_resources").declare_namespace(__name__)\n',
    'bench/ns/__init__.py': '',
  },
};

function writePackage(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** Every file of every egg-info directory under `dir` except SOURCES.txt (resolution never reads it). */
function eggInfoFiles(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (at: string, rel: string) => {
    for (const name of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, name.name);
      if (name.isDirectory() && name.name.endsWith('.egg-info')) {
        for (const file of readdirSync(path)) if (file !== 'SOURCES.txt') found[`${rel}${name.name}/${file}`] = readFileSync(join(path, file), 'utf8');
      } else if (name.isDirectory()) walk(path, `${rel}${name.name}/`);
    }
  };
  walk(dir, '');
  return found;
}

function linksIn(dir: string, packageDir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.egg-link')).map((f) => [f, readFileSync(join(dir, f), 'utf8').replace(packageDir, '<package>')]));
}

test('egg-links and egg-info are what `setup.py develop` writes, for every layout', async () => {
  for (const [name, files] of Object.entries(PACKAGES)) {
    const ours = join(root, 'ours', name);
    const theirs = join(root, 'theirs', name);
    writePackage(ours, files);
    cpSync(ours, theirs, { recursive: true });
    const ourLinks = join(root, 'ours-links', name);
    const theirLinks = join(root, 'their-links', name);
    mkdirSync(theirLinks, { recursive: true });

    assert.deepEqual(await writeDevelopEggLinks(PYTHON, ourLinks, [ours]), { leftToBuildout: [] }, name);
    execFileSync(PYTHON, ['-W', 'ignore', 'setup.py', '-q', 'develop', '-mN', '-d', theirLinks], { cwd: theirs, stdio: 'pipe' });

    assert.deepEqual(linksIn(ourLinks, ours), linksIn(theirLinks, theirs), `${name}: egg-link`);
    const written = eggInfoFiles(ours);
    assert.ok(Object.keys(written).some((f) => f.endsWith('/PKG-INFO') || f.startsWith('acme') || f.startsWith('bench')), `${name}: egg-info written`);
    assert.deepEqual(written, eggInfoFiles(theirs), `${name}: egg-info`);
  }
});

test('a package with C extensions, or a failing setup.py, is left to buildout with the reason', async () => {
  const extension = join(root, 'extension');
  writePackage(extension, { 'setup.py': 'from setuptools import setup, Extension\nsetup(name="acme.c", version="1.0", ext_modules=[Extension("fast", ["fast.c"])])\n', 'fast.c': '' });
  const broken = join(root, 'broken');
  writePackage(broken, { 'setup.py': 'raise RuntimeError("no network")\n' });
  const plain = join(root, 'plain');
  writePackage(plain, PACKAGES.flat!);
  const links = join(root, 'mixed-links');

  const { leftToBuildout } = await writeDevelopEggLinks(PYTHON, links, [extension, broken, plain]);
  assert.deepEqual(leftToBuildout, [
    { dir: extension, reason: 'it builds C extensions' },
    { dir: broken, reason: 'RuntimeError: no network' },
  ]);
  assert.deepEqual(readdirSync(links), ['acme.flat.egg-link'], 'only the package that was handled has a link');
  assert.ok(!existsSync(join(extension, 'acme.c.egg-info')));
});
