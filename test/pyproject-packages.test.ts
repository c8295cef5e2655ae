/**
 * Develop packages with only a pyproject.toml, one per build backend Debian has
 * (setuptools, hatchling, flit_core), released and deployed by the real ctl to a real
 * agent whose buildout (Debian's 2.13) installs them as eggs and runs their scripts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl, runCommand } from './support/ctl.ts';
import { deployableSite } from './support/local-agent.ts';

/** name → files, each package printing its name and version from a console script */
const PACKAGES: Record<string, Record<string, string>> = {
  tagline: {
    'pyproject.toml': '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "tagline"\nversion = "2.0"\ndependencies = ["plainhtml"]\n\n[project.scripts]\ntagline = "tagline:main"\n',
    'src/tagline/__init__.py': 'def main():\n    from importlib.metadata import version\n    print("tagline", version("tagline"))\n',
  },
  greeting: {
    'pyproject.toml': '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "greeting"\ndynamic = ["version"]\ndependencies = ["tagline"]\n\n[project.scripts]\ngreeting = "greeting:main"\n\n[tool.hatch.version]\npath = "src/greeting/__init__.py"\n',
    'src/greeting/__init__.py': '__version__ = "3.1"\n\ndef main():\n    from importlib.metadata import version\n    print("greeting", version("greeting"))\n',
  },
  banner: {
    'pyproject.toml': '[build-system]\nrequires = ["flit_core >=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "banner"\ndynamic = ["version", "description"]\n\n[project.scripts]\nbanner = "banner:main"\n',
    'banner/__init__.py': '"""A banner."""\n__version__ = "0.5"\n\ndef main():\n    from importlib.metadata import version\n    print("banner", version("banner"))\n',
  },
};

function addPyprojectPackages(dir: string): void {
  for (const [name, files] of Object.entries(PACKAGES)) {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, 'src', name, path, '..'), { recursive: true });
      writeFileSync(join(dir, 'src', name, path), text);
    }
  }
  const dev = readFileSync(join(dir, 'dev.cfg'), 'utf8');
  writeFileSync(join(dir, 'dev.cfg'), dev.replace('    src/acme.web\n', '    src/acme.web\n    src/tagline\n    src/greeting\n    src/banner\n'));
  // production runs the three scripts beside the app's, through the example's own recipe
  const base = readFileSync(join(dir, 'base.cfg'), 'utf8');
  writeFileSync(join(dir, 'base.cfg'), base.replace('parts = app\n', 'parts = app tools\n') + '\n[tools]\nrecipe = acme.recipe\neggs =\n    greeting\n    banner\n');
}

test('pyproject-only develop packages (setuptools, hatchling, flit) are released by hash and version, shipped as eggs and run on the host', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  addPyprojectPackages(site.dir);

  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /Deployment complete at version 0\.1\n$/);
  const pins = readFileSync(join(agent.path, 'current', 'versions.cfg'), 'utf8');
  for (const [name, version] of [['tagline', '2.0'], ['greeting', '3.1'], ['banner', '0.5']] as const) {
    assert.match(pins, new RegExp(`^${name}\\s+= ${version.replace('.', '\\.')}$`, 'm'), `${name} pinned at its declared version`);
  }
  const run = async (script: string) => (await runCommand(join(agent.path, 'current', 'bin', script), [])).stdout.trim();
  assert.equal(await run('greeting'), 'greeting 3.1', 'the hatchling package runs from its egg');
  assert.equal(await run('banner'), 'banner 0.5', 'the flit package runs from its egg');
  assert.ok(readdirSync(join(agent.path, 'shared', 'eggs')).some((f) => f.startsWith('tagline-2.0-')), 'tagline, a dependency of greeting, installed as an egg');

  // a change to one package: it alone gets the next version, and only its egg travels
  appendFileSync(join(site.dir, 'src/greeting/src/greeting/__init__.py'), '# a change\n');
  const second = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(second.code, 0, second.stderr + second.stdout);
  assert.match(second.stdout, /released greeting 3\.1\.post1\)/);
  assert.match(second.stdout, /Deploying eggs to host\.\.\.done \(2 files,/, 'the changed egg and the archive');
  assert.equal(await run('greeting'), 'greeting 3.1.post1', 'the version Hostout gave it, inside the egg built from the wheel');

  const rollback = await ctl(['rollback'], { cwd: site.dir, env });
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.equal(await run('greeting'), 'greeting 3.1');
});

test('a pyproject-only package whose build backend is not installed is refused naming the backend, the file and the python', async (t) => {
  const { site, env } = await deployableSite(t);
  mkdirSync(join(site.dir, 'src/poetic/poetic'), { recursive: true });
  writeFileSync(join(site.dir, 'src/poetic/pyproject.toml'), '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n\n[project]\nname = "poetic"\ndynamic = ["version"]\n');
  writeFileSync(join(site.dir, 'src/poetic/poetic/__init__.py'), '');
  const dev = readFileSync(join(site.dir, 'dev.cfg'), 'utf8');
  writeFileSync(join(site.dir, 'dev.cfg'), dev.replace('    src/acme.web\n', '    src/acme.web\n    src/poetic\n'));
  const plan = await ctl(['plan'], { cwd: site.dir, env });
  assert.equal(plan.code, 1, plan.stdout + plan.stderr);
  assert.match(plan.stderr, /pyproject\.toml .*poetry\.core\.masonry\.api cannot be imported by \/usr\/bin\/python3/);
  assert.match(plan.stderr, /src\/poetic\/pyproject\.toml/);
});
