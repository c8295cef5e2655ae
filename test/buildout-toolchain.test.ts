/**
 * A team whose buildout runs from a virtualenv: its toolchain (zc.buildout and setuptools,
 * pip-installed there) is pinned, shipped as wheels, and the real agent builds every
 * release in a virtualenv made from those wheels alone. The virtualenv is made as a team
 * makes one: Debian's python3 -m venv (pip and setuptools from Debian's wheels), and
 * zc.buildout 2.13.2 pip-installed from a wheel of Debian's own files (no index here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctl, REPO_ROOT, runCommand } from './support/ctl.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';
import { removeDir } from './support/example-buildout.ts';

const OFFLINE_PIP = { PIP_CONFIG_FILE: '/dev/null', PIP_FIND_LINKS: '', PIP_NO_INDEX: '1' };

async function teamVirtualenv(t: { after(fn: () => void): void }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-team-venv-'));
  t.after(() => removeDir(dir));
  const made = await runCommand('/usr/bin/python3', ['-m', 'venv', join(dir, 'venv')]);
  assert.equal(made.code, 0, made.stderr);
  const wheel = await runCommand('/usr/bin/python3', [join(REPO_ROOT, 'test/support/debian_dist_wheel.py'), 'python3-zc.buildout', 'zc.buildout', dir, 'setuptools>=8.0']);
  assert.equal(wheel.code, 0, wheel.stderr);
  const installed = await runCommand(join(dir, 'venv/bin/pip'), ['install', '--no-deps', wheel.stdout.trim()], { env: { ...process.env, ...OFFLINE_PIP } });
  assert.equal(installed.code, 0, installed.stderr);
  return join(dir, 'venv/bin/python');
}

test('a virtualenv toolchain is pinned, shipped as wheels once, and builds every release on the host in a virtualenv of its own', async (t) => {
  const python = await teamVirtualenv(t);
  const { agent, site, env } = await deployableSite(t);
  appendFileSync(join(site.dir, 'buildout.cfg'), `python = ${python}\n`);

  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /builds with setuptools 66\.1\.1, zc\.buildout 2\.13\.2 \(Python 3\.11\)/);
  assert.match(first.stdout, /Deployment complete at version 0\.1\n$/);
  const pins = readFileSync(join(agent.path, 'current', 'versions.cfg'), 'utf8');
  assert.match(pins, /^zc\.buildout\s+= 2\.13\.2$/m, 'the toolchain is pinned');
  assert.match(pins, /^setuptools\s+= 66\.1\.1$/m);

  const toolchains = readdirSync(join(agent.path, 'toolchains'));
  assert.equal(toolchains.length, 1);
  assert.match(toolchains[0]!, /^py3\.11-[0-9a-f]{12}$/);
  const venvPython = join(agent.path, 'toolchains', toolchains[0]!, 'bin', 'python');
  const listed = await runCommand(venvPython, ['-m', 'pip', 'list', '--format', 'freeze'], { env: { ...process.env, ...OFFLINE_PIP } });
  assert.match(listed.stdout, /^zc\.buildout==2\.13\.2$/m, 'installed from the shipped wheel');
  assert.match(readFileSync(join(agent.path, 'current', 'bin', 'acme-ctl'), 'utf8').split('\n')[0]!, new RegExp(`^#!${venvPython}`), 'the release runs on the toolchain it was built with');
  assert.equal(await servedVersion(site.url), '1.0');

  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# a change\n');
  const second = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(second.code, 0, second.stderr + second.stdout);
  assert.match(second.stdout, /Deploying eggs to host\.\.\.done \(2 files,/, 'the toolchain wheels are not sent again');
  assert.deepEqual(readdirSync(join(agent.path, 'toolchains')), toolchains, 'the same toolchain is not installed twice');
  assert.equal(await servedVersion(site.url), '1.0.post1');

  const rollback = await ctl(['rollback'], { cwd: site.dir, env });
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.equal(await servedVersion(site.url), '1.0');
  assert.ok(existsSync(venvPython), 'the toolchain stays while releases built with it are kept');
});
