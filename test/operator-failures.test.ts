/**
 * What an operator runs into when something outside Hostout goes wrong (issue 9, items 5-8),
 * each with real processes: a real agent, real signals, a real full disk, a real busy port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { AGENT, CTL, ctl, runCommand } from './support/ctl.ts';
import { waitFor } from './support/processes.ts';
import { deployableSite, servedVersion, startLocalAgent, stopAgentAndApp } from './support/local-agent.ts';
import { copyExampleBuildout, removeDir } from './support/example-buildout.ts';

const HANGING_STOP = 'sleep 987';

function setStop(siteDir: string, stop: string): void {
  const file = join(siteDir, 'buildout.cfg');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^stop = .*$/m, `stop = ${stop}`));
}

function changeWebEgg(siteDir: string, why: string): void {
  appendFileSync(join(siteDir, 'src/acme.web/acme/web/server.py'), `\n# ${why}\n`);
}

/** The operator's way of stopping the site by hand: the application's own control script. */
async function stopSiteByHand(agentPath: string): Promise<void> {
  const stopped = await runCommand('/bin/sh', ['-c', `cd ${agentPath}/current && bin/acme-ctl stop`]);
  assert.equal(stopped.code, 0, stopped.stderr);
}

async function hostStatus(agentPath: string) {
  const status = await runCommand(process.execPath, [AGENT, 'status', '--path', agentPath, '--json']);
  assert.equal(status.code, 0, status.stderr);
  return JSON.parse(status.stdout);
}

test('a stop command that hangs: killed at stop-timeout, the host unchanged; a fixed config deploys; --skip-stop for deploy and both rollbacks', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  setStop(site.dir, HANGING_STOP);
  appendFileSync(join(site.dir, 'buildout.cfg'), 'stop-timeout = 2\n');
  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.equal(await servedVersion(site.url), '1.0');

  changeWebEgg(site.dir, 'version 0.2');
  const hung = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(hung.code, 6, hung.stdout + hung.stderr);
  assert.match(hung.stdout, new RegExp(`Stopping remote services\\.\\.\\.FAILED`));
  assert.match(hung.stderr, /deploy of version 0.2 stopped before the switch: stopping version 0.1: stop command failed: `sleep 987` did not finish within 2 s and was killed \(with its process group\)/);
  assert.match(hung.stderr, /that stop command came from the config being deployed \(version 0.2, [^:]+: target options stop, service-names, stop-timeout\)/);
  assert.match(hung.stderr, /version 0.1 is still current; the staged release was dropped/);
  assert.match(hung.stderr, /hint: .*raise stop-timeout.*ctl deploy --skip-stop/);
  assert.equal(await servedVersion(site.url), '1.0', 'version 0.1 still serves');
  const afterHang = await hostStatus(agent.path);
  assert.equal(afterHang.currentVersion, '0.1');
  assert.equal(afterHang.lock, undefined, 'the lock is free again');
  assert.equal((await runCommand('pgrep', ['-f', `^${HANGING_STOP}$`])).code, 1, 'the hanging stop command was killed');

  // the operator stops the site by hand and deploys past the broken stop command
  await stopSiteByHand(agent.path);
  const skipped = await ctl(['deploy', '--skip-stop'], { cwd: site.dir, env });
  assert.equal(skipped.code, 0, skipped.stdout + skipped.stderr);
  assert.match(skipped.stdout, /not stopping version 0.1: --skip-stop \(the services were stopped by hand\)/);
  assert.match(skipped.stdout, /Deployment complete at version 0.2\n$/);
  assert.equal(await servedVersion(site.url), '1.0.post1');

  // version 0.2 runs with the hanging stop command; a fixed buildout.cfg deploys, since its own stop command runs
  setStop(site.dir, 'bin/acme-ctl stop');
  changeWebEgg(site.dir, 'version 0.3');
  const fixed = await ctl(['deploy', '-v'], { cwd: site.dir, env });
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.match(fixed.stdout, /\$ bin\/acme-ctl stop/, 'the stop command of the config being deployed ran');
  assert.match(fixed.stdout, /Deployment complete at version 0.3\n$/);
  assert.equal(await servedVersion(site.url), '1.0.post2');

  // roll back to version 0.2, then away from it: its own (hanging) stop command runs, and names where it came from
  assert.equal((await ctl(['rollback'], { cwd: site.dir, env })).code, 0);
  assert.equal(await servedVersion(site.url), '1.0.post1');
  const stuck = await ctl(['rollback', '--to', '0.3'], { cwd: site.dir, env });
  assert.equal(stuck.code, 1, stuck.stdout + stuck.stderr);
  assert.match(stuck.stderr, /stopping version 0.2: stop command failed: `sleep 987` did not finish within 2 s.*\n.*that stop command came from the manifest version 0.2 \([^)]+\) was deployed with/);
  assert.equal(await servedVersion(site.url), '1.0.post1', 'version 0.2 still serves');

  await stopSiteByHand(agent.path);
  const controllerRollback = await ctl(['rollback', '--to', '0.3', '--skip-stop'], { cwd: site.dir, env });
  assert.equal(controllerRollback.code, 0, controllerRollback.stdout + controllerRollback.stderr);
  assert.match(controllerRollback.stdout, /Rolled back to version 0.3/);
  assert.equal(await servedVersion(site.url), '1.0.post2');

  // on the host, without the controller: back to version 0.2, whose stop hangs, then forward past it by hand
  assert.equal((await runCommand(process.execPath, [AGENT, 'rollback', '--path', agent.path, '--to', '0.2'])).code, 0);
  await stopSiteByHand(agent.path);
  const hostRollback = await runCommand(process.execPath, [AGENT, 'rollback', '--path', agent.path, '--to', '0.3', '--skip-stop']);
  assert.equal(hostRollback.code, 0, hostRollback.stdout + hostRollback.stderr);
  assert.match(hostRollback.stdout, /not stopping version 0.2: --skip-stop/);
  assert.equal(await servedVersion(site.url), '1.0.post2');
});

