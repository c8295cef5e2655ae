/**
 * How ctl reaches an agent: through a TCP relay on 127.0.0.1 that counts the
 * connections, a command opens one TLS connection once the agent's certificate
 * is kept, and a kept certificate that is not the pinned one is never used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { createTlsIdentity } from '../shared/trust/tls-identity.ts';
import { certificateFingerprint } from '../shared/trust/fingerprint.ts';
import { removeDir } from './support/example-buildout.ts';
import { exampleBuildoutFor, startLocalAgent, stopAgentAndApp } from './support/local-agent.ts';

/** Relays 127.0.0.1:<its port> to the agent and counts the connections it accepted. */
async function countingRelay(targetPort: number): Promise<{ port: number; connections: () => number; server: Server }> {
  let count = 0;
  const server = createServer((client) => {
    count += 1;
    const upstream = connect(targetPort, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, connections: () => count, server };
}

test('with the agent certificate kept, a command opens one connection; a kept copy of another certificate is not trusted', async (t) => {
  const agent = await startLocalAgent();
  const site = await exampleBuildoutFor(agent);
  const relay = await countingRelay(agent.port);
  t.after(async () => {
    relay.server.close();
    await stopAgentAndApp(agent);
    removeDir(site.dir);
  });
  const buildoutCfg = join(site.dir, 'buildout.cfg');
  writeFileSync(buildoutCfg, readFileSync(buildoutCfg, 'utf8').replace(`agent-port = ${agent.port}`, `agent-port = ${relay.port}`));
  const env = { HOSTOUT_CONFIG_DIR: agent.configDir };

  const first = await ctl(['status'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(relay.connections(), 2, 'the first command fetches the certificate, then connects with gRPC');
  const kept = join(agent.configDir, 'agent-certificates');
  assert.deepEqual(readdirSync(kept), [`${agent.fingerprint.replace(/^sha256:/, '')}.pem`]);

  const second = await ctl(['status'], { cwd: site.dir, env });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(relay.connections(), 3, 'the next command connects once');

  // A kept file holding another certificate is not trusted: fetched again from the agent, and replaced.
  const keptFile = join(kept, readdirSync(kept)[0]!);
  const strangerDir = mkdtempSync(join(tmpdir(), 'hostout-other-identity-'));
  t.after(() => removeDir(strangerDir));
  const stranger = await createTlsIdentity(strangerDir, ['127.0.0.1']);
  writeFileSync(keptFile, stranger.certPem);
  const countBefore = relay.connections();
  const refetched = await ctl(['status'], { cwd: site.dir, env });
  assert.equal(refetched.code, 0, refetched.stderr);
  assert.equal(relay.connections() - countBefore, 2, 'a kept copy that does not match the pin is fetched again');
  assert.equal(certificateFingerprint(readFileSync(keptFile, 'utf8')), agent.fingerprint, 'and replaced by the agent\'s own');
});
