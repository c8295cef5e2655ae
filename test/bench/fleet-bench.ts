/**
 * Deploys to many hosts at once (issue 21): the example buildout to N real agents on
 * 127.0.0.1 (the bundled hostout-agent, as hosts run it), through the real `ctl`, for each N
 * of --hosts, all in the same run:
 *
 *   no-change deploy   wall to 50 hosts vs one host                        goal ≤ 2×
 *   one-egg deploy     wall to 50 hosts vs one host                        goal ≤ 3×
 *   rollback           (no goal; shown beside the others)
 *
 * Each with: wall time; the controller's CPU (user + sys of the ctl process and the children it
 * waited for, from /usr/bin/time, and of the ctl process alone, from process.resourceUsage() at
 * its exit); bytes each host received and in all, and what ctl itself sent (the rest came from
 * other hosts: the blob relay; --relay off compares ctl uploading to every host) (--json); the controller's peak RSS (/usr/bin/time
 * %M); each as a ratio to the one-host figure; and how long each step of ctl's output took
 * (Connecting..., Pinning egg versions..., Building on N hosts..., Going live...).
 *
 * One set of agents per N, each paired with its own controller (ctl pin) and its own copy of
 * the example, whose target takes its hosts from an inventory (test/support/fleet.ts: no
 * long-running service, a health-command). The target gets `parallel` = the largest N (at least
 * 50) and `batch-size = 100%`, so every host is worked on at once. One host is a target with one
 * host: ctl's single-host path, as a one-host user runs it, the baseline of every ratio; beside it
 * "1 (fleet path)", one host of a two-host target (--hosts its first), shows what the fleet path
 * costs for one host; more hosts take the fleet path.
 * Before anything is measured every host gets one untimed deploy. Then the no-change deploys
 * (each N in turn, --runs times), then rounds of one changed egg (a comment appended to
 * acme/web/server.py), deployed and rolled back, each N in turn. Every figure is the median of
 * --runs, each figure its own median. --profile: one more no-change deploy to the largest N
 * under node --cpu-prof, the top self-time functions mapped to the TypeScript sources (the
 * controller bundle is built again beside, with source maps, and matched chunk by chunk).
 *
 * For 50 hosts it also prints the machine's floor: the CPU ctl and the hosts spent (the agents'
 * processes and the buildouts they waited for, from /proc), over this machine's cores; on one
 * machine the hosts' builds share the cores with ctl, and no controller beats that floor.
 *
 * Prints figures; asserts nothing. On a machine with 2 cores the agents' buildouts compete with
 * ctl for the CPU: the one-egg figures measure the machine as much as ctl. Rerun when noisy.
 *
 *   npm run bench:fleet [-- --hosts 1,10,50] [-- --runs 3] [-- --relay hosts|off] [-- --profile] [-- --start-concurrency 8]
 *   npm run bench:fleet -- --profile-file FILE.cpuprofile   (the profile's tables again; ctl's bundle as it is now)
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CTL, REPO_ROOT, ctl, runCommand } from '../support/ctl.ts';
import { startFleet } from '../support/fleet.ts';
import type { LocalAgent } from '../support/local-agent.ts';
import { buildAgentBundle } from '../../controller/bootstrap/agent-bundle.ts';
import { CONTROLLER_BUNDLE_OPTIONS } from '../../bin/source-bundle.js';
import { textTable } from '../../controller/fleet/text-table.ts';
import { formatBytes } from '../../shared/text/human-units.ts';
import { median, ms, runTimestamped } from './timed-deploys.ts';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1,10,50' },
    runs: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    'start-concurrency': { type: 'string', default: '8' },
    'profile-file': { type: 'string' },
    relay: { type: 'string', default: 'hosts' },
  },
});
const runs = Number(values.runs);
if (values['profile-file']) {
  console.log((await analyseProfile(values['profile-file'], 'a saved profile')).join('\n'));
  process.exit(0);
}
const requested = [...new Set(values.hosts.split(',').map((s) => Number(s.trim())))];
if (!(runs >= 1) || requested.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--hosts takes whole numbers (1,10,50), --runs a number of at least 1');
// every figure is also a ratio to the one-host figure: one host is always measured
const counts = [...new Set([1, ...requested])].sort((a, b) => a - b);
const PARALLEL = Math.max(50, ...counts);
const CORES = availableParallelism();
const CLOCK_TICKS = Number((await runCommand('getconf', ['CLK_TCK'])).stdout.trim()) || 100;
const HAVE_TIME = existsSync('/usr/bin/time');

const log = (text: string) => process.stderr.write(`[fleet-bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

interface Fleet {
  /** the row's name: the number of hosts deployed to, "1 (fleet path)" */
  key: string;
  /** hosts deployed to */
  n: number;
  /** more ctl arguments: --hosts for the fleet path's one host */
  args: string[];
  agents: LocalAgent[];
  dir: string;
  env: NodeJS.ProcessEnv;
}