const agentCommand = (args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}) => runCommand(process.execPath, [AGENT, ...args], { ...options, timeoutMs: 60_000 });

test('a --path the agent cannot use: not writable (EACCES), under a file (ENOTDIR), under /proc: a clear message and its exit code, at once', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hostout-paths-'));
  t.after(() => removeDir(root));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'locked'), { mode: 0o700 });
  writeFileSync(join(root, 'file'), 'a regular file\n');

  // root may write anywhere, so the unwritable case runs as nobody
  const denied = await runCommand('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, AGENT, 'init', '--path', join(root, 'locked/srv')], { env: { HOME: root }, timeoutMs: 60_000 });
  assert.equal(denied.code, 77, denied.stderr);
  assert.match(denied.stderr, new RegExp(`^error: cannot access ${root}/locked/srv: permission denied \\(EACCES\\)\n  hint: the user running this \\(uid 65534\\) may not write there: check the owner and mode of ${root}/locked`));

  const underFile = await agentCommand(['init', '--path', join(root, 'file/srv')]);
  assert.equal(underFile.code, 73, underFile.stderr);
  assert.match(underFile.stderr, new RegExp(`^error: cannot create directory ${root}/file/srv: a part of the path is a file, not a directory \\(ENOTDIR\\)\n  hint: some parent of`));

  const proc = await agentCommand(['init', '--path', '/proc/hostout-x']);
  assert.equal(proc.code, 73, proc.stderr);
  assert.match(proc.stderr, /^error: cannot create directory \/proc\/hostout-x: no such file or directory \(ENOENT\)\n  hint: \/proc is missing, or cannot hold new files and directories/);
  for (const result of [denied, underFile, proc]) assert.doesNotMatch(result.stderr, /internal error|    at /);
});

