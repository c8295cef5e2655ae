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
 *   rolling restarts (issue 18): the example's two instances behind HAProxy, its [instances]
 *                     target (one instance at a time, drained) vs the same site with a target
 *                     that stops both together while HAProxy stays up; for a one-egg deploy and
 *                     a rollback: failed probes through HAProxy (of how many), longest
 *                     unreachable, wall time, and wall rolling / stop-all    goal: 0 failed (rolling)
 *
 * Every figure and baseline is the median of --runs (one-egg deploys and rollbacks in
 * rounds: change, deploy, roll back), shown phase by phase as ctl's output arrives. Also:
 * bytes sent vs sending everything, and how long the site was unreachable (HTTP probes every
 * few ms), measured in one more deploy and rollback: probing every 5 ms takes CPU from ctl,
 * the agent and the app, and the baselines are measured without it. The rolling figures are
 * the exception: there the outage is the figure, so every one of their deploys and rollbacks is
 * probed, rolling and stop-all alike (their wall times compare with each other, not with the
 * figures above). Prints figures; asserts nothing. On a shared machine figures are noisy: rerun.
 *
 *   npm run bench:deploy [-- --runs 3] [-- --skip-plan] [-- --skip-agent] [-- --skip-rolling]
 */
import { appendFileSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ctl, runCommand } from '../support/ctl.ts';
import { DEBIAN_PYTHON, runBuildout, removeDir } from '../support/example-buildout.ts';
import { exampleBuildoutFor, startLocalAgent, stopAgentAndApp } from '../support/local-agent.ts';
import { openInstancesSite } from '../support/instances-site.ts';
import { makeBenchTree } from './make-tree.ts';
import { measureAgentFootprint } from './agent-footprint.ts';
import { buildAgentBundle } from '../../controller/bootstrap/agent-bundle.ts';
import { measureOutage, median, ms, ratio, timedCtl, type TimedRun } from './timed-deploys.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'skip-plan': { type: 'boolean', default: false }, 'skip-agent': { type: 'boolean', default: false }, 'skip-rolling': { type: 'boolean', default: false } } });
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

type InstancesSite = Awaited<ReturnType<typeof openInstancesSite>>;

/**
 * The stop-all baseline: the example's instances site with the target as it was before issue 18
 * (no `instances`, no `balancer`): stop takes both instances down together, start brings them
 * up together. HAProxy stays up across deploys, as in the rolling case, so the baseline's
 * outage is what the issue measured (HAProxy answering 503 while no server is up), not
 * HAProxy's own restart.
 */
function makeStopAllTarget(dir: string): void {
  const file = join(dir, 'instances.cfg');
  const before = readFileSync(file, 'utf8');
  const replace = (text: string, pattern: RegExp, by: string) => {
    if (!pattern.test(text)) throw new Error(`the stop-all baseline expects ${pattern} in example/instances.cfg: the example changed, update makeStopAllTarget`);
    return text.replace(pattern, by);
  };
  let text = replace(before, /^instances =\n(?:[ \t]+\S.*\n)+/m, '');
  text = replace(text, /^balancer = .*\n/m, '');
  text = replace(text, /^start = .*$/m, 'start = (test -f var/haproxy.pid && kill -0 $(cat var/haproxy.pid)) || /usr/sbin/haproxy -D -f parts/balancer/haproxy.cfg -p var/haproxy.pid; bin/acme-ctl start && bin/acme-ctl2 start');
  text = replace(text, /^stop = .*$/m, 'stop = bin/acme-ctl2 stop; bin/acme-ctl stop');
  text = replace(text, /^status = .*$/m, 'status = bin/acme-ctl status && bin/acme-ctl2 status');
  writeFileSync(file, text);
}

interface Probed {
  wallMs: number;
  failed: number;
  probes: number;
  outageMs: number;
}

/**
 * Rolling vs stop-all, each on its own agent and site, in rounds (change one egg, deploy, roll
 * back), the two sites' rounds interleaved so that both see the same machine. Every deploy and
 * rollback is probed through HAProxy every 5 ms: here the outage is the figure. Stop-all fails
 * few probes for its outage: HAProxy holds some requests while no server takes them (one probe
 * waited out its 1 s timeout, seen in a timeline of one stop-all deploy), and a held probe counts
 * once, so the longest unreachable, not the count, is the figure to compare.
 */