interface CtlRun {
  wallMs: number;
  /** user + sys of ctl and the children it waited for (/usr/bin/time), or of ctl alone without it */
  cpuMs: number;
  /** user + sys of the ctl process alone */
  selfCpuMs: number;
  /** /usr/bin/time %M (the largest of ctl and its children: ctl), or ctl's own max RSS */
  peakRssKb: number;
  /** bytes each host received, from ctl or from another host (deploys; none for rollbacks) */
  perHost: number[];
  /** bytes ctl itself sent, to all hosts */
  fromCtl: number;
  released: string[];
  /** "Label" → ms from "Label..." to the end of its line, as the output arrived */
  steps: { label: string; ms: number }[];
  firstOutputMs: number;
  /** CPU the fleet's agents and the buildouts they ran spent during the command (/proc/PID/stat) */
  hostsCpuMs: number;
  /** of it, the agent processes' own (the rest: buildouts, health commands) */
  agentsCpuMs: number;
  json: any;
}

// --- the run ---------------------------------------------------------------------------

const benchDir = mkdtempSync(join(tmpdir(), 'hostout-fleet-bench-'));
// ctl's own CPU and RSS, written at its exit: the children it starts (git, python) are not in it
const usageHook = join(benchDir, 'ctl-usage.mjs');
writeFileSync(
  usageHook,
  "import { writeFileSync } from 'node:fs';\nconst out = process.env.HOSTOUT_FLEET_BENCH_USAGE;\nif (out) process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(out, JSON.stringify({ user: u.userCPUTime, system: u.systemCPUTime, maxRss: u.maxRSS })); });\n",
);
const cleanups: (() => Promise<void> | void)[] = [];
const t = { after: (fn: () => Promise<void> | void) => void cleanups.push(fn) };
let cleaned = false;
async function cleanUp(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch((error) => log(`cleanup: ${error}`));
  // whatever still runs our bundle (nothing should): by process id, found by this run's own path
  const left = await runCommand('pgrep', ['-f', benchDir]);
  const pids = left.stdout.split('\n').map(Number).filter((pid) => pid && pid !== process.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  if (pids.length) log(`killed ${pids.length} leftover agent processes (${pids.join(' ')})`);
  rmSync(benchDir, { recursive: true, force: true });
}
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
process.once('SIGTERM', () => void cleanUp().finally(() => process.exit(143)));

const output: string[] = [];
const fleets: Fleet[] = [];
try {
  await ctl(['--help']); // the controller bundle is (re)built on the first run after an edit: not part of any figure
  log('building the agent bundle');
  const { path: program } = await buildAgentBundle(join(benchDir, 'hostout-agent.mjs'));
  // one host twice: a one-host target (ctl's single-host path, the baseline) and one host of a
  // two-host target (--hosts naming the first: the fleet path's own cost for one host; the other agent idles)
  const shapes = counts.flatMap((n) => (n === 1 ? [{ key: '1', n: 1, agents: 1, args: [] }, { key: '1 (fleet path)', n: 1, agents: 2, args: ['--hosts'] }] : [{ key: String(n), n, agents: n, args: [] }]));
  for (const shape of shapes) {
    const began = performance.now();
    const { agents, dir, env } = await startFleet(t, shape.agents, { program, concurrency: Number(values['start-concurrency']) });
    appendFileSync(join(dir, 'buildout.cfg'), `parallel = ${PARALLEL}\nbatch-size = 100%\nrelay = ${values.relay}\n`);
    // one host: named by host and agent-port, as a one-host target is written (ctl's single-host
    // path reads those two, not the host's hostout_agent_port from a one-host inventory group)
    if (shape.agents === 1) writeFileSync(join(dir, 'buildout.cfg'), readFileSync(join(dir, 'buildout.cfg'), 'utf8').replace(/^hosts-from = .*$/m, `host = 127.0.0.1\nagent-port = ${agents[0]!.port}`));
    // --hosts names the first host as ctl labels it: HOST:AGENT-PORT
    fleets.push({ key: shape.key, n: shape.n, args: shape.args.length ? [...shape.args, `127.0.0.1:${agents[0]!.port}`] : [], agents, dir, env });
    log(`${shape.agents} agents started and pinned in ${ms(performance.now() - began)}`);
  }
  for (const fleet of fleets) {
    const began = performance.now();
    const first = await measuredCtl(['deploy'], fleet);
    log(`first deploy to ${fleet.key} hosts (untimed): ${ms(performance.now() - began)}, ${formatBytes(sum(first.perHost))} received by the hosts, ${formatBytes(first.fromCtl)} of it sent by ctl`);
  }

  const noChange = new Map(fleets.map((f) => [f.key, [] as CtlRun[]]));
  for (let i = 0; i < runs; i++) {
    for (const fleet of fleets) {
      const run = await measuredCtl(['deploy'], fleet);
      if (sum(run.perHost) !== 0 || run.released.length) throw new Error(`the no-change deploy to ${fleet.n} hosts sent ${sum(run.perHost)} bytes, released ${run.released.join(', ') || 'nothing'}: not a no-change deploy`);
      noChange.get(fleet.key)!.push(run);
      log(`no-change deploy ${i + 1} of ${runs} to ${fleet.key} hosts: ${ms(run.wallMs)}`);
    }
  }

  let profileLines: string[] = [];
  if (values.profile) {
    const fleet = fleets.at(-1)!;
    log(`profiling a no-change deploy to ${fleet.n} hosts`);
    profileLines = await profileNoChange(fleet);
  }

  const oneEgg = new Map(fleets.map((f) => [f.key, [] as CtlRun[]]));
  const rollback = new Map(fleets.map((f) => [f.key, [] as CtlRun[]]));
  for (let i = 0; i < runs; i++) {
    for (const fleet of fleets) {
      appendFileSync(join(fleet.dir, 'src/acme.web/acme/web/server.py'), `\n# fleet bench change ${i + 1}\n`);
      const deployed = await measuredCtl(['deploy'], fleet);
      if (!deployed.released.some((r) => r.startsWith('acme.web ')) || deployed.perHost.some((b) => b === 0)) {
        throw new Error(`the one-egg deploy to ${fleet.n} hosts released ${deployed.released.join(', ') || 'nothing'} and sent ${deployed.perHost.join(', ')} bytes: not a one-egg deploy`);
      }
      oneEgg.get(fleet.key)!.push(deployed);
      const rolledBack = await measuredCtl(['rollback'], fleet);
      rollback.get(fleet.key)!.push(rolledBack);
      log(`round ${i + 1} of ${runs} on ${fleet.key} hosts: one-egg deploy ${ms(deployed.wallMs)}, rollback ${ms(rolledBack.wallMs)}`);
    }
  }

  output.push(
    `${fleets.map((f) => f.agents.length).join(', ')} agents on 127.0.0.1 (the bundled hostout-agent), one set per row below; target: parallel = ${PARALLEL}, batch-size = 100%, canary = 0 (every host at once), relay = ${values.relay}`,
    `1: a target with one host (ctl's single-host path), the baseline of every ratio; "1 (fleet path)": one host of a two-host target (--hosts its first); more: the fleet path`,
    `medians of ${runs}, each figure its own median; (×) = ratio to the one-host target`,
    `CPU: user+sys of ctl and the children it waited for (${HAVE_TIME ? '/usr/bin/time' : 'no /usr/bin/time here: ctl alone'}); "ctl alone": the ctl process only; peak RSS: ${HAVE_TIME ? '/usr/bin/time %M' : "ctl's own max RSS"}`,
    '',
    ...table('no-change deploy', noChange, 2),
    '',
    ...table('one-egg deploy (acme.web changed)', oneEgg, 3),
    '',
    ...table('rollback', rollback),
  );
  const goal = (label: string, of: Map<string, CtlRun[]>, limit: number) => {
    const fifty = of.get('50');
    if (!fifty) return `${label} to 50 hosts: not measured (--hosts has no 50)`;
    const wall = (key: string) => median(of.get(key)!.map((x) => x.wallMs));
    return `${label} wall, 50 hosts / 1 host: ${(wall('50') / wall('1')).toFixed(2)}× (goal ≤ ${limit}×); / 1 host through the fleet path: ${(wall('50') / wall('1 (fleet path)')).toFixed(2)}×`;
  };
  // what the machine allows: every CPU second of ctl and the hosts, spread over its cores
  const floor = (label: string, of: Map<string, CtlRun[]>) => {
    const fifty = of.get('50');
    if (!fifty) return `${label} to 50 hosts: not measured`;
    const wall = median(fifty.map((r) => r.wallMs));
    const cpu = median(fifty.map((r) => r.hostsCpuMs + r.cpuMs));
    return `${label} to 50 hosts: ctl and the hosts spent ${(cpu / 1000).toFixed(1)} s of CPU (hosts ${(median(fifty.map((r) => r.hostsCpuMs)) / 1000).toFixed(1)} s, of it the agent processes ${(median(fifty.map((r) => r.agentsCpuMs)) / 1000).toFixed(1)} s), at least ${ms(cpu / CORES)} of wall on ${CORES} cores; the wall ${ms(wall)} is ${(wall / (cpu / CORES)).toFixed(2)}× that floor`;
  };
  output.push('', goal('no-change deploy', noChange, 2), goal('one-egg deploy', oneEgg, 3), floor('no-change deploy', noChange), floor('one-egg deploy', oneEgg));
  if (profileLines.length) output.push('', ...profileLines);
} finally {
  await cleanUp();
}
console.log(output.join('\n'));

// --- measuring ---------------------------------------------------------------------------

/** `ctl ARGS --json` in the fleet's buildout, under /usr/bin/time, its output timestamped as it arrives. */
async function measuredCtl(args: readonly string[], fleet: Fleet, nodeArgs: readonly string[] = []): Promise<CtlRun> {
  const id = createHash('sha256').update(`${Math.random()}`).digest('hex').slice(0, 8);
  const timeFile = join(benchDir, `time-${id}`);
  const usageFile = join(benchDir, `usage-${id}.json`);
  const node = [process.execPath, '--import', usageHook, ...nodeArgs, CTL, ...args, ...fleet.args, '--json'];
  const [command, ...commandArgs] = HAVE_TIME ? ['/usr/bin/time', '-f', '%e %U %S %M', '-o', timeFile, ...node] : node;
  const hostsCpuBefore = hostsCpuMs(fleet);
  try {
    const run = await runTimestamped(command!, commandArgs, { cwd: fleet.dir, env: { ...fleet.env, HOSTOUT_FLEET_BENCH_USAGE: usageFile } });
    const hostsCpuAfter = hostsCpuMs(fleet);
    if (run.code !== 0) throw new Error(`ctl ${args.join(' ')} to ${fleet.key} hosts failed (${run.code}):\n${run.progress}${run.json}`);
    const self = JSON.parse(readFileSync(usageFile, 'utf8')) as { user: number; system: number; maxRss: number };
    const selfCpuMs = (self.user + self.system) / 1000;
    let cpuMs = selfCpuMs;
    let peakRssKb = self.maxRss;
    if (HAVE_TIME) {
      // the last line: a failed command's line "Command exited with non-zero status" comes first
      const [, user, system, rss] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
      cpuMs = (user! + system!) * 1000;
      peakRssKb = rss!;
    }
    const report = JSON.parse(run.json);
    // fleet: { hosts: [{ bytesSent, bytesRelayed }] }; one host: { bytesSent }; rollbacks send nothing
    const hosts: { bytesSent?: number; bytesRelayed?: number }[] = Array.isArray(report.hosts) ? report.hosts : [report];
    const perHost = hosts.map((h) => (h.bytesSent ?? 0) + (h.bytesRelayed ?? 0));
    const fromCtl = sum(hosts.map((h) => h.bytesSent ?? 0));
    const steps: CtlRun['steps'] = [];
    for (const match of run.progress.matchAll(/^([A-Z][^\n]*?)\.\.\.[^\n]*\n/gm)) {
      const begun = match.index! + match[1]!.length + 2; // the last dot of "Label..."
      const ended = match.index! + match[0].length - 1; // its newline
      steps.push({ label: match[1]!, ms: run.timeAt(ended) - run.timeAt(begun) });
    }
    return {
      wallMs: run.wallMs,
      cpuMs,
      selfCpuMs,
      peakRssKb,
      perHost,
      fromCtl,
      released: report.released ?? [],
      steps,
      firstOutputMs: run.firstOutputMs,
      hostsCpuMs: hostsCpuAfter.all - hostsCpuBefore.all,
      agentsCpuMs: hostsCpuAfter.agents - hostsCpuBefore.agents,
      json: report,
    };
  } finally {
    rmSync(timeFile, { force: true });
    rmSync(usageFile, { force: true });
  }
}

/**
 * user + sys of the fleet's agent processes and of the children they waited for (buildout,
 * health commands), from /proc/PID/stat: what the hosts spent, on this machine's cores.
 */
function hostsCpuMs(fleet: Fleet): { all: number; agents: number } {
  const perAgent = fleet.agents.map((agent) => {
    try {
      const fields = readFileSync(`/proc/${agent.process().pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // after "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17
      const ticks = fields.slice(11, 15).map(Number);
      return { all: sum(ticks) * (1000 / CLOCK_TICKS), agents: (ticks[0]! + ticks[1]!) * (1000 / CLOCK_TICKS) };
    } catch {
      return { all: 0, agents: 0 };
    }
  });
  return { all: sum(perAgent.map((a) => a.all)), agents: sum(perAgent.map((a) => a.agents)) };
}

function sum(of: readonly number[]): number {
  return of.reduce((s, n) => s + n, 0);
}

// --- printing ----------------------------------------------------------------------------

/** One table per kind of deploy: a row per host count, each figure with its ratio to one host. */
function table(title: string, samples: Map<string, CtlRun[]>, wallGoal?: number): string[] {
  const figures = (runsOf: CtlRun[]) => ({
    wall: median(runsOf.map((r) => r.wallMs)),
    cpu: median(runsOf.map((r) => r.cpuMs)),
    self: median(runsOf.map((r) => r.selfCpuMs)),
    perHost: median(runsOf.map((r) => sum(r.perHost) / r.perHost.length)),
    total: median(runsOf.map((r) => sum(r.perHost))),
    fromCtl: median(runsOf.map((r) => r.fromCtl)),
    rss: median(runsOf.map((r) => r.peakRssKb)),
  });
  const one = figures(samples.get('1')!);
  const times = (value: number, base: number) => (base > 0 ? ` (${(value / base).toFixed(2)}×)` : '');
  const seconds = (n: number) => `${(n / 1000).toFixed(2)} s`;
  const rows = fleets.map(({ key }) => {
    const f = figures(samples.get(key)!);
    const goal = wallGoal !== undefined && key === '50' ? ` goal ≤ ${wallGoal}×` : '';
    return [
      key,
      `${ms(f.wall)}${times(f.wall, one.wall)}${goal}`,
      `${seconds(f.cpu)}${times(f.cpu, one.cpu)}`,
      `${seconds(f.self)}${times(f.self, one.self)}`,
      `${formatBytes(Math.round(f.perHost))}${times(f.perHost, one.perHost)}`,
      `${formatBytes(f.total)}${times(f.total, one.total)}`,
      `${formatBytes(f.fromCtl)}${times(f.fromCtl, one.fromCtl)}`,
      `${(f.rss / 1024).toFixed(1)} MiB${times(f.rss, one.rss)}`,
    ];
  });
  const tableLines = textTable(['HOSTS', 'WALL', 'CTL CPU', 'CTL ALONE', 'RECEIVED PER HOST', 'RECEIVED IN ALL', 'SENT BY CTL', 'PEAK CTL RSS'], rows).trimEnd().split('\n');
  // the steps of the median run (by wall time) of each host count, as ctl's output arrived
  const width = Math.max(...fleets.map((f) => f.key.length));
  const stepLines = fleets.map(({ key }) => {
    const of = samples.get(key)!;
    const mid = [...of].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(of.length / 2)]!;
    const steps = mid.steps.map((s) => `${s.label.replace(/ to \d+ hosts| on \d+ hosts/, '')} ${ms(s.ms)}`).join(' · ');
    return `    ${key.padEnd(width)}: start-up to first line ${ms(mid.firstOutputMs)} · ${steps || '(no steps)'}`;
  });
  return [`${title}, median of ${runs}:`, ...tableLines.map((l) => `  ${l}`), `  steps (the median run, from its "Label..." to the end of that line):`, ...stepLines];
}

// --- profile -----------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

/** One no-change deploy under node --cpu-prof; its top self-time functions, mapped to the sources. */
async function profileNoChange(fleet: Fleet): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-fleetprof-')); // kept: open it in Chrome's DevTools
  const run = await measuredCtl(['deploy'], fleet, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return [`profile: node wrote no .cpuprofile in ${dir}`];
  return analyseProfile(join(dir, file), `a no-change deploy to ${fleet.n} hosts under node --cpu-prof (wall ${ms(run.wallMs)}, ctl CPU ${(run.selfCpuMs / 1000).toFixed(2)} s)`);
}

/**
 * Self time by function, by source file, and by the nearest Hostout function on the stack
 * (controller/, shared/): which of Hostout's own calls led to the time spent in node, gRPC or
 * OpenSSL. Work started from the event loop (a TLS handshake's callbacks) has no Hostout frame.
 */
async function analyseProfile(file: string, what: string): Promise<string[]> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };
  // self time: each sample's interval (to the next sample) goes to the function it hit
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const locate = await sourceLocator();
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const whereOf = new Map<number, { name: string; where: string }>();
  const described = (node: ProfileNode) => {
    let known = whereOf.get(node.id);
    if (!known) {
      const { functionName, url, lineNumber, columnNumber } = node.callFrame;
      known = { name: functionName || (url ? '(anonymous)' : ''), where: locate(url, lineNumber, columnNumber) };
      whereOf.set(node.id, known);
    }
    return known;
  };
  const hostoutFrame = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const { name, where } = described(nodes.get(at)!);
      if (/^(controller|shared)\//.test(where)) return `${name}  ${where}`;
    }
    return '(no Hostout frame: started by the event loop, node or gRPC)';
  };
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  const byFile = new Map<string, number>();
  const byHostout = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    const { name, where } = described(node);
    const key = `${name}\0${where}`;
    const entry = byFunction.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    const fileOf = where.replace(/:\d+(:\d+)?$/, '') || name;
    byFile.set(fileOf, (byFile.get(fileOf) ?? 0) + us);
    const caller = name.startsWith('(') && !where ? name : hostoutFrame(node.id); // (idle), (program), (garbage collector)
    byHostout.set(caller, (byHostout.get(caller) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1)}%`.padStart(6);
  const msOf = (us: number) => `${(us / 1000).toFixed(0)} ms`.padStart(8);
  const top = [...byFunction.values()].sort((a, b) => b.us - a.us).slice(0, 15);
  const topOf = (of: Map<string, number>, count: number) => [...of.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
  const idle = byHostout.get('(idle)') ?? 0;
  return [
    `profile: ${what}; profiled ${ms(totalUs / 1000)}, of it idle (waiting for agents) ${ms(idle / 1000)} = ${pct(idle).trim()}; ${file}`,
    `  top 15 functions by self time:`,
    ...top.map((f) => `  ${msOf(f.us)} ${pct(f.us)}  ${f.name}  ${f.where}`),
    `  self time by source file:`,
    ...topOf(byFile, 12).map(([where, us]) => `  ${msOf(us)} ${pct(us)}  ${where}`),
    `  self time by the nearest Hostout function on the stack:`,
    ...topOf(byHostout, 15).map(([caller, us]) => `  ${msOf(us)} ${pct(us)}  ${caller}`),
  ];
}

/**
 * Maps a position in ctl's bundle (controller/.bundle-*) to the TypeScript source. The bundle
 * has no source maps: it is built again here with bin/source-bundle.js's options (CONTROLLER_BUNDLE_OPTIONS) and source
 * maps on, and a chunk is mapped only when its text is the same as the bundle's that ran
 * (but for the names of the chunks it imports).
 */
async function sourceLocator(): Promise<(url: string, line: number, column: number) => string> {
  const out = mkdtempSync(join(tmpdir(), 'hostout-fleetprof-bundle-'));
  const maps = new Map<string, SourceMap>();
  try {
    const { build } = await import('esbuild');
    // as bin/source-bundle.js makes it, with source maps
    await build({ ...CONTROLLER_BUNDLE_OPTIONS, entryPoints: [join(REPO_ROOT, 'controller/cli/main.ts')], outdir: out, sourcemap: 'external', sourcesContent: false });
    for (const name of readdirSync(out).filter((f) => f.endsWith('.js'))) {
      const payload = JSON.parse(readFileSync(join(out, `${name}.map`), 'utf8'));
      payload.sources = payload.sources.map((s: string) => relative(REPO_ROOT, resolve(out, s)));
      maps.set(hashOf(readFileSync(join(out, name), 'utf8')), new SourceMap(payload));
    }
  } catch (error) {
    log(`no source maps for the profile: ${error}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const byUrl = new Map<string, SourceMap | undefined>();
  return (url, line, column) => {
    if (!url) return '';
    if (!url.startsWith('file://')) return `${url}:${line + 1}`;
    const path = fileURLToPath(url);
    if (!byUrl.has(url)) byUrl.set(url, existsSync(path) ? maps.get(hashOf(readFileSync(path, 'utf8'))) : undefined);
    const entry = byUrl.get(url)?.findEntry(line, column) as { originalSource?: string; originalLine?: number } | undefined;
    if (entry?.originalSource) return `${entry.originalSource}:${entry.originalLine! + 1}`;
    return `${relative(REPO_ROOT, path)}:${line + 1}:${column + 1}`;
  };
}

/** A chunk's text, hashed with the names of the chunks it imports left out (their hashes differ between the two builds; their length does not). */
function hashOf(text: string): string {
  return createHash('sha256').update(text.replace(/-[A-Z0-9]{8}\.js\b/g, '-*.js')).digest('hex');
}