test('the agent\'s port already in use: serve says so, names the address and what to do, exit 69', async (t) => {
  const agent = await startLocalAgent();
  t.after(() => stopAgentAndApp(agent));
  await agent.kill('SIGTERM');
  const squatter = createTcpServer();
  await new Promise<void>((resolve) => squatter.listen(agent.port, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
  const serve = await agentCommand(['serve', '--path', agent.path]);
  assert.equal(serve.code, 69, serve.stderr);
  assert.match(serve.stderr, new RegExp(`error: cannot listen on 127\\.0\\.0\\.1:${agent.port}: the address is already in use \\(EADDRINUSE\\)\n  hint: another process listens on 127\\.0\\.0\\.1:${agent.port}`));
  assert.doesNotMatch(serve.stderr, /internal error|    at /);
});

test('ctl pointed at a port where something else answers: "not a hostout agent", not an OpenSSL message', async (t) => {
  const web = createHttpServer((_req, res) => res.end('hello\n'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => web.close(() => resolve())));
  const port = (web.address() as { port: number }).port;
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  appendFileSync(join(dir, 'buildout.cfg'), `agent-port = ${port}\nagent-fingerprint = sha256:${'ab'.repeat(32)}\n`);
  const status = await ctl(['status'], { cwd: dir, env: { HOSTOUT_CONFIG_DIR: join(dir, '.config') } });
  assert.equal(status.code, 4, status.stderr);
  assert.match(status.stderr, new RegExp(`error: 127\\.0\\.0\\.1:${port}: 127\\.0\\.0\\.1:${port} is not a hostout agent: it answers, but not with TLS \\(ERR_SSL_WRONG_VERSION_NUMBER\\)\n  hint: another service listens on port ${port}: set agent-port`));
});

test('a ledger that cannot be replaced (immutable file: EPERM) is named, with what to check', async (t) => {
  const dir = copyExampleBuildout();
  const ledger = join(dir, 'hostout-ledger.txt');
  writeFileSync(ledger, '');
  assert.equal((await runCommand('chattr', ['+i', ledger])).code, 0);
  t.after(async () => {
    await runCommand('chattr', ['-i', ledger]);
    removeDir(dir);
  });
  const release = await ctl(['release'], { cwd: dir, env: { HOSTOUT_CONFIG_DIR: join(dir, '.config') } });
  assert.equal(release.code, 77, release.stderr);
  assert.match(release.stderr, new RegExp(`^error: cannot replace ${ledger}: operation not permitted \\(EPERM\\)\n  hint: check the owner, mode and attributes of ${ledger} .*lsattr`));
});

test('disk full on the agent: the upload fails with "no space left" and what to free, not "internal agent error"', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  // a real full disk under the agent's blob store: a 256 KiB tmpfs, filled up
  const blobs = join(agent.path, 'agent/blobs');
  await agent.kill('SIGKILL');
  assert.equal((await runCommand('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', blobs])).code, 0);
  try {
    mkdirSync(join(blobs, 'sha256'), { mode: 0o700 });
    mkdirSync(join(blobs, 'partial'), { mode: 0o700 });
    await runCommand('dd', ['if=/dev/zero', `of=${join(blobs, 'filler')}`, 'bs=4k']);
    await agent.start();
    const deploy = await ctl(['deploy'], { cwd: site.dir, env });
    assert.notEqual(deploy.code, 0);
    assert.match(deploy.stderr, /no space left on the device \(ENOSPC, write\)\n  hint: free space on the disk/);
    assert.doesNotMatch(deploy.stderr, /internal/);
  } finally {
    await agent.kill('SIGKILL'); // it holds files on the tmpfs
    await runCommand('umount', [blobs]);
  }
  assert.equal((await hostStatus(agent.path)).currentVersion, '', 'nothing went live');
});

