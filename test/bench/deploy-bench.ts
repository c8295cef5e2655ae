/**
 * Deploys of the example buildout to a real local agent, each figure beside the
 * baseline it is judged against, all measured in the same run (issue 11):
 *
 *   no-change deploy (the first right after a deploy, and the median of the next 3)
 *                     vs `ctl --help` (the controller's start-up)           goal ≤ 1.5×
 *   one-egg deploy    vs building that egg + the release's buildout by hand
 *                     + the app's stop, start and first healthy answer      goal ≤ 1.3×
 *   rollback          vs the app's stop + start + first healthy answer + 0.3 s   goal ≤ 1×
 *   cold `ctl plan` on the 50 × 200 tree (make-tree.ts)                      goal ≤ 5 s
 *   the agent bundle: idle RSS (goal ≤ 50 MB) and start to listening vs a bare `node -e`
 *
 * Every figure and baseline is the median of --runs (one-egg deploys and rollbacks in
 * rounds: change, deploy, roll back), shown phase by phase as ctl's output arrives. Also:
 * bytes sent vs sending everything, and how long the site was unreachable (HTTP probes every
 * few ms), measured in one more deploy and rollback: probing every 5 ms takes CPU from ctl,
 * the agent and the app, and the baselines are measured without it. Prints figures; asserts
 * nothing. On a shared machine figures are noisy: rerun.
 *
 *   npm run bench:deploy [-- --runs 3] [-- --skip-plan] [-- --skip-agent]
 */
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ctl, runCommand } from '../support/ctl.ts';
import { DEBIAN_PYTHON, runBuildout, removeDir } from '../support/example-buildout.ts';
import { exampleBuildoutFor, startLocalAgent, stopAgentAndApp } from '../support/local-agent.ts';
import { makeBenchTree } from './make-tree.ts';
import { measureAgentFootprint } from './agent-footprint.ts';
import { buildAgentBundle } from '../../controller/bootstrap/agent-bundle.ts';
import { measureOutage, median, ms, ratio, timedCtl, type TimedRun } from './timed-deploys.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'skip-plan': { type: 'boolean', default: false }, 'skip-agent': { type: 'boolean', default: false } } });
const runs = Number(values.runs);

