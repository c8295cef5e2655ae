/**
 * Once ctl has met an agent (its certificate kept), every command that talks to it says
 * what `ctl check` says when the agent is down, when something else listens on agent-port,
 * or when another agent answers there: in plain words, with exit code 4, never gRPC's or
 * OpenSSL's text, never a claim that the host goes on with something (issue 19, item 1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { deployableSite, startLocalAgent, stopAgentAndApp } from './support/local-agent.ts';

const COMMANDS: string[][] = [['status'], ['history'], ['deploy'], ['rollback'], ['logs'], ['lock', '-m', 'maintenance'], ['unlock'], ['exec', '--', 'true'], ['report', '-o', '/dev/null'], ['check']];
const RAW_TEXT = /Resolution note|No connection established|ECONNREFUSED|ssl3_get_record|deps\/openssl|self-signed certificate|goes on with/;

test('an agent that is down, a port where something else listens, another host\'s agent: plain words and exit 4 on every command', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);
  const config = join(site.dir, 'buildout.cfg');
  const original = readFileSync(config, 'utf8');
  const everyCommand = async (expected: RegExp, situation: string) => {
    for (const args of COMMANDS) {
      const run = await ctl(args, { cwd: site.dir, env });
      const said = run.stdout + run.stderr;
      assert.equal(run.code, 4, `${situation}: ctl ${args.join(' ')} exits 4\n${said}`);
      assert.match(said, expected, `${situation}: ctl ${args.join(' ')}`);
      assert.doesNotMatch(said, RAW_TEXT, `${situation}: ctl ${args.join(' ')} speaks plainly`);
    }
  };

  // something else on agent-port: a service that answers, but not with TLS
  const other = createServer((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  t.after(() => other.close());
  const otherPort = (other.address() as { port: number }).port;
  writeFileSync(config, original.replace(`agent-port = ${agent.port}`, `agent-port = ${otherPort}`));
  await everyCommand(new RegExp(`127\\.0\\.0\\.1:${otherPort} is not a hostout agent: it answers, but not with TLS`), 'something else listens');

  // another host's agent: a real agent with an identity of its own
  const stranger = await startLocalAgent();
  t.after(() => stopAgentAndApp(stranger));
  writeFileSync(config, original.replace(`agent-port = ${agent.port}`, `agent-port = ${stranger.port}`));
  await everyCommand(/agent TLS fingerprint mismatch: expected sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64}/, 'another agent answers');

  // the agent is down
  writeFileSync(config, original);
  await agent.kill('SIGKILL');
  await everyCommand(new RegExp(`no agent answers at 127\\.0\\.0\\.1:${agent.port}`), 'the agent is down');
});