/** A real ctl process whose output can be waited on, to be interrupted at a chosen moment. */
function startCtl(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const child = spawn(process.execPath, [CTL, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => ({ stdout, stderr }),
    waitForOutput: (text: string) => waitFor(`ctl to print "${text}"`, () => stdout.includes(text) || child.exitCode !== null, 240_000),
    exited,
  };
}

test('Ctrl-C and a lost connection say what the host does: nothing before the Deploy call, the deploy goes on after it; a dead agent\'s lock blocks nothing', async (t) => {
  const { agent, site, env } = await deployableSite(t, { env: { HOSTOUT_PAUSE_IN_PHASE: 'build:3000' } });

  // Ctrl-C while ctl still prepares the release: nothing reached the host
  const early = startCtl(['deploy'], { cwd: site.dir, env });
  await early.waitForOutput('Pinning egg versions');
  early.child.kill('SIGINT');
  assert.equal(await early.exited, 130, early.output().stderr);
  assert.match(early.output().stderr, /\ninterrupted: nothing changed on the host \(blobs already uploaded stay there and are not sent again\)\n$/);
  const untouched = await hostStatus(agent.path);
  assert.deepEqual([untouched.currentVersion, untouched.releases.length, untouched.lock], ['', 0, undefined]);

  // Ctrl-C during the remote build: the host goes on and the deploy completes without ctl
  const late = startCtl(['deploy'], { cwd: site.dir, env });
  await late.waitForOutput('Running remote buildout');
  late.child.kill('SIGINT');
  assert.equal(await late.exited, 130, late.output().stderr);
  assert.match(late.output().stderr, /\ninterrupted: the host goes on with deploy \d{8}-[0-9a-f]+ \(phase build\); `ctl status` shows the outcome\n$/);
  // finished: current switched and the lock released (current switches before start and health)
  await waitFor('the deploy to finish on the host', async () => {
    const host = await hostStatus(agent.path);
    return host.currentVersion === '0.1' && !host.lock;
  }, 240_000);
  assert.equal(await servedVersion(site.url), '1.0');
  const status = await ctl(['status'], { cwd: site.dir, env });
  assert.match(status.stdout, /Current   version 0\.1 /);

  // the agent killed during a build: ctl says what happens next; the dead agent's lock shows as free and blocks nothing
  await agent.kill('SIGKILL');
  await agent.start({ HOSTOUT_PAUSE_IN_PHASE: 'build:60000' });
  changeWebEgg(site.dir, 'version 2');
  const dropped = startCtl(['deploy'], { cwd: site.dir, env });
  await dropped.waitForOutput('Running remote buildout');
  await agent.kill('SIGKILL');
  assert.equal(await dropped.exited, 1);
  assert.match(dropped.output().stderr, /error: 127\.0\.0\.1:\d+: lost the connection to the agent during Deploy: [^\n]+\n  hint: the host goes on with deploy \d{8}-[0-9a-f]+ \(phase build\); `ctl status` shows the outcome; if the agent itself stopped \(crash, restart\), it finishes or rolls back the deploy from its journal when it starts again/);
  const whileDead = await hostStatus(agent.path);
  assert.equal(whileDead.lock?.stale, true, 'the lock of the killed agent is known to be stale');
  const text = await runCommand(process.execPath, [AGENT, 'status', '--path', agent.path]);
  assert.match(text.stdout, /Lock      free: left by process \d+ \(\w+, \d{8}-[0-9a-f]+\), which died; the next deploy or agent start clears it/);
  await agent.start({});
  const restarted = await hostStatus(agent.path);
  assert.equal(restarted.lock, undefined, 'the restarted agent cleared the lock');
  assert.equal(restarted.currentVersion, '0.1');
  assert.equal(await servedVersion(site.url), '1.0');
});

test('two ctl runs in one checkout: the second waits for the first, naming it; a dead run\'s lock and .partial folders are cleared', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  const env = { HOSTOUT_CONFIG_DIR: join(dir, '.config') };
  // what a ctl killed with SIGKILL leaves: its lock, and the half-written folder of its release
  const dead = await runCommand('/bin/sh', ['-c', 'echo $$']);
  mkdirSync(join(dir, '.hostout/releases/.20200101-deadbeef.partial'), { recursive: true });
  writeFileSync(join(dir, '.hostout/lock'), JSON.stringify({ pid: Number(dead.stdout.trim()), command: 'ctl deploy production', since: new Date(0).toISOString() }));

  const first = startCtl(['release'], { cwd: dir, env });
  await waitFor('the first run to take the lock', () => {
    try {
      return JSON.parse(readFileSync(join(dir, '.hostout/lock'), 'utf8')).pid === first.child.pid;
    } catch {
      return false;
    }
  }, 60_000);
  const second = startCtl(['release', '--json'], { cwd: dir, env });
  const [firstCode, secondCode] = await Promise.all([first.exited, second.exited]);
  assert.equal(firstCode, 0, first.output().stderr);
  assert.equal(secondCode, 0, second.output().stderr);
  assert.match(second.output().stderr, new RegExp(`^Waiting for ctl release production \\(pid ${first.child.pid}, since [^)]+\\), which is using ${dir}/\\.hostout; Ctrl-C to give up\n$`));
  assert.doesNotMatch(first.output().stderr, /Waiting/, 'a lock whose process died does not make anyone wait');
  assert.ok(JSON.parse(second.output().stdout).tag, 'the waiting run then released normally (its --json output is clean)');
  assert.deepEqual(readdirSync(join(dir, '.hostout/releases')).filter((name) => name.endsWith('.partial')), []);
  assert.equal(existsSync(join(dir, '.hostout/lock')), false, 'both runs released the lock');
});