/** The app's own cycle by hand, in the live release: stop, start, then probe every 5 ms until it answers 200. */
async function appCycleByHand(releaseDir: string, healthUrl: string): Promise<{ stopMs: number; startMs: number; firstHealthyMs: number }> {
  const control = join(releaseDir, 'bin/acme-ctl');
  let at = performance.now();
  await runCommand(control, ['stop'], { cwd: releaseDir });
  const stopMs = performance.now() - at;
  at = performance.now();
  await runCommand(control, ['start'], { cwd: releaseDir });
  const startMs = performance.now() - at;
  at = performance.now();
  for (let i = 0; i < 4000; i++) {
    if (await fetch(healthUrl, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return { stopMs, startMs, firstHealthyMs: performance.now() - at };
}

/** Building one develop egg by hand, as a developer would: egg_info with a tag, bdist_egg, from a copy. */
async function eggBuildByHand(packageDir: string): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'hostout-bench-egg-'));
  try {
    cpSync(packageDir, join(scratch, 'src'), { recursive: true });
    const started = performance.now();
    const built = await runCommand(DEBIAN_PYTHON, ['setup.py', '-q', 'egg_info', '--tag-build=.post99', 'bdist_egg', '-d', join(scratch, 'out')], { cwd: join(scratch, 'src') });
    if (built.code !== 0) throw new Error(built.stderr);
    return performance.now() - started;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function ctlHelpMs(): Promise<number> {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await ctl(['--help']);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

const phaseLines = (run: TimedRun) => [`      ctl start-up to its first line ${ms(run.firstOutputMs)}`, ...run.phases.map((p) => `      ${p.label.padEnd(34)} ${ms(p.ms)}`)].join('\n');

// the agent as hosts run it: the bundled file (the sources through tsx compile each module on first use)
const agentBundleDir = mkdtempSync(join(tmpdir(), 'hostout-bench-agent-'));
const { path: agentProgram } = await buildAgentBundle(join(agentBundleDir, 'hostout-agent.mjs'));
const agent = await startLocalAgent({ program: agentProgram });
const site = await exampleBuildoutFor(agent);
const env = { HOSTOUT_CONFIG_DIR: agent.configDir };
const healthUrl = `${site.url.replace(/\/$/, '')}/health`;
const lines: string[] = [];
try {
  await ctl(['--help']); // the controller bundle is (re)built on the first run after an edit: not part of any figure
  const first = await timedCtl(['deploy'], site.dir, env);
  const firstNoChange = await timedCtl(['deploy'], site.dir, env);
  const noChanges = [];
  for (let i = 0; i < runs; i++) noChanges.push(await timedCtl(['deploy'], site.dir, env));
  const noChange = [...noChanges].sort((a, b) => a.ms - b.ms)[Math.floor(runs / 2)]!;
  const helpMs = await ctlHelpMs();

  // baselines by hand: the release's buildout offline, one egg's build, the app's own restart
  const releaseDir = join(site.dir, '.hostout/releases', readdirSync(join(site.dir, '.hostout/releases')).filter((d) => !d.startsWith('.'))[0]!);
  const archive = join(releaseDir, readdirSync(releaseDir).find((f) => f.endsWith('.tar.gz'))!);
  const everything = readdirSync(join(releaseDir, 'dist')).reduce((s, f) => s + statSync(join(releaseDir, 'dist', f)).size, 0) + statSync(archive).size;
  const buildoutsByHand = [];
  const eggsByHand = [];
  for (let i = 0; i < runs; i++) {
    const byHand = mkdtempSync(join(tmpdir(), 'hostout-bench-host-'));
    const at = performance.now();
    await runCommand('tar', ['-xzf', archive, '-C', byHand]);
    mkdirSync(join(byHand, 'dist'));
    for (const egg of readdirSync(join(releaseDir, 'dist'))) copyFileSync(join(releaseDir, 'dist', egg), join(byHand, 'dist', egg));
    await runBuildout(byHand, ['-c', 'hostout.cfg']);
    buildoutsByHand.push(performance.now() - at);
    removeDir(byHand);
    eggsByHand.push(await eggBuildByHand(join(site.dir, 'src/acme.web')));
  }
  const buildoutByHandMs = median(buildoutsByHand);
  const eggMs = median(eggsByHand);
  const cycles = [];
  for (let i = 0; i < runs; i++) cycles.push(await appCycleByHand(join(agent.path, 'current'), healthUrl));
  const cycle = { stopMs: median(cycles.map((c) => c.stopMs)), startMs: median(cycles.map((c) => c.startMs)), firstHealthyMs: median(cycles.map((c) => c.firstHealthyMs)) };
  const cycleMs = cycle.stopMs + cycle.startMs + cycle.firstHealthyMs;

  const changeOneEgg = (n: number) => appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), `\n# bench change ${n}\n`);
  // each round: one egg changed and deployed, then rolled back; the median round of each is shown
  const oneEggRuns: TimedRun[] = [];
  const rollbackRuns: TimedRun[] = [];
  for (let i = 0; i < runs; i++) {
    changeOneEgg(i + 1);
    oneEggRuns.push(await timedCtl(['deploy'], site.dir, env));
    rollbackRuns.push(await timedCtl(['rollback'], site.dir, env));
  }
  const medianRun = (samples: TimedRun[]) => [...samples].sort((a, b) => a.ms - b.ms)[Math.floor(samples.length / 2)]!;
  const oneEggRun = medianRun(oneEggRuns);
  const rollbackRun = medianRun(rollbackRuns);
  changeOneEgg(runs + 1);
  const oneEgg = { ...(await measureOutage(healthUrl, () => timedCtl(['deploy'], site.dir, env))), result: oneEggRun };
  const rollback = { ...(await measureOutage(healthUrl, () => timedCtl(['rollback'], site.dir, env))), result: rollbackRun };

  const oneEggBaseline = eggMs + buildoutByHandMs + cycleMs;
  const rollbackBaseline = cycleMs + 300;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  lines.push(
    `baseline: ctl --help ${ms(helpMs)} (median of ${runs})`,
    `baseline: app stop ${ms(cycle.stopMs)} + start ${ms(cycle.startMs)} + first healthy answer ${ms(cycle.firstHealthyMs)} = ${ms(cycleMs)} (by hand, median of ${runs})`,
    `baseline: one egg built by hand ${ms(eggMs)}; the release's buildout by hand (untar + offline buildout) ${ms(buildoutByHandMs)} (medians of ${runs})`,
    `first deploy:                        ${ms(first.ms)}, ${first.files} files, ${kb(first.bytes)} sent`,
    `no-change deploy right after it:     ${ms(firstNoChange.ms)} = ${ratio(firstNoChange.ms, helpMs, 1.5)} ctl --help`,
    phaseLines(firstNoChange),
    `no-change deploy, median of ${runs}:      ${ms(noChange.ms)} = ${ratio(noChange.ms, helpMs, 1.5)} ctl --help; ${noChange.files} files sent`,
    phaseLines(noChange),
    `one-egg deploy, median of ${runs}:       ${ms(oneEgg.result.ms)} = ${ratio(oneEgg.result.ms, oneEggBaseline, 1.3)} (egg + buildout + app cycle by hand = ${ms(oneEggBaseline)}); ${oneEgg.result.files} files, ${kb(oneEgg.result.bytes)} sent (${(oneEgg.result.bytes / everything).toFixed(2)} of everything, ${kb(everything)}); unreachable ${ms(oneEgg.outageMs)} (${oneEgg.failed} of ${oneEgg.probes} probes failed)`,
    phaseLines(oneEgg.result),
    `rollback, median of ${runs}:             ${ms(rollback.result.ms)} = ${ratio(rollback.result.ms, rollbackBaseline, 1)} (app cycle by hand + 0.3 s = ${ms(rollbackBaseline)}); unreachable ${ms(rollback.outageMs)} (${rollback.failed} of ${rollback.probes} probes failed)`,
    phaseLines(rollback.result),
  );
} finally {
  await stopAgentAndApp(agent);
  removeDir(site.dir);
  removeDir(agentBundleDir);
}

if (!values['skip-plan']) {
  const root = mkdtempSync(join(tmpdir(), 'hostout-plan-bench-'));
  try {
    const tree = makeBenchTree(root, { eggs: 50, files: 200 });
    const started = performance.now();
    const plan = await ctl(['plan', '--json'], { cwd: root });
    if (plan.code !== 0) throw new Error(plan.stderr);
    const coldMs = performance.now() - started;
    lines.push(`cold ctl plan, ${tree.packageDirs.length} develop eggs × 200 files: ${ms(coldMs)} = ${ratio(coldMs, 5000, 1)} of the 5 s goal (npm run bench:plan for warm figures)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (!values['skip-agent']) {
  const { agent: footprint, libraries, bareNode, bundleBytes } = await measureAgentFootprint(runs);
  lines.push(
    `agent bundle (${(bundleBytes / 1e6).toFixed(1)} MB): idle RSS ${footprint.idleRssMb.toFixed(1)} MB = ${ratio(footprint.idleRssMb, 50, 1)} of the 50 MB goal; ${ratio(footprint.idleRssMb, libraries.idleRssMb)} its libraries alone (grpc-js server, pino, protobufjs: ${libraries.idleRssMb.toFixed(1)} MB); bare node ${bareNode.idleRssMb.toFixed(1)} MB`,
    `agent start to listening: ${ms(footprint.startMs)} = ${ratio(footprint.startMs, bareNode.startMs)} a bare node -e start (${ms(bareNode.startMs)}), median of ${runs}`,
  );
}
console.log(lines.join('\n'));
