/**
 * `ctl bootstrap` of a target with several brand-new hosts: three fresh hosts
 * (overlay + namespaces + real OpenSSH, test/support/fresh-host.ts) prepared in
 * parallel from one root password; a second run skips them all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ctl } from './support/ctl.ts';
import { copyExampleBuildout, removeDir } from './support/example-buildout.ts';
import { freePort } from './support/ports.ts';
import { startFreshHost, type FreshHost } from './support/fresh-host.ts';

test('three fresh hosts bootstrapped in one command from one root password; paired hosts are skipped after', async (t) => {
  const rootPassword = `pw-${randomBytes(9).toString('base64url')}`;
  const hosts: FreshHost[] = [];
  const dir = copyExampleBuildout('hostout-fleet-bootstrap-');
  const configDir = mkdtempSync(join(tmpdir(), 'hostout-laptop-'));
  t.after(async () => {
    for (const host of hosts) await host.stop();
    removeDir(dir);
    removeDir(configDir);
  });
  for (let i = 0; i < 3; i++) hosts.push(await startFreshHost({ rootPassword }));
  const agentPorts = await Promise.all(hosts.map(() => freePort()));
  // every host is 127.0.0.1 with its own sshd port and agent port, as an inventory gives them
  writeFileSync(
    join(dir, 'hosts.yml'),
    `all:\n  children:\n    web:\n      hosts:\n${hosts.map((h, i) => `        web${i + 1}:\n          ansible_host: 127.0.0.1\n          ansible_port: ${h.sshPort}\n          hostout_agent_port: ${agentPorts[i]}\n`).join('')}`,
  );
  const buildout = readFileSync(join(dir, 'buildout.cfg'), 'utf8').replace(/\nhost = 127\.0\.0\.1\n/, '\nhosts-from = hosts.yml web\n');
  writeFileSync(join(dir, 'buildout.cfg'), buildout);
  const env = { HOSTOUT_CONFIG_DIR: configDir };

  const bootstrap = await ctl(['bootstrap', '--root-password-stdin'], { cwd: dir, env, input: `${rootPassword}\n`, timeoutMs: 600_000 });
  assert.equal(bootstrap.code, 0, bootstrap.stdout + bootstrap.stderr);
  assert.match(bootstrap.stdout, /Preparing 3 hosts\.\.\.3\/3/);
  for (const port of agentPorts) assert.match(bootstrap.stdout, new RegExp(`127\\.0\\.0\\.1:${port}\\s+ready\\s`));
  const pinned = JSON.parse((await ctl(['pin', '--list', '--json'], { env })).stdout).agents.map((a: { address: string }) => a.address);
  assert.deepEqual(pinned.sort(), agentPorts.map((p) => `127.0.0.1:${p}`).sort(), 'every agent identity is pinned');
  for (const host of hosts) assert.equal((await host.exec('id -un deploy')).stdout.trim(), 'deploy');
  assert.doesNotMatch(bootstrap.stdout + bootstrap.stderr, new RegExp(rootPassword), 'the password is never printed');

  const status = await ctl(['status', '--json'], { cwd: dir, env });
  assert.equal(status.code, 0, status.stderr);
  assert.ok(JSON.parse(status.stdout).hosts.every((h: { agentUp: boolean }) => h.agentUp), 'every agent answers');

  const again = await ctl(['bootstrap'], { cwd: dir, env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /3 of 3 hosts are paired already; skipping them/);
});
