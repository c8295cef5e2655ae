/**
 * ctl exec against what an outside audit did to it (issue 20, items 1 and 2), with a real
 * agent and real processes: output to a caller that does not read, and to one that reads,
 * does not grow the agent's memory; SIGTERM ends running commands and the agent exits; a
 * timeout past a week is refused, not turned into "kill at once"; a command whose `setsid`
 * child keeps the pipe open ends when it exits, and when its time is up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type * as grpc from '@grpc/grpc-js';
import { CTL, ctl, runCommand } from './support/ctl.ts';
import { deployableSite } from './support/local-agent.ts';
import { SignedAttackClient, agentMemory } from './support/attack-client.ts';
import { loadOrCreateControllerKey } from '../shared/trust/controller-key.ts';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('exec output: a caller that stops reading and one that reads 400 MB leave the agent\'s memory flat', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);
  const pid = agent.process().pid!;
  const before = agentMemory(pid).rssMb;

  // a caller that never reads: the command is held, the agent's memory does not follow its output
  const client = new SignedAttackClient(agent.port, agent.path, agent.fingerprint, loadOrCreateControllerKey(agent.configDir));
  t.after(() => client.close());
  const request = { argv: ['head', '-c', '300000000', '/dev/zero'], timeoutSeconds: 60 };
  const stalled = (client as unknown as { client: Record<string, Function> }).client.Exec!(request, client.sign('Exec', request)) as grpc.ClientReadableStream<unknown>;
  stalled.on('error', () => {});
  stalled.pause();
  await settle(4000);
  const stalledRss = agentMemory(pid).rssMb;
  stalled.cancel();
  t.diagnostic(`agent RSS ${Math.round(before)} MB before, ${Math.round(stalledRss)} MB with 300 MB of output held back`);
  assert.ok(stalledRss - before < 60, `the agent grew ${Math.round(stalledRss - before)} MB while 300 MB went to a caller that does not read (from ${Math.round(before)} MB)`);

  // a caller that reads: all of it arrives, the agent does not hold it
  const read = await runCommand('/bin/sh', ['-c', `node ${CTL} exec -- head -c 400000000 /dev/zero | wc -c`], { cwd: site.dir, env: { ...process.env, ...env }, timeoutMs: 300_000 });
  assert.equal(read.stdout.trim(), '400000000', read.stderr);
  const peak = agentMemory(pid).peakMb;
  t.diagnostic(`agent peak RSS ${Math.round(peak)} MB after 400 MB of output read`);
  assert.ok(peak - before < 120, `the agent's peak was ${Math.round(peak)} MB for 400 MB of output (from ${Math.round(before)} MB)`);
});

test('exec and the agent\'s life: SIGTERM ends running commands and the agent exits; --timeout bounded; a setsid child does not hold the call', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  t.after(() => runCommand('pkill', ['-f', 'sleep 6[0-9]{2}']));
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);

  // a leftover that keeps stdout open: the call ends once the command itself exited (before, it hung
  // until the leftover's 601 s, and ctl was killed at the 30 s given to it here: code -1)
  const leftover = await ctl(['exec', '--', 'sh', '-c', 'setsid sleep 601 & echo started; exit 3'], { cwd: site.dir, env, timeoutMs: 30_000 });
  assert.equal(leftover.code, 3, leftover.stderr);
  assert.equal(leftover.stdout, 'started\n');
  // and when its time is up, whatever still holds the pipe
  const timedOut = await ctl(['exec', '--timeout', '2', '--', 'sh', '-c', 'setsid sleep 602 & sleep 603'], { cwd: site.dir, env, timeoutMs: 30_000 });
  assert.equal(timedOut.code, 124, timedOut.stderr);

  // timeouts that would overflow Node's timers are refused, by ctl and by the agent
  const tooLong = await ctl(['exec', '--timeout', '2147484', '--', 'true'], { cwd: site.dir, env });
  assert.equal(tooLong.code, 2);
  assert.match(tooLong.stderr, /at most 604800 seconds \(a week\), got 2147484/);
  const client = new SignedAttackClient(agent.port, agent.path, agent.fingerprint, loadOrCreateControllerKey(agent.configDir));
  t.after(() => client.close());
  await assert.rejects(client.stream('Exec', { argv: ['true'], timeoutSeconds: 4294967295 }), /timeout 4294967295 s is out of range: at most 604800 s/);

  // SIGTERM while a command runs: the command is killed and the agent exits promptly
  const running = spawn(process.execPath, [CTL, 'exec', '--', 'sleep', '604'], { cwd: site.dir, env: { ...process.env, ...env }, stdio: 'ignore' });
  const ended = new Promise((resolve) => running.once('exit', resolve));
  for (let i = 0; i < 100 && (await runCommand('pgrep', ['-f', 'sleep 604'])).code !== 0; i++) await settle(50);
  const exited = new Promise((resolve) => agent.process().once('exit', () => resolve('exited')));
  agent.process().kill('SIGTERM');
  // before, shutdown waited for the command (604 s): whether it exits at all while the command would still run
  assert.equal(await Promise.race([exited, settle(60_000).then(() => 'still running')]), 'exited');
  await ended;
  assert.notEqual((await runCommand('pgrep', ['-f', 'sleep 604'])).code, 0, 'the command was ended with the agent');
});
