/**
 * ctl and hostout-agent as scripts see them: --version, --json on every
 * reporting command and on errors, and an exit code per kind of failure
 * (README "Exit codes"), through the real programs and a real agent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT, REPO_ROOT, ctl, runCommand, type CommandResult } from './support/ctl.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';
import { freePort } from './support/ports.ts';
import { copyExampleBuildout, removeDir } from './support/example-buildout.ts';

const PACKAGE_VERSION = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')).version;

function jsonError(result: CommandResult): { kind: string; message: string; where?: string; hint?: string; exitCode: number } {
  assert.equal(result.stderr, '', 'under --json an error is printed once, as JSON on stdout');
  return JSON.parse(result.stdout).error;
}

function editTarget(dir: string, edit: (text: string) => string): void {
  const file = join(dir, 'buildout.cfg');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
}

test('--version on both programs prints the package version', async () => {
  const controller = await ctl(['--version']);
  const agent = await runCommand(process.execPath, [AGENT, '--version']);
  assert.deepEqual([controller.code, controller.stdout.trim()], [0, PACKAGE_VERSION]);
  assert.deepEqual([agent.code, agent.stdout.trim()], [0, PACKAGE_VERSION]);
});

test('usage and config errors have their own exit codes, and come as JSON under --json', async () => {
  for (const limit of ['abc', '0', '-3']) {
    const bad = await ctl(['history', '-n', limit]);
    assert.equal(bad.code, 2, `-n ${limit}: ${bad.stderr}`);
    assert.match(bad.stderr, /expected a whole number of at least 1/);
  }
  const badJson = jsonError(await ctl(['history', '-n', 'abc', '--json']));
  assert.equal(badJson.kind, 'UsageError');
  assert.equal(badJson.exitCode, 2);
  assert.equal((await ctl(['deploy', '--no-such-option'])).code, 2);

  const missing = await ctl(['plan', '-c', '/nonexistent/buildout.cfg', '--json']);
  assert.equal(missing.code, 3);
  const error = jsonError(missing);
  assert.deepEqual([error.kind, error.where, error.exitCode], ['ConfigError', '/nonexistent/buildout.cfg', 3]);
  assert.ok(error.hint, 'the JSON error keeps the hint');

  const twoTargets = copyExampleBuildout();
  try {
    appendFileSync(join(twoTargets, 'buildout.cfg'), '\n[staging]\n<= production\n');
    const ambiguous = await ctl(['status'], { cwd: twoTargets });
    assert.equal(ambiguous.code, 3);
    assert.match(ambiguous.stderr, /several deployment targets: production, staging/);
    assert.match(ambiguous.stderr, /e\.g\. ctl status production/, 'the hint names the command that was run');
  } finally {
    removeDir(twoTargets);
  }

  const agentUsage = await runCommand(process.execPath, [AGENT, 'status']);
  assert.equal(agentUsage.code, 2, 'hostout-agent status without --path is a usage error');
  assert.match(agentUsage.stderr, /--path/);
});

test('deploy, rollback, history and keys report JSON; locked, failed-and-rolled-back and unreachable exit with their codes', async (t) => {
  const { agent, site, env } = await deployableSite(t);

  const deployed = await ctl(['deploy', '--json'], { cwd: site.dir, env });
  assert.equal(deployed.code, 0, deployed.stderr);
  assert.match(deployed.stderr, /Deployment complete/, 'progress goes to stderr under --json');
  const report = JSON.parse(deployed.stdout);
  assert.equal(report.outcome, 'deployed');
  assert.match(report.tag, /^\d{8}-[0-9a-f]{8}$/);
  assert.ok(report.bytesSent > 0 && report.filesSent > 0, 'a first deploy sends the archive and eggs');
  const mainPhases = (phases: { phase: string }[]) => phases.map((p) => p.phase).filter((p) => ['build', 'stop', 'switch', 'start', 'health'].includes(p));
  assert.deepEqual(mainPhases(report.phases), ['build', 'switch', 'start', 'health'], 'nothing ran yet, so nothing was stopped');
  assert.ok(report.phases.every((p: { durationMs: number; outcome: string }) => p.durationMs >= 0 && p.outcome === 'done'));
  assert.equal(report.downtimeMs, null);

  const keys = JSON.parse((await ctl(['keys', 'show', '--json'], { env })).stdout);
  assert.match(keys.publicKey, /^ed25519:/);

  // A deploy that holds the lock (its migrate step sleeps): a second one is refused as locked.
  editTarget(site.dir, (text) => `${text}migrate = sleep 4\n`);
  const holding = ctl(['deploy', '--force', '--json'], { cwd: site.dir, env });
  const until = Date.now() + 60_000;
  while (!JSON.parse((await ctl(['status', '--json'], { cwd: site.dir, env })).stdout).lock) {
    assert.ok(Date.now() < until, 'the first deploy never took the lock');
    await new Promise((r) => setTimeout(r, 100));
  }
  // from another laptop's checkout: two runs in one checkout wait for each other before reaching the agent
  const otherLaptop = mkdtempSync(join(tmpdir(), 'hostout-other-laptop-'));
  t.after(() => removeDir(otherLaptop));
  cpSync(site.dir, otherLaptop, { recursive: true, filter: (src) => !src.endsWith('/.hostout/lock') });
  const locked = await ctl(['deploy', '--force', '--json'], { cwd: otherLaptop, env });
  assert.equal(locked.code, 5, locked.stdout + locked.stderr);
  assert.equal(JSON.parse(locked.stdout).error.kind, 'LockError');
  const forced = await holding;
  assert.equal(forced.code, 0, forced.stderr);
  const forcedReport = JSON.parse(forced.stdout);
  assert.deepEqual(mainPhases(forcedReport.phases), ['build', 'stop', 'switch', 'start', 'health']);
  assert.ok(forcedReport.downtimeMs > 0, 'stop to healthy is measured');

  // A release whose health check cannot pass is rolled back: exit 6, the old release still serves.
  const closedPort = await freePort();
  editTarget(site.dir, (text) =>
    text.replace('migrate = sleep 4\n', '').replace(/health-url = .*/, `health-url = http://127.0.0.1:${closedPort}/`).replace('health-timeout = 10', 'health-timeout = 2'),
  );
  const failed = await ctl(['deploy', '--force'], { cwd: site.dir, env });
  assert.equal(failed.code, 6, failed.stdout + failed.stderr);
  assert.match(failed.stderr, /^error: /m);
  assert.equal(await servedVersion(site.url), '1.0', 'the previous release serves again');

  const history = JSON.parse((await ctl(['history', '-n', '50', '--json'], { cwd: site.dir, env })).stdout);
  const actions = history.entries.map((e: { action: string; outcome: string }) => `${e.action} ${e.outcome}`);
  assert.ok(actions.includes('Deploy ok') && actions.includes('Deploy failed'), actions.join(', '));

  const rolled = await ctl(['rollback', '--json'], { cwd: site.dir, env });
  assert.equal(rolled.code, 0, rolled.stderr);
  assert.ok(JSON.parse(rolled.stdout).phases.some((p: { phase: string }) => p.phase === 'start'));

  // Nobody listens on the target's port: unreachable.
  const deadPort = await freePort();
  editTarget(site.dir, (text) => text.replace(`agent-port = ${agent.port}`, `agent-port = ${deadPort}`));
  const unreachable = await ctl(['status', '--json'], { cwd: site.dir, env });
  assert.equal(unreachable.code, 4);
  assert.equal(jsonError(unreachable).kind, 'AgentUnreachableError');
});

