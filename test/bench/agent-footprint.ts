/**
 * The agent as a host runs it (the bundled file, bin/hostout-agent's production
 * form): time from spawn to its "listening on" line and its resident memory once
 * idle, beside a bare `node -e` and the libraries the agent runs on, alone
 * (agent-floor-entry.ts), measured the same way in the same run.
 *
 *   node --import tsx test/bench/agent-footprint.ts
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAgentBundle } from '../../controller/bootstrap/agent-bundle.ts';
import { ctl, runCommand } from '../support/ctl.ts';
import { freePort } from '../support/ports.ts';

export interface Footprint {
  startMs: number;
  idleRssMb: number;
}

/** Spawns `args`, times it to the first output line containing `marker`, reads its RSS after `idleMs`, kills it. */
async function measureProcess(args: readonly string[], marker: string, idleMs: number): Promise<Footprint> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const startMs = await new Promise<number>((resolve, reject) => {
    const look = (data: Buffer) => {
      output += data;
      if (output.includes(marker)) resolve(performance.now() - started);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', () => reject(new Error(`exited before "${marker}":\n${output}`)));
    setTimeout(() => reject(new Error(`no "${marker}" within 30 s:\n${output}`)), 30_000).unref();
  });
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return { startMs, idleRssMb: rssKb / 1024 };
}

/** The libraries alone (agent-floor-entry.ts), bundled as the agent is. */
async function buildFloorBundle(outfile: string): Promise<string> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(new URL('./agent-floor-entry.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    minifyWhitespace: true,
    minifySyntax: true,
    external: ['@grpc/proto-loader'],
    banner: { js: "import { createRequire as __floorCreateRequire } from 'node:module';\nconst require = __floorCreateRequire(import.meta.url);" },
  });
  return outfile;
}

/** Median of `runs` for the agent bundle, for its libraries alone and for a bare node process that prints and idles. */
export async function measureAgentFootprint(runs = 3, idleMs = 3000): Promise<{ agent: Footprint; libraries: Footprint; bareNode: Footprint; bundleBytes: number }> {
  const root = mkdtempSync(join(tmpdir(), 'hostout-agent-footprint-'));
  try {
    const bundle = await buildAgentBundle(join(root, 'hostout-agent.mjs'));
    const floor = await buildFloorBundle(join(root, 'libraries-only.mjs'));
    const key = await ctl(['keys', 'show'], { env: { HOSTOUT_CONFIG_DIR: join(root, 'controller') } });
    const path = join(root, 'srv');
    const init = await runCommand(process.execPath, [bundle.path, 'init', '--path', path, '--listen', `127.0.0.1:${await freePort()}`, '--authorize', key.stdout.trim(), '--json']);
    if (init.code !== 0) throw new Error(`hostout-agent init failed: ${init.stderr}`);
    const agent: Footprint[] = [];
    const bareNode: Footprint[] = [];
    const libraries: Footprint[] = [];
    for (let i = 0; i < runs; i++) {
      bareNode.push(await measureProcess(['-e', "console.log('listening on'); setInterval(() => {}, 60_000)"], 'listening on', idleMs));
      libraries.push(await measureProcess([floor], 'listening on', idleMs));
      agent.push(await measureProcess([bundle.path, 'serve', '--path', path], 'listening on', idleMs));
    }
    return { agent: medianFootprint(agent), libraries: medianFootprint(libraries), bareNode: medianFootprint(bareNode), bundleBytes: readFileSync(bundle.path).length };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function medianFootprint(samples: readonly Footprint[]): Footprint {
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { startMs: median(samples.map((s) => s.startMs)), idleRssMb: median(samples.map((s) => s.idleRssMb)) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { agent, libraries, bareNode, bundleBytes } = await measureAgentFootprint();
  console.log(`agent bundle ${(bundleBytes / 1e6).toFixed(1)} MB: idle RSS ${agent.idleRssMb.toFixed(1)} MB (its libraries alone ${libraries.idleRssMb.toFixed(1)} MB, bare node ${bareNode.idleRssMb.toFixed(1)} MB; goal 50 MB), start to listening ${agent.startMs.toFixed(0)} ms (bare node -e ${bareNode.startMs.toFixed(0)} ms, ratio ${(agent.startMs / bareNode.startMs).toFixed(2)})`);
}