async function measureRolling(program: string): Promise<string[]> {
  const sites: InstancesSite[] = [];
  try {
    const rolling = await openInstancesSite({ program });
    sites.push(rolling);
    const stopAll = await openInstancesSite({ program });
    sites.push(stopAll);
    makeStopAllTarget(stopAll.dir);
    // the first deploy stops everything in both (nothing runs yet): not a figure
    for (const site of sites) await timedCtl(['deploy', '-c', 'instances.cfg'], site.dir, site.env);
    // what each deploy must show, or the figures are not what they say: rolling rolls, the baseline stops all
    const expected = new Map([
      [rolling, /Restarting the instances one at a time: \d+ instances on version/],
      [stopAll, /Stopping remote services\.\.\.done/],
    ]);
    const samples = new Map(sites.map((site) => [site, { deploy: [] as Probed[], rollback: [] as Probed[] }]));
    const probed = async (site: InstancesSite, command: 'deploy' | 'rollback'): Promise<Probed> => {
      const outage = await measureOutage(site.siteUrl, () => timedCtl([command, '-c', 'instances.cfg'], site.dir, site.env));
      if (!expected.get(site)!.test(outage.result.stdout)) throw new Error(`${site === rolling ? 'rolling' : 'stop-all'} ${command} did not run as measured (${expected.get(site)}):\n${outage.result.stdout}`);
      return { wallMs: outage.result.ms, failed: outage.failed, probes: outage.probes, outageMs: outage.outageMs };
    };
    for (let i = 0; i < runs; i++) {
      for (const site of sites) {
        appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), `\n# bench change ${i + 1}\n`);
        samples.get(site)!.deploy.push(await probed(site, 'deploy'));
        samples.get(site)!.rollback.push(await probed(site, 'rollback'));
      }
    }

    const medians = (of: Probed[]): Probed => ({ wallMs: median(of.map((p) => p.wallMs)), failed: median(of.map((p) => p.failed)), probes: median(of.map((p) => p.probes)), outageMs: median(of.map((p) => p.outageMs)) });
    const cell = (p: Probed) => `${p.failed} of ${p.probes} failed, longest ${ms(p.outageMs)}, wall ${ms(p.wallMs)}`;
    const rows = (['deploy', 'rollback'] as const).map((command) => ({ command, rolling: medians(samples.get(rolling)![command]), stopAll: medians(samples.get(stopAll)![command]) }));
    const width = Math.max(...rows.map((row) => cell(row.rolling).length), 'rolling (one at a time, drained)'.length) + 3;
    const label = (command: string) => (command === 'deploy' ? 'one-egg deploy' : 'rollback').padEnd(16);
    const all = [...samples.get(rolling)!.deploy, ...samples.get(rolling)!.rollback];
    const allStopAll = [...samples.get(stopAll)!.deploy, ...samples.get(stopAll)!.rollback];
    const sum = (of: Probed[], key: 'failed' | 'probes') => of.reduce((s, p) => s + p[key], 0);
    return [
      `rolling restarts, 2 instances behind HAProxy, probed through HAProxy every 5 ms (failed probes of all, longest unreachable, wall), medians of ${runs}:`,
      `  ${''.padEnd(16)} ${'rolling (one at a time, drained)'.padEnd(width)} stop-all (both stop together, HAProxy stays up)`,
      ...rows.map((row) => `  ${label(row.command)} ${cell(row.rolling).padEnd(width)} ${cell(row.stopAll)}`),
      `  wall, rolling / stop-all: one-egg deploy ${ratio(rows[0]!.rolling.wallMs, rows[0]!.stopAll.wallMs)}, rollback ${ratio(rows[1]!.rolling.wallMs, rows[1]!.stopAll.wallMs)}`,
      `  rolling failed probes, every deploy and rollback: ${sum(all, 'failed')} of ${sum(all, 'probes')} (goal = 0); stop-all: ${sum(allStopAll, 'failed')} of ${sum(allStopAll, 'probes')}`,
    ];
  } finally {
    for (const site of sites) await site.close();
  }
}

const phaseLines = (run: TimedRun) => [`      ctl start-up to its first line ${ms(run.firstOutputMs)}`, ...run.phases.map((p) => `      ${p.label.padEnd(34)} ${ms(p.ms)}`)].join('\n');

// the agent as hosts run it: the bundled file (the sources through tsx compile each module on first use)
const agentBundleDir = mkdtempSync(join(tmpdir(), 'hostout-bench-agent-'));
process.once('exit', () => removeDir(agentBundleDir)); // the rolling figures' agents run it too, after this site is gone
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
}

if (!values['skip-rolling']) lines.push(...(await measureRolling(agentProgram)));

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