test('a key the agent does not know is refused with the key id and how to authorize it; revoke takes a key id', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  const strangerEnv = { HOSTOUT_CONFIG_DIR: join(agent.path, '..', 'stranger-config') };
  const stranger = JSON.parse((await ctl(['keys', 'show', '--json'], { env: strangerEnv })).stdout);

  const refused = await ctl(['status'], { cwd: site.dir, env: strangerEnv });
  assert.equal(refused.code, 4, refused.stderr);
  assert.match(refused.stderr, new RegExp(`key ${stranger.keyId} is not authorized`));
  assert.match(refused.stderr, /ctl keys show/);
  assert.match(refused.stderr, /hostout-agent authorize --path /);
  assert.doesNotMatch(refused.stderr, /hostout\.Agent|RPC|gRPC|UNAUTHENTICATED/, 'no RPC jargon');

  const authorized = await runCommand(process.execPath, [AGENT, 'authorize', '--path', agent.path, stranger.publicKey]);
  assert.equal(authorized.code, 0, authorized.stderr);
  assert.equal((await ctl(['status'], { cwd: site.dir, env: strangerEnv })).code, 0);

  const revoked = await runCommand(process.execPath, [AGENT, 'revoke', '--path', agent.path, stranger.keyId]);
  assert.match(revoked.stdout, new RegExp(`^Revoked ${stranger.keyId}`));
  assert.equal((await ctl(['status'], { cwd: site.dir, env: strangerEnv })).code, 4);
  assert.equal((await ctl(['status'], { cwd: site.dir, env })).code, 0, 'the paired key still works');
});
