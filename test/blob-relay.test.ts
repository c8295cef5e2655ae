/**
 * The blob relay: a release leaves ctl once for a whole fleet. Real agents on 127.0.0.1, the
 * real ctl: the first host that lacks the blobs gets them from ctl, the others fetch them from
 * hosts that hold them (FetchBlobs, carrying a ServeBlobs call ctl signed for the holder),
 * verified by sha256. What each agent's audit log says is the evidence of who sent what.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT, ctl, runCommand } from './support/ctl.ts';
import { startFleet } from './support/fleet.ts';
import type { LocalAgent } from './support/local-agent.ts';
import { AgentConnection } from '../controller/agent-client/agent-client.ts';
import { loadOrCreateControllerKey } from '../shared/trust/controller-key.ts';
import { askMissingBlobs, uploadMissingBlobs } from '../controller/deploy/upload-blobs.ts';
import { serializeRequest } from '../shared/rpc/agent-service.ts';

interface HostResult {
  host: string;
  result: string;
  version?: string;
  bytesSent: number;
  bytesRelayed: number;
  relayedFrom?: string;
}

const auditOf = (agent: LocalAgent, action: string, outcome = 'ok') =>
  readFileSync(join(agent.path, 'agent/audit'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { action: string; outcome: string; detail: string })
    .filter((r) => r.action === action && r.outcome === outcome);

function setTarget(dir: string, options: string): void {
  const file = join(dir, 'buildout.cfg');
  const text = readFileSync(file, 'utf8').replace(/\n# relay\n[\s\S]*$/, '\n');
  writeFileSync(file, `${text}# relay\n${options}\n`);
}

test('four hosts: ctl sends each blob once, the other hosts fetch it from hosts that hold it; a one-egg change travels the same way; relay = off uploads to each', async (t) => {
  const { agents, dir, env } = await startFleet(t, 4);
  const deploy = async () => {
    const run = await ctl(['deploy', '--json'], { cwd: dir, env, timeoutMs: 600_000 });
    assert.equal(run.code, 0, run.stderr);
    return { hosts: JSON.parse(run.stdout).hosts as HostResult[], stderr: run.stderr };
  };
  const sentBy = (hosts: HostResult[]) => hosts.reduce((sum, h) => sum + h.bytesSent, 0);

  // what the dry run promises: one copy from here, whatever each host lacks
  const dryRun = await ctl(['deploy', '--dry-run'], { cwd: dir, env, timeoutMs: 600_000 });
  assert.equal(dryRun.code, 0, dryRun.stderr);
  const perHost = [...dryRun.stdout.matchAll(/^Would send \d+ files, (\d+) bytes/gm)].map((m) => Number(m[1]));
  assert.equal(perHost.length, 4, dryRun.stdout);
  const promised = /^In all: (\d+) bytes would leave here once(?: \(eggs still to be built not counted\))?; 3 hosts would fetch them from other hosts \(relay = hosts; (\d+) bytes with relay = off\)\.$/m.exec(dryRun.stdout);
  assert.ok(promised, dryRun.stdout);
  assert.deepEqual([Number(promised[1]), Number(promised[2])], [perHost[0], perHost.reduce((a, b) => a + b, 0)]);

  const first = await deploy();
  assert.deepEqual(first.hosts.map((h) => `${h.result} ${h.version}`), Array(4).fill('deployed 0.1'));
  const seeded = first.hosts.filter((h) => h.bytesSent > 0);
  assert.equal(seeded.length, 1, `ctl uploaded to one host only: ${JSON.stringify(first.hosts)}`);
  const copy = seeded[0]!.bytesSent;
  for (const host of first.hosts.filter((h) => h !== seeded[0])) {
    assert.equal(host.bytesSent, 0, `${host.host} got nothing from ctl`);
    assert.equal(host.bytesRelayed, copy, `${host.host} fetched the whole release from another host`);
    assert.ok(first.hosts.some((h) => h.host === host.relayedFrom && h !== host), `${host.host} names the host it fetched from: ${host.relayedFrom}`);
  }
  assert.match(first.stderr, /Sent \d+(\.\d+)? (B|[KM]iB) from here; 3 hosts fetched \d+(\.\d+)? (B|[KM]iB) from other hosts/);
  // the agents' own records agree: one took uploads, three fetched, and the holders served three times
  assert.equal(agents.filter((a) => auditOf(a, 'UploadBlob').length > 0).length, 1, 'one agent received uploads from ctl');
  assert.equal(agents.filter((a) => auditOf(a, 'FetchBlobs').length === 1).length, 3, 'three agents fetched from a peer');
  assert.equal(agents.reduce((n, a) => n + auditOf(a, 'ServeBlobs').length, 0), 3, 'holders served three fetches');
  const uploadLog = (a: LocalAgent) => readFileSync(join(a.path, 'agent/uploads'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.ok(agents.some((a) => uploadLog(a).some((u) => u.from)), 'a relayed blob is recorded with the host it came from');

  // one changed egg: only it (and the archive) leaves ctl, once
  appendFileSync(join(dir, 'src/acme.web/acme/web/server.py'), '\n# relayed change\n');
  const oneEgg = await deploy();
  assert.deepEqual(oneEgg.hosts.map((h) => `${h.result} ${h.version}`), Array(4).fill('deployed 0.2'));
  assert.equal(oneEgg.hosts.filter((h) => h.bytesSent > 0).length, 1);
  assert.ok(sentBy(oneEgg.hosts) < copy, `the change (${sentBy(oneEgg.hosts)} bytes) is less than the first release (${copy})`);
  assert.equal(oneEgg.hosts.filter((h) => h.bytesRelayed === sentBy(oneEgg.hosts)).length, 3);

  setTarget(dir, 'relay = off');
  appendFileSync(join(dir, 'src/acme.web/acme/web/server.py'), '\n# uploaded to each\n');
  const direct = await deploy();
  assert.deepEqual(direct.hosts.map((h) => `${h.result} ${h.version}`), Array(4).fill('deployed 0.3'));
  assert.ok(direct.hosts.every((h) => h.bytesSent > 0 && h.bytesRelayed === 0), 'relay = off: ctl uploads to every host');
});

test('an agent that does not pass blobs on: its fetchers get a direct upload and a warning says why; nothing is lost', async (t) => {
  const { agents, dir, env } = await startFleet(t, 3);
  for (const agent of agents) {
    const init = await runCommand(process.execPath, [AGENT, 'init', '--path', agent.path, '--serve-peers', 'no']);
    assert.equal(init.code, 0, init.stderr);
    await agent.kill('SIGTERM');
    await agent.start();
  }
  assert.match(JSON.parse(readFileSync(join(agents[0]!.path, 'agent/agent.json'), 'utf8')).python, /python/, 'init kept the other settings');
  const wrong = await runCommand(process.execPath, [AGENT, 'init', '--path', agents[0]!.path, '--serve-peers', 'maybe']);
  assert.match(wrong.stderr, /--serve-peers <yes\|no>' argument 'maybe' is invalid\. expected yes or no, not "maybe"/);
  const run = await ctl(['deploy', '--json'], { cwd: dir, env, timeoutMs: 600_000 });
  assert.equal(run.code, 0, run.stderr);
  const hosts = JSON.parse(run.stdout).hosts as HostResult[];
  assert.deepEqual(hosts.map((h) => `${h.result} ${h.version}`), Array(3).fill('deployed 0.1'));
  assert.ok(hosts.every((h) => h.bytesSent > 0 && h.bytesRelayed === 0), JSON.stringify(hosts));
  assert.equal(run.stderr.match(/warning: relaying to 127\.0\.0\.1:\d+ from 127\.0\.0\.1:\d+: .*does not pass blobs on to other hosts \(servePeers is false in its agent\.json\); uploaded from here instead \(where hosts reach each other at other addresses, give each its hostout_relay_host in the inventory; relay = off skips relaying\)/g)?.length, 2, run.stderr);
  assert.equal(agents.reduce((n, a) => n + auditOf(a, 'ServeBlobs', 'failed').length, 0), 2, 'the refusals are in the seed\'s audit log');
});

test('hosts reach each other where the inventory says (hostout_relay_host): an address nobody answers at costs a direct upload, named in the warning', async (t) => {
  const { dir, env } = await startFleet(t, 3);
  const inventory = join(dir, 'inventory.ini');
  writeFileSync(inventory, readFileSync(inventory, 'utf8').replace(/^(web\d+ .*)$/gm, '$1 hostout_relay_host=127.0.0.2'));
  const run = await ctl(['deploy', '--json'], { cwd: dir, env, timeoutMs: 600_000 });
  assert.equal(run.code, 0, run.stderr);
  const hosts = JSON.parse(run.stdout).hosts as HostResult[];
  assert.deepEqual(hosts.map((h) => `${h.result} ${h.version}`), Array(3).fill('deployed 0.1'));
  assert.ok(hosts.every((h) => h.bytesSent > 0 && h.bytesRelayed === 0), JSON.stringify(hosts));
  // the agents listen on 127.0.0.1 only: each fetch went to 127.0.0.2, as the inventory said, and found nobody
  assert.equal(run.stderr.match(/warning: relaying to 127\.0\.0\.1:\d+ from 127\.0\.0\.1:\d+: fetching blobs from 127\.0\.0\.1:\d+ \(127\.0\.0\.2:\d+\) failed: no agent answers at 127\.0\.0\.2:\d+/g)?.length, 2, run.stderr);
});

test('a relayed call is the one ctl signed: once, at the holder it names, for the blobs it names; a holder sends only what it holds', async (t) => {
  const { agents, env } = await startFleet(t, 3);
  const key = loadOrCreateControllerKey(env.HOSTOUT_CONFIG_DIR);
  const open = (a: LocalAgent) => AgentConnection.open({ host: '127.0.0.1', port: a.port, fingerprint: a.fingerprint }, key, env.HOSTOUT_CONFIG_DIR);
  const [seed, fetcher, other] = await Promise.all(agents.map(open));
  t.after(() => [seed, fetcher, other].forEach((c) => c!.close()));
  const scratch = mkdtempSync(join(tmpdir(), 'hostout-relay-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const blobAt = (name: string, bytes: Buffer) => {
    writeFileSync(join(scratch, name), bytes);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), path: join(scratch, name), what: name };
  };
  const blob = blobAt('a', randomBytes(700 * 1024)); // three chunks
  const absent = blobAt('b', randomBytes(10));
  await uploadMissingBlobs(seed!, [blob], false);
  const fetchVia = (at: AgentConnection, from: AgentConnection, serve: object) =>
    at.unary<{ blobs: number; bytes: number }>('FetchBlobs', { seedHost: '127.0.0.1', seedPort: from.address.port, seedFingerprint: from.address.fingerprint, seedName: 'seed', serve });

  const serve = seed!.presign('ServeBlobs', { blobs: [{ sha256: blob.sha256, offset: 0 }], forHost: 'fetcher' });
  const fetched = await fetchVia(fetcher!, seed!, serve);
  assert.deepEqual([fetched.blobs, Number(fetched.bytes)], [1, 700 * 1024]);
  assert.deepEqual(await askMissingBlobs(fetcher!, [blob]), [], 'the fetcher holds the blob, verified');

  await assert.rejects(fetchVia(other!, seed!, serve), /fetching blobs from seed .* failed: .*(nonce|replay)/i, 'a signed call is taken once');
  const forSeed = seed!.presign('ServeBlobs', { blobs: [{ sha256: blob.sha256, offset: 0 }], forHost: 'other' });
  await assert.rejects(fetchVia(other!, fetcher!, forSeed), /signature by key \w+ is not valid for this method and request/, 'a call signed for one holder is refused by another');
  const widened = { ...seed!.presign('ServeBlobs', { blobs: [{ sha256: blob.sha256, offset: 0 }], forHost: 'other' }) };
  widened.request = serializeRequest('ServeBlobs', { blobs: [{ sha256: blob.sha256, offset: 0 }, { sha256: absent.sha256, offset: 0 }], forHost: 'other' });
  await assert.rejects(fetchVia(other!, seed!, widened), /not valid for this method and request/, 'the request cannot be changed on the way');
  const notHeld = seed!.presign('ServeBlobs', { blobs: [{ sha256: absent.sha256, offset: 0 }], forHost: 'other' });
  await assert.rejects(fetchVia(other!, seed!, notHeld), /blob \w{12} is not stored on this host, so it cannot pass it on/);
  assert.equal((await askMissingBlobs(other!, [blob, absent])).length, 2, 'nothing was stored from the refused calls');
});
