import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT, ctl, runCommand } from './ctl.ts';
import { copyExampleBuildout, removeDir } from './example-buildout.ts';
import { freePort, httpGet } from './ports.ts';

/** A real hostout-agent process on 127.0.0.1, its state in a temp dir, paired with a controller key. */
export interface LocalAgent {
  path: string;
  port: number;
  fingerprint: string;
  /** HOSTOUT_CONFIG_DIR of the controller paired with it */
  configDir: string;
  process(): ChildProcess;
  log(): string;
  start(env?: NodeJS.ProcessEnv): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface LocalAgentOptions {
  env?: NodeJS.ProcessEnv;
  /** the agent program to run (default: bin/hostout-agent.js, the sources through tsx); benchmarks pass the bundle hosts run */
  program?: string;
  /** the controller whose key the agent authorizes (default: a new one of its own); agents started with one configDir form a fleet one ctl drives */
  configDir?: string;
  /** more `hostout-agent init` arguments, e.g. ['--python', PYTHON] */
  initArgs?: string[];
  /** runs on the agent's (not yet created) path before init, e.g. to mount a tmpfs there */
  beforeInit?: (path: string) => Promise<void> | void;
}

export async function startLocalAgent(options: LocalAgentOptions = {}): Promise<LocalAgent> {
  const root = mkdtempSync(join(tmpdir(), 'hostout-agent-'));
  const configDir = options.configDir ?? join(root, 'controller-config');
  const path = join(root, 'srv');
  const port = await freePort();
  const pub = await ctl(['keys', 'show'], { env: { HOSTOUT_CONFIG_DIR: configDir } });
  if (pub.code !== 0) throw new Error(`ctl keys show failed: ${pub.stderr}`);
  await options.beforeInit?.(path);
  const program = options.program ?? AGENT;
  const init = await runCommand(process.execPath, [program, 'init', '--path', path, '--listen', `127.0.0.1:${port}`, '--authorize', pub.stdout.trim(), ...(options.initArgs ?? []), '--json']);
  if (init.code !== 0) throw new Error(`hostout-agent init failed: ${init.stderr}`);
  const { fingerprint } = JSON.parse(init.stdout);
  let child: ChildProcess | undefined;
  let log = '';
  const agent: LocalAgent = {
    path,
    port,
    fingerprint,
    configDir,
    process: () => child!,
    log: () => log,
    async start(env = options.env) {
      const from = log.length;
      child = spawn(process.execPath, [program, 'serve', '--path', path], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d) => (log += d));
      child.stderr!.on('data', (d) => (log += d));
      const until = Date.now() + 60_000; // generous: tsx compiles the agent on a loaded machine
      while (!log.slice(from).includes('listening on')) {
        if (child.exitCode !== null || Date.now() > until) throw new Error(`agent did not start:\n${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill(signal = 'SIGKILL') {
      if (!child || child.exitCode !== null || child.signalCode) return;
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
  await agent.start();
  return agent;
}

/** The example buildout, its target paired with `agent` and its service on a free port. */
export async function exampleBuildoutFor(agent: LocalAgent, buildoutPrefix?: string): Promise<{ dir: string; appPort: number; url: string }> {
  const dir = copyExampleBuildout(buildoutPrefix);
  const appPort = await freePort();
  writeFileSync(join(dir, 'base.cfg'), readFileSync(join(dir, 'base.cfg'), 'utf8').replace('port = 8080', `port = ${appPort}`));
  const buildout = readFileSync(join(dir, 'buildout.cfg'), 'utf8').replace('path = /srv/acme', `path = ${agent.path}`);
  writeFileSync(join(dir, 'buildout.cfg'), buildout);
  appendFileSync(join(dir, 'buildout.cfg'), `agent-port = ${agent.port}\nagent-fingerprint = ${agent.fingerprint}\nhealth-timeout = 10\n`);
  return { dir, appPort, url: `http://127.0.0.1:${appPort}/` };
}

export async function stopAgentAndApp(agent: LocalAgent): Promise<void> {
  await agent.kill('SIGKILL');
  // the application outlives the agent by design: stop it through its own control script,
  // then make sure nothing started from this agent's releases is left running
  await runCommand('/bin/sh', ['-c', `cd ${agent.path}/current 2>/dev/null && bin/acme-ctl stop`]);
  await runCommand('pkill', ['-f', `${agent.path}/releases/`]);
  removeDir(join(agent.path, '..'));
}

/** What the site answers now: the acme.web version in its page, or the error. */
export async function servedVersion(url: string): Promise<string> {
  const page = await httpGet(url);
  if (!('status' in page)) return `down (${page.error})`;
  return /acme\.web ([^,]+),/.exec(page.body)?.[1] ?? `status ${page.status}`;
}

/**
 * A paired agent and the example buildout targeting it, both removed (agent
 * and site stopped) when the test ends: the start of most deploy tests.
 */
export async function deployableSite(t: { after(fn: () => Promise<void> | void): void }, options: LocalAgentOptions & { buildoutPrefix?: string } = {}) {
  const agent = await startLocalAgent(options);
  const site = await exampleBuildoutFor(agent, options.buildoutPrefix);
  t.after(async () => {
    await stopAgentAndApp(agent);
    removeDir(site.dir);
  });
  return { agent, site, env: { HOSTOUT_CONFIG_DIR: agent.configDir } };
}
