import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctl } from './ctl.ts';
import { startLocalAgent, type LocalAgent } from './local-agent.ts';
import { copyExampleBuildout, removeDir } from './example-buildout.ts';

export interface FleetOptions {
  /** the agent program (default: the sources through tsx); benchmarks pass the bundle hosts run */
  program?: string;
  /** agents started at once (default 1: one after another) */
  concurrency?: number;
}

/**
 * `count` real agents on 127.0.0.1 paired with one controller (pinned with ctl pin), and a
 * copy of the example whose target takes its hosts from an Ansible inventory group of them.
 */
export async function startFleet(t: { after(fn: () => Promise<void> | void): void }, count: number, options: FleetOptions = {}) {
  const configDir = mkdtempSync(join(tmpdir(), 'hostout-fleet-config-'));
  const agents: LocalAgent[] = [];
  t.after(async () => {
    for (const agent of agents) {
      await agent.kill('SIGKILL');
      removeDir(join(agent.path, '..'));
    }
    rmSync(configDir, { recursive: true, force: true });
  });
  // the first alone: it creates the controller key the others then authorize
  const slots: (LocalAgent | undefined)[] = new Array(count);
  const startOne = async (i: number) => {
    const agent = await startLocalAgent({ configDir, program: options.program });
    agents.push(agent); // stopped when the test ends, whatever happens to the others
    slots[i] = agent;
  };
  if (count > 0) await startOne(0);
  let next = 1;
  const worker = async () => {
    while (next < count) await startOne(next++);
  };
  // settled, not all: a failed start must not leave the other workers starting agents no one stops
  const started = await Promise.allSettled(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
  for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
  agents.splice(0, agents.length, ...(slots as LocalAgent[])); // in inventory order
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

