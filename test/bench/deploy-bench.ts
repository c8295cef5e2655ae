/**
 * Deploys of the example buildout to a real local agent: bytes sent and time
 * for a first deploy, a one-egg deploy and a no-change deploy, and how long the
 * site was unreachable during a deploy and during a rollback (HTTP probes
 * every few ms). Baselines in the same run: the bytes of sending everything,
 * and the time of building the same release by hand (untar + buildout).
 * Prints figures; asserts nothing.   npm run bench:deploy
 */
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctl, runCommand } from '../support/ctl.ts';
import { runBuildout, removeDir } from '../support/example-buildout.ts';
import { exampleBuildoutFor, startLocalAgent, stopAgentAndApp } from '../support/local-agent.ts';

const agent = await startLocalAgent();
const site = await exampleBuildoutFor(agent);
const env = { HOSTOUT_CONFIG_DIR: agent.configDir };

/** Probes the site every `everyMs` while `work` runs; the longest run of failed probes is the outage. */
async function measureOutage<T>(work: () => Promise<T>, everyMs = 5): Promise<{ result: T; outageMs: number; probes: number; failed: number }> {
  let running = true;
  let longest = 0;
  let downSince: number | undefined;
  let probes = 0;
  let failed = 0;
  const deadline = Date.now() + 300_000;
  const prober = (async () => {
    while (running && Date.now() < deadline && probes < 200_000) {
      const at = performance.now();
      const ok = await fetch(`${site.url.replace(/\/$/, '')}/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      probes++;
      if (!ok) {
        failed++;
        downSince ??= at;
      } else if (downSince !== undefined) {
        longest = Math.max(longest, performance.now() - downSince);
        downSince = undefined;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  const result = await work();
  running = false;
  await prober;
  if (downSince !== undefined) longest = Math.max(longest, performance.now() - downSince);
  return { result, outageMs: longest, probes, failed };
}

async function timedDeploy(args: string[] = ['deploy']) {
  const started = performance.now();
  const result = await ctl(args, { cwd: site.dir, env });
  if (result.code !== 0) throw new Error(result.stdout + result.stderr);
  const sent = /done \((\d+) file\(s\), (\d+) bytes\)/.exec(result.stdout);
  return { ms: performance.now() - started, files: Number(sent?.[1] ?? 0), bytes: Number(sent?.[2] ?? 0), stdout: result.stdout };
}

try {
  const first = await timedDeploy();
  const releaseDir = join(site.dir, '.hostout/releases', readdirSync(join(site.dir, '.hostout/releases')).filter((d) => !d.startsWith('.'))[0]!);
  const everything = readdirSync(join(releaseDir, 'dist')).reduce((s, f) => s + statSync(join(releaseDir, 'dist', f)).size, 0) + statSync(join(releaseDir, readdirSync(releaseDir).find((f) => f.endsWith('.tar.gz'))!)).size;

  // baseline: the same release built by hand, offline
  const byHand = mkdtempSync(join(tmpdir(), 'hostout-bench-host-'));
  const untarStarted = performance.now();
  await runCommand('tar', ['-xzf', join(releaseDir, readdirSync(releaseDir).find((f) => f.endsWith('.tar.gz'))!), '-C', byHand]);
  mkdirSync(join(byHand, 'dist'));
  for (const egg of readdirSync(join(releaseDir, 'dist'))) copyFileSync(join(releaseDir, 'dist', egg), join(byHand, 'dist', egg));
  await runBuildout(byHand, ['-c', 'hostout.cfg']);
  const byHandMs = performance.now() - untarStarted;
  removeDir(byHand);

  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# bench change\n');
  const oneEgg = await measureOutage(() => timedDeploy());
  // the first right after an edit may re-hash racily-clean files; the median is the steady cost
  const noChanges = [await timedDeploy(), await timedDeploy(), await timedDeploy()];
  const noChange = [...noChanges].sort((a, b) => a.ms - b.ms)[1]!;
  const startedHelp = performance.now();
  await ctl(['--help']);
  const startupMs = performance.now() - startedHelp;
  const rollback = await measureOutage(() => timedDeploy(['rollback']));

  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`first deploy:      ${first.ms.toFixed(0)} ms, ${first.files} files, ${kb(first.bytes)} sent`);
  console.log(`one-egg deploy:    ${oneEgg.result.ms.toFixed(0)} ms, ${oneEgg.result.files} files, ${kb(oneEgg.result.bytes)} sent; site unreachable for ${oneEgg.outageMs.toFixed(0)} ms (${oneEgg.failed} of ${oneEgg.probes} probes failed)`);
  console.log(`no-change deploy:  ${noChange.ms.toFixed(0)} ms median of 3 (first ${noChanges[0]!.ms.toFixed(0)} ms), ${noChange.files} files, ${kb(noChange.bytes)} sent; ctl start-up alone (--help) ${startupMs.toFixed(0)} ms`);
  console.log(`rollback:          ${rollback.result.ms.toFixed(0)} ms; site unreachable for ${rollback.outageMs.toFixed(0)} ms (${rollback.failed} of ${rollback.probes} probes failed)`);
  console.log(`baseline: sending everything = ${kb(everything)}; one-egg deploy sent ${(oneEgg.result.bytes / everything).toFixed(2)} of it`);
  console.log(`baseline: building the release by hand (untar + offline buildout) = ${byHandMs.toFixed(0)} ms; first deploy / by hand = ${(first.ms / byHandMs).toFixed(2)}`);
  console.log(`outage / deploy time: ${(oneEgg.outageMs / oneEgg.result.ms).toFixed(3)}`);
} finally {
  await stopAgentAndApp(agent);
  removeDir(site.dir);
}
