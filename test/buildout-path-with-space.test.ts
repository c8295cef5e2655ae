/**
 * A checkout under a directory whose name has a space (`~/My Projects/site`):
 * buildout splits `extends`, `develop` and `find-links` on whitespace, so
 * Hostout must never hand it an absolute path there. Real zc.buildout, the
 * real CLI, a real agent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl, ctlJson } from './support/ctl.ts';
import { runBuildout } from './support/example-buildout.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';
import { buildOnCleanHost, type ReleaseJson } from './support/clean-host-build.ts';

test('a buildout in a directory with a space in its path releases and deploys', async (t) => {
  const { site, env } = await deployableSite(t, { buildoutPrefix: 'hostout example with spaces-' });
  assert.match(site.dir, / /);
  // ${buildout:directory}/downloads would fall apart in buildout's own hands here:
  // such a team writes its find-links relative, and its own buildout then works
  const devCfg = join(site.dir, 'dev.cfg');
  writeFileSync(devCfg, readFileSync(devCfg, 'utf8').replace('find-links = ${buildout:directory}/downloads', 'find-links = downloads'));
  assert.match(readFileSync(devCfg, 'utf8'), /^find-links = downloads$/m);
  await runBuildout(site.dir);

  const release = await ctlJson<ReleaseJson>(['release'], { cwd: site.dir, env });
  assert.deepEqual(Object.fromEntries(release.eggs.map((e) => [e.name, e.version])), { 'acme.core': '1.0', 'acme.recipe': '1.0', 'acme.web': '1.0', plainhtml: '1.2' });
  await buildOnCleanHost(t, release);

  const deploy = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(deploy.code, 0, deploy.stderr + deploy.stdout);
  assert.match(deploy.stdout, /Deployment complete at version \S+\n$/);
  assert.equal(await servedVersion(site.url), '1.0');
});
