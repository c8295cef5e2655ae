import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctl } from './ctl.ts';
import { startLocalAgent, type LocalAgent } from './local-agent.ts';
import { copyExampleBuildout, removeDir } from './example-buildout.ts';

/**
 * `count` real agents on 127.0.0.1 paired with one controller (pinned with ctl pin), and a
 * copy of the example whose target takes its hosts from an Ansible inventory group of them.
 */
export async function startFleet(t: { after(fn: () => Promise<void> | void): void }, count: number) {
  const configDir = mkdtempSync(join(tmpdir(), 'hostout-fleet-config-'));
  const agents: LocalAgent[] = [];
  t.after(async () => {
    for (const agent of agents) {
      await agent.kill('SIGKILL');
      removeDir(join(agent.path, '..'));
    }
    rmSync(configDir, { recursive: true, force: true });
  });
  for (let i = 0; i < count; i++) agents.push(await startLocalAgent({ configDir }));
  // hand-paired agents: their fingerprints pinned with ctl pin, as an operator would
  for (const agent of agents) {
    const pinned = await ctl(['pin', `127.0.0.1:${agent.port}`, agent.fingerprint], { env: { HOSTOUT_CONFIG_DIR: configDir } });
    assert.equal(pinned.code, 0, pinned.stderr);
  }
  const dir = copyExampleBuildout('hostout-fleet-');
  t.after(() => removeDir(dir));
  // The target: hosts from an inventory group; no long-running service (twelve copies
  // of the app would want twelve ports), a health command that fails on a host whose
  // state holds FAIL-HEALTH naming the acme.web version it fails for (so the release
  // rolled back to is healthy again).
  writeFileSync(
    join(dir, 'inventory.ini'),
    ['[web]', ...agents.map((a, i) => `web${String(i + 1).padStart(2, '0')} ansible_host=127.0.0.1 hostout_agent_port=${a.port}`), '', '[other]', 'db1 ansible_host=127.0.0.1', ''].join('\n'),
  );
  const buildout = readFileSync(join(dir, 'buildout.cfg'), 'utf8').replace(/\[production\][\s\S]*/, '');
  writeFileSync(
    join(dir, 'buildout.cfg'),
    `${buildout}[production]\nrecipe = collective.recipe.hostout\nhosts-from = inventory.ini web\npath = /srv/unused\nbuildout = prod.cfg\nhealth-command = ! grep -qsE "^acme\\.web += $(cat ../../FAIL-HEALTH 2>/dev/null)$" versions.cfg\nhealth-timeout = 2\n`,
  );
  // each agent's path differs: the state dir comes from the agent, the target's path is only for bootstrap
  return { agents, dir, env: { HOSTOUT_CONFIG_DIR: configDir } };
}

