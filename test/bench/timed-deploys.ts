/**
 * What the deploy benches share: ctl run with its output timestamped as it arrives (each
 * "Label...done" line gets a duration, the figures come from --json), and the outage seen
 * by an HTTP prober. Prints nothing, asserts nothing.
 */
import { spawn } from 'node:child_process';
import { CTL } from '../support/ctl.ts';

export const median = (samples: readonly number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
export const ms = (n: number) => `${n.toFixed(0)} ms`;
export const ratio = (value: number, baseline: number, goal?: number) => `${(value / baseline).toFixed(2)}×${goal === undefined ? '' : ` (goal ≤ ${goal})`}`;

export interface TimedRun {
  ms: number;
  stdout: string;
  files: number;
  bytes: number;
  /** "Label" → ms from its "Label..." to its "done", as the output arrived */
  phases: { label: string; ms: number }[];
  /** ms from spawn to the first output */
  firstOutputMs: number;
}

/** A command's run as its output arrived: stderr (ctl's progress) with the time each piece came, stdout whole. */
export interface TimestampedRun {
  code: number | null;
  wallMs: number;
  /** stderr: with --json, ctl's progress lines */
  progress: string;
  /** stdout: with --json, ctl's figures */
  json: string;
  /** ms from the start to the arrival of the piece of `progress` that holds `offset` */
  timeAt(offset: number): number;
  /** ms from the start to the first output */
  firstOutputMs: number;
}

/** Runs `command`, timestamping its stderr as it arrives, so each "Label...done" line of ctl's has a duration. */
export function runTimestamped(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<TimestampedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let progress = '';
    let json = '';
    const arrivals: { offset: number; at: number }[] = [];
    child.stderr.on('data', (data) => {
      arrivals.push({ offset: progress.length, at: performance.now() - started });
      progress += data;
    });
    child.stdout.on('data', (data) => (json += data));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const timeAt = (offset: number) => [...arrivals].reverse().find((a) => a.offset <= offset)?.at ?? 0;
      resolve({ code, wallMs, progress, json, timeAt, firstOutputMs: arrivals[0]?.at ?? wallMs });
    });
  });
}

/** Runs ctl, timestamping its output as it arrives, so each "Label...done" line has a duration. */
export async function timedCtl(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TimedRun> {
  // --json: the progress lines come on stderr as they happen, the figures (bytes sent) as JSON on stdout
  const run = await runTimestamped(process.execPath, [CTL, ...args, '--json'], { cwd, env });
  if (run.code !== 0) throw new Error(`ctl ${args.join(' ')} failed (${run.code}):\n${run.progress}${run.json}`);
  const phases: TimedRun['phases'] = [];
  for (const match of run.progress.matchAll(/([A-Z][^\n]*?)\.\.\.(done|FAILED)/g)) {
    const doneAt = match.index! + match[1]!.length + 3;
    phases.push({ label: match[1]!, ms: run.timeAt(doneAt) - run.timeAt(doneAt - 1) });
  }
  const figures = JSON.parse(run.json) as { filesSent?: number; bytesSent?: number };
  return { ms: run.wallMs, stdout: run.progress, files: figures.filesSent ?? 0, bytes: figures.bytesSent ?? 0, phases, firstOutputMs: run.firstOutputMs };
}

/** Probes `url` every `everyMs` while `work` runs; the longest run of failed probes is the outage. */
export interface FailedProbe {
  /** milliseconds since the measure began */
  atMs: number;
  /** when, by the clock (ISO), to set beside the agent's journal */
  time: string;
  /** the HTTP status, or the error the fetch ended with */
  reason: string;
}

/** Probes `url` every `everyMs` while `work` runs. Each failed probe is kept with its time
 * and cause, so a test that sees one can say which moment of the deploy it fell in. */
export async function measureOutage<T>(url: string, work: () => Promise<T>, everyMs = 5): Promise<{ result: T; outageMs: number; probes: number; failed: number; failures: FailedProbe[] }> {
  let running = true;
  let longest = 0;
  let downSince: number | undefined;
  let probes = 0;
  let failed = 0;
  const failures: FailedProbe[] = [];
  const began = performance.now();
  const deadline = Date.now() + 300_000;
  const probe = (): Promise<string | undefined> =>
    fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      async (r) => { await r.arrayBuffer(); return r.ok ? undefined : `HTTP ${r.status}`; },
      (e: Error) => `${e.name}: ${(e.cause as Error | undefined)?.message ?? e.message}`,
    );
  const prober = (async () => {
    while (running && Date.now() < deadline && probes < 200_000) {
      const at = performance.now();
      const failure = await probe();
      probes++;
      if (failure !== undefined) {
        failed++;
        if (failures.length < 100) failures.push({ atMs: Math.round(at - began), time: new Date(Date.now() - (performance.now() - at)).toISOString(), reason: failure });
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
  return { result, outageMs: longest, probes, failed, failures };
}

/** "3 of 330 probes failed: at 1203 ms HTTP 503, ..." for an assertion's message. */
export function failedProbesText(outage: { probes: number; failed: number; failures: FailedProbe[] }): string {
  const first = outage.failures.slice(0, 10).map((f) => `at ${f.atMs} ms (${f.time}) ${f.reason}`).join(', ');
  return `${outage.failed} of ${outage.probes} probes failed${first ? `: ${first}` : ''}`;
}
