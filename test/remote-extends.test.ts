/**
 * Buildouts that extend URLs, and Plone's `abi-tag-eggs = true`, released and deployed
 * end to end: the real ctl, a real hostout-agent, real zc.buildout on the host, a real
 * HTTP server on 127.0.0.1 for the remote files, which is stopped to prove that the next
 * release comes from the cache and that the host never fetches anything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ctl, runCommand } from './support/ctl.ts';
import { serveConfigFiles } from './support/config-server.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';
import { freePort } from './support/ports.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

test('a buildout extending a URL deploys; with the server down the next release and host build use the copies', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  // The service's port and a pin come only from the remote files: the host build must read them.
  const remotePort = await freePort();
  const server = await serveConfigFiles({
    'release/1.0/versions.cfg': '[buildout]\nextends = ../common/settings.cfg\n\n[versions]\nplainhtml = 1.2\n',
    'release/common/settings.cfg': `[settings]\nport = ${remotePort}\n`,
  });
  t.after(() => server.stop());
  const versionsUrl = `${server.url}/release/1.0/versions.cfg`;
  const settingsUrl = `${server.url}/release/1.0/../common/settings.cfg`;
  const base = readFileSync(join(site.dir, 'base.cfg'), 'utf8');
  writeFileSync(join(site.dir, 'base.cfg'), base.replace('[buildout]\n', `[buildout]\nextends = ${versionsUrl}\n`).replace(/^port = \d+\n/m, ''));
  const url = `http://127.0.0.1:${remotePort}/`;

  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.equal(await servedVersion(url), '1.0', 'the service listens on the port the remote file sets');
  assert.ok(server.requests().includes('/release/1.0/versions.cfg'), `requests: ${server.requests()}`);

  const release = join(agent.path, 'current');
  assert.deepEqual(readdirSync(join(release, 'hostout-extends-cache')).sort(), [md5(versionsUrl), md5(settingsUrl)].sort());
  assert.match(readFileSync(join(release, 'hostout.cfg'), 'utf8'), /^extends-cache = hostout-extends-cache$/m);
  assert.equal(readFileSync(join(release, 'base.cfg'), 'utf8'), readFileSync(join(site.dir, 'base.cfg'), 'utf8'), 'the team\'s files travel unedited');

  // The server is gone: the next release reads the controller's cache, the host build the shipped one.
  await server.stop();
  const requestsBefore = server.requests().length;
  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# a change\n');
  const second = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(second.code, 0, second.stderr + second.stdout);
  assert.equal(await servedVersion(url), '1.0.post1');
  assert.equal(server.requests().length, requestsBefore);
  assert.ok(existsSync(join(site.dir, '.hostout', 'extends-cache', md5(settingsUrl))), 'Hostout keeps its copies in .hostout/extends-cache');

  // With no copy anywhere, the error names the URL, the line extending it and extends-cache.
  rmSync(join(site.dir, '.hostout', 'extends-cache'), { recursive: true });
  const failed = await ctl(['plan'], { cwd: site.dir, env });
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, new RegExp(`base\\.cfg:3: cannot download ${versionsUrl.replace(/[.]/g, '\\.')} \\(.*Connection refused.*\\): there is no copy of it in the extends-cache`));
  assert.match(failed.stderr, /hint: make .* reachable once/);
});

test('abi-tag-eggs = true (Plone\'s Unified Installer) releases and deploys; the host\'s eggs go under the ABI tag', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  const base = readFileSync(join(site.dir, 'base.cfg'), 'utf8');
  writeFileSync(join(site.dir, 'base.cfg'), base.replace('[buildout]\n', '[buildout]\nabi-tag-eggs = true\n'));
  const tag = (await runCommand('/usr/bin/python3', ['-c', 'import sysconfig; print("cp" + sysconfig.get_config_var("SOABI").split("-")[1])'])).stdout.trim();

  const plan = await ctl(['plan', '--json'], { cwd: site.dir, env });
  assert.equal(plan.code, 0, plan.stderr);
  const deployed = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(deployed.code, 0, deployed.stderr + deployed.stdout);
  assert.equal(await servedVersion(site.url), '1.0');
  const eggs = readdirSync(join(agent.path, 'shared', 'eggs', tag));
  assert.ok(eggs.some((name) => name.startsWith('plainhtml-1.2')), `eggs under shared/eggs/${tag}: ${eggs}`);
});
