/**
 * Does the agent answer while it deploys? Status and History are called through a signed
 * client of the bench's own every 50 ms during a real deploy of the example buildout (with a
 * 64 MB file in the archive, so that verify and stage have work to do), each sample labelled
 * with the deploy phase the journal shows at that moment. Prints per phase the number of
 * samples, median and worst latency, and whether the lock's holder was shown. Asserts nothing.
 *   npm run bench:status
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl } from '../support/ctl.ts';
import { removeDir } from '../support/example-buildout.ts';
import { exampleBuildoutFor, startLocalAgent, stopAgentAndApp } from '../support/local-agent.ts';
import { SignedAttackClient } from '../support/attack-client.ts';
import { loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';

const agent = await startLocalAgent();
const site = await exampleBuildoutFor(agent);
const env = { HOSTOUT_CONFIG_DIR: agent.configDir };
const client = new SignedAttackClient(agent.port, agent.path, agent.fingerprint, loadOrCreateControllerKey(agent.configDir));

/** 64 MB that gzip squeezes only so far: a counter pattern. */
function writeBigFile(seed: number): void {
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761 + seed) >>> 0, i);
  writeFileSync(join(site.dir, 'big.bin'), Buffer.concat(Array.from({ length: 64 }, () => block)));
}

function currentPhase(): string {
  const lines = readFileSync(join(agent.path, 'agent/journal'), 'utf8').trim().split('\n');
  const last = JSON.parse(lines.at(-1)!);
  return `${last.phase}`;
}

try {
  appendFileSync(join(site.dir, 'buildout.cfg'), 'include = big.bin\n');
  writeBigFile(1);
  const first = await ctl(['deploy'], { cwd: site.dir, env });
  if (first.code !== 0) throw new Error(first.stdout + first.stderr);
  writeBigFile(2);

  const samples: { phase: string; statusMs: number; historyMs: number; lockShown: boolean }[] = [];
  let deploying = true;
  const sampler = (async () => {
    const deadline = Date.now() + 600_000;
    while (deploying && Date.now() < deadline) {
      const phase = currentPhase();
      let at = performance.now();
      const status = await client.unary<{ lock?: { holder: string } | null; state: string }>('Status', {});
      const statusMs = performance.now() - at;
      at = performance.now();
      await client.unary('History', { limit: 20 });
      samples.push({ phase: status.lock?.holder ? phase : 'no lock (ctl releases, uploads)', statusMs, historyMs: performance.now() - at, lockShown: !!status.lock?.holder });
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const started = performance.now();
  const second = await ctl(['deploy'], { cwd: site.dir, env });
  deploying = false;
  await sampler;
  if (second.code !== 0) throw new Error(second.stdout + second.stderr);
  console.log(`deploy with a 64 MB file in the archive: ${((performance.now() - started) / 1000).toFixed(1)} s, ${samples.length} samples`);
  console.log('phase (journal)                   samples  Status median/worst ms  History median/worst ms  lock holder shown');
  const phases = [...new Set(samples.map((s) => s.phase))];
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const phase of phases) {
    const of = samples.filter((s) => s.phase === phase);
    const st = of.map((s) => s.statusMs);
    const hi = of.map((s) => s.historyMs);
    console.log(`${phase.padEnd(33)} ${String(of.length).padStart(7)}  ${median(st).toFixed(0).padStart(10)} / ${Math.max(...st).toFixed(0).padEnd(10)}  ${median(hi).toFixed(0).padStart(11)} / ${Math.max(...hi).toFixed(0).padEnd(10)}  ${of.filter((s) => s.lockShown).length}/${of.length}`);
  }
} finally {
  client.close();
  await stopAgentAndApp(agent);
  removeDir(site.dir);
}
