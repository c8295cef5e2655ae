/**
 * Two laptops, one host: each has its own clone (and ledger) of the buildout.
 * The agent remembers which version was minted for which source, so neither
 * laptop gives one version to two contents, and it refuses an egg whose name
 * and version it holds with other bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT, ctl, ctlJson, runCommand } from './support/ctl.ts';
import { deployableSite, exampleBuildoutFor, servedVersion, startLocalAgent, stopAgentAndApp } from './support/local-agent.ts';
import { removeDir } from './support/example-buildout.ts';
import { AgentConnection } from '../controller/agent-client/agent-client.ts';
import { loadOrCreateControllerKey } from '../shared/trust/controller-key.ts';
import { signManifest, canonicalJson } from '../shared/trust/manifest-signature.ts';
import { uploadMissingBlobs } from '../controller/deploy/upload-blobs.ts';
import type { Manifest } from '../shared/manifest.ts';

test('a second laptop never reuses a version the host already holds for other code', async (t) => {
  const agent = await startLocalAgent();
  const laptopA = await exampleBuildoutFor(agent);
  const laptopB = mkdtempSync(join(tmpdir(), 'hostout-laptop-b-'));
  cpSync(laptopA.dir, laptopB, { recursive: true });
  const envA = { HOSTOUT_CONFIG_DIR: agent.configDir };
  const envB = { HOSTOUT_CONFIG_DIR: join(laptopB, '.laptop-b-config') };
  t.after(async () => {
    await stopAgentAndApp(agent);
    removeDir(laptopA.dir);
    removeDir(laptopB);
  });
  const keyB = (await ctl(['keys', 'show'], { env: envB })).stdout.trim();
  assert.equal((await runCommand(process.execPath, [AGENT, 'authorize', '--path', agent.path, keyB, 'laptop B'])).code, 0);

  assert.equal((await ctl(['deploy'], { cwd: laptopA.dir, env: envA })).code, 0);
  const same = await ctl(['deploy'], { cwd: laptopB, env: envB });
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /Already at version 0\.1/, 'the same code from another laptop is the same release');

  appendFileSync(join(laptopA.dir, 'src/acme.core/acme/core/store.py'), '\n# laptop A\n');
  const fromA = await ctl(['deploy'], { cwd: laptopA.dir, env: envA });
  assert.match(fromA.stdout, /released acme\.core 1\.0\.post1/);

  appendFileSync(join(laptopB, 'src/acme.core/acme/core/store.py'), '\n# laptop B, other code\n');
  const offline = await ctlJson<{ eggs: { name: string; version: string }[] }>(['plan'], { cwd: laptopB, env: envB });
  assert.equal(offline.eggs.find((e) => e.name === 'acme.core')!.version, '1.0.post1', 'alone, laptop B would pick 1.0.post1');
  const fromB = await ctl(['deploy'], { cwd: laptopB, env: envB });
  assert.equal(fromB.code, 0, fromB.stderr + fromB.stdout);
  assert.match(fromB.stdout, /released acme\.core 1\.0\.post2/, 'asking the host first, it mints 1.0.post2');
  assert.equal(await servedVersion(laptopA.url), '1.0');
});

test('the agent refuses an egg whose name and version it holds with different bytes', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);

  // Another clone, released offline, mints acme.core 1.0 again for other code.
  const other = mkdtempSync(join(tmpdir(), 'hostout-other-'));
  t.after(() => removeDir(other));
  cpSync(site.dir, other, { recursive: true, filter: (p) => !p.includes('.hostout') && !p.endsWith('hostout-ledger.txt') });
  appendFileSync(join(other, 'src/acme.core/acme/core/store.py'), '\n# other code, same version\n');
  const release = await ctlJson<{ tag: string }>(['release'], { cwd: other, env });
  const manifest = JSON.parse(readFileSync(join(other, '.hostout/releases', release.tag, 'manifest.json'), 'utf8')) as Manifest;
  const core = manifest.eggs.find((e) => e.name === 'acme.core')!;
  assert.equal(core.version, '1.0');

  const key = loadOrCreateControllerKey(agent.configDir);
  const connection = await AgentConnection.open({ host: '127.0.0.1', port: agent.port, fingerprint: agent.fingerprint }, key);
  t.after(() => connection.close());
  const dir = join(other, '.hostout/releases', release.tag);
  await uploadMissingBlobs(connection, [{ sha256: manifest.archive.sha256, path: join(dir, `buildout-${release.tag}.tar.gz`), what: 'archive' }, ...manifest.eggs.map((e) => ({ sha256: e.sha256, path: join(dir, 'dist', e.filename), what: e.filename }))], false);
  const signature = signManifest(key, manifest);
  const deploy = async () => {
    for await (const _ of connection.stream('Deploy', { manifest: Buffer.from(canonicalJson(manifest)), manifestKeyId: signature.keyId, manifestSignature: Buffer.from(signature.signature), force: false }));
  };
  await assert.rejects(deploy(), /acme\.core-1\.0-py3\.\d+\.egg.*different bytes/s);
  assert.equal(await servedVersion(site.url), '1.0', 'the host keeps serving');
});
