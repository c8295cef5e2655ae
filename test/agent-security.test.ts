/**
 * The agent's trust boundary, against a real agent process: who may call,
 * what a signature covers, what a manifest and an archive may contain, and
 * an upload that breaks off and resumes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { AGENT, runCommand } from './support/ctl.ts';
import { startLocalAgent, stopAgentAndApp, type LocalAgent } from './support/local-agent.ts';
import { AgentConnection } from '../controller/agent-client/agent-client.ts';
import { fetchPinnedCertificate } from '../shared/trust/pinned-certificate.ts';
import { loadOrCreateControllerKey } from '../shared/trust/controller-key.ts';
import { signManifest, canonicalJson } from '../shared/trust/manifest-signature.ts';
import { putRequestSignature, requestDigest, signRequest } from '../shared/trust/request-signature.ts';
import { AgentClientConstructor, methodPath, serializeRequest, signedMethodName } from '../shared/rpc/agent-service.ts';
import { pinnedChannelCredentials, PINNED_TLS_CHANNEL_OPTIONS } from '../shared/trust/tls-identity.ts';
import { uploadMissingBlobs } from '../controller/deploy/upload-blobs.ts';
import type { Manifest } from '../shared/manifest.ts';

const address = (agent: LocalAgent) => ({ host: '127.0.0.1', port: agent.port, fingerprint: agent.fingerprint });
/** What the agent audited: authorized actions (agent/audit) and refusals (agent/audit-refusals, kept apart). */
const auditLines = (agent: LocalAgent) =>
  ['agent/audit', 'agent/audit-refusals']
    .map((file) => join(agent.path, file))
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));

/** Calls Status with exactly this metadata, as an attacker replaying or forging it would. */
async function rawStatus(agent: LocalAgent, metadata: grpc.Metadata): Promise<grpc.ServiceError | null> {
  const cert = await fetchPinnedCertificate('127.0.0.1', agent.port, agent.fingerprint);
  const client = new AgentClientConstructor(`127.0.0.1:${agent.port}`, pinnedChannelCredentials(cert, agent.fingerprint), PINNED_TLS_CHANNEL_OPTIONS) as unknown as grpc.Client & { Status: Function };
  try {
    return await new Promise((resolve) => client.Status({}, metadata, (error: grpc.ServiceError | null) => resolve(error)));
  } finally {
    client.close();
  }
}

test('requests are refused, and audited, for an unknown key, a replay, an old timestamp and a revoked key', async (t) => {
  const agent = await startLocalAgent();
  t.after(() => stopAgentAndApp(agent));
  const key = loadOrCreateControllerKey(agent.configDir);
  const signedStatus = (now = Date.now()) =>
    putRequestSignature(signRequest(key, signedMethodName(methodPath('Status'), agent.fingerprint), requestDigest(serializeRequest('Status', {})), now));

  const stranger = mkdtempSync(join(tmpdir(), 'hostout-stranger-'));
  const connection = await AgentConnection.open(address(agent), loadOrCreateControllerKey(stranger));
  await assert.rejects(connection.unary('Status', {}), /refused the request.*not authorized/s);
  connection.close();

  const metadata = signedStatus();
  assert.equal(await rawStatus(agent, metadata), null, 'a fresh, signed request is answered');
  const replay = await rawStatus(agent, metadata);
  assert.equal(replay?.code, grpc.status.UNAUTHENTICATED);
  assert.match(replay!.details, /nonce|replay/i);

  const old = await rawStatus(agent, signedStatus(Date.now() - 10 * 60_000));
  assert.equal(old?.code, grpc.status.UNAUTHENTICATED);
  assert.match(old!.details, /old|window/i);

  const forOtherHost = putRequestSignature(signRequest(key, signedMethodName(methodPath('Status'), 'sha256:' + '0'.repeat(64)), requestDigest(serializeRequest('Status', {}))));
  assert.equal((await rawStatus(agent, forOtherHost))?.code, grpc.status.UNAUTHENTICATED, 'a request signed for another agent is refused');

  const revoke = await runCommand(process.execPath, [AGENT, 'revoke', '--path', agent.path, key.keyId]);
  assert.match(revoke.stdout, /Revoked/);
  assert.equal((await rawStatus(agent, signedStatus()))?.code, grpc.status.UNAUTHENTICATED, 'a revoked key is refused at once');

  // every refusal is accounted for: one line per kind (peer, action, reason), repeats counted
  // (the revoked key's refusal is the unknown key's kind: its count waits in audit-refusals.counting)
  const refusals = auditLines(agent).filter((e) => e.outcome === 'refused');
  const counting = join(agent.path, 'agent/audit-refusals.counting');
  const waiting = existsSync(counting) ? (JSON.parse(readFileSync(counting, 'utf8')) as { repeats: number }[]).reduce((sum, e) => sum + e.repeats, 0) : 0;
  assert.ok(refusals.length + waiting >= 5, `every refusal is audited (${refusals.length} lines, ${waiting} counted)`);
});

test('a tampered manifest and an archive that escapes its directory are refused before anything is touched', async (t) => {
  const agent = await startLocalAgent();
  t.after(() => stopAgentAndApp(agent));
  const key = loadOrCreateControllerKey(agent.configDir);
  const connection = await AgentConnection.open(address(agent), key);
  t.after(() => connection.close());

  // an archive with ../ in it, built with the real tar
  const work = mkdtempSync(join(tmpdir(), 'hostout-evil-'));
  writeFileSync(join(work, 'hostout.cfg'), '[buildout]\nparts =\n');
  writeFileSync(join(tmpdir(), 'hostout-escaped.txt'), 'outside');
  const archive = join(work, 'evil.tar.gz');
  const tar = await runCommand('tar', ['-czPf', archive, '-C', work, 'hostout.cfg', '../hostout-escaped.txt']);
  assert.equal(tar.code, 0, tar.stderr);
  const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
  await uploadMissingBlobs(connection, [{ sha256, path: archive, what: 'evil archive' }], false);

  const manifest: Manifest = {
    formatVersion: 1,
    target: 'production',
    tag: '20261125-deadbeef',
    created: new Date().toISOString(),
    buildout: 'hostout.cfg',
    archive: { sha256, size: readFileSync(archive).length, entries: 10, unpackedBytes: 1000 },
    eggs: [],
    pins: {},
    settings: { services: { kind: 'none', names: [] }, db: { kind: 'none', paths: [] }, health: { timeoutSeconds: 1, retries: 1 }, keepReleases: 2, sharedDirs: ['var'], maxUnpackedBytes: 1024 * 1024 },
  };
  const deploy = async (m: Manifest, signature: { keyId: string; signature: string }) => {
    const events = [];
    for await (const e of connection.stream('Deploy', { manifest: Buffer.from(canonicalJson(m)), manifestKeyId: signature.keyId, manifestSignature: Buffer.from(signature.signature), force: false })) events.push(e);
    return events;
  };

  const signature = signManifest(key, manifest);
  await assert.rejects(deploy({ ...manifest, pins: { 'evil.egg': '6.6.6' } }, signature), /manifest/i, 'a manifest changed after signing is refused');
  await assert.rejects(deploy(manifest, signature), /\.\.\/hostout-escaped\.txt|\.\./, 'the escaping entry is named');
  assert.deepEqual(readdirSync(join(agent.path, 'releases')).filter((d) => !d.startsWith('.')), [], 'no release was staged');
  assert.equal(readFileSync(join(tmpdir(), 'hostout-escaped.txt'), 'utf8'), 'outside', 'nothing was written outside');
  assert.ok(!existsSync(join(agent.path, 'hostout-escaped.txt')));
  assert.ok(!existsSync(join(agent.path, 'current')), 'nothing went live');
});

test('an interrupted upload resumes from where it stopped and is verified', async (t) => {
  const agent = await startLocalAgent();
  t.after(() => stopAgentAndApp(agent));
  const connection = await AgentConnection.open(address(agent), loadOrCreateControllerKey(agent.configDir));
  t.after(() => connection.close());
  const blob = join(mkdtempSync(join(tmpdir(), 'hostout-blob-')), 'big.egg');
  writeFileSync(blob, randomBytes(3 * 1024 * 1024));
  const sha256 = createHash('sha256').update(readFileSync(blob)).digest('hex');

  // The first half megabyte goes through, then the connection dies.
  const someChunksThenFail = async function* () {
    await new Promise((r) => setTimeout(r, 500));
    yield* [];
    throw new Error('network cable pulled');
  };
  const firstData = readFileSync(blob).subarray(0, 512 * 1024);
  await assert.rejects(connection.clientStream('UploadBlob', { sha256, size: 3 * 1024 * 1024, offset: 0, data: firstData }, someChunksThenFail()), /cable/);
  await new Promise((r) => setTimeout(r, 300));
  const { missing } = await connection.unary<{ missing: { sha256: string; receivedBytes: number }[] }>('MissingBlobs', { blobs: [{ sha256, size: 3 * 1024 * 1024 }] });
  assert.equal(missing[0]!.receivedBytes, 512 * 1024, 'the agent kept what arrived');

  const resumed = await uploadMissingBlobs(connection, [{ sha256, path: blob, what: 'big.egg' }], false);
  assert.equal(resumed.resumedBytes, 512 * 1024);
  assert.equal(resumed.bytes, 3 * 1024 * 1024 - 512 * 1024, 'only the rest travelled');
  const stored = join(agent.path, 'agent/blobs/sha256', sha256);
  assert.equal(createHash('sha256').update(readFileSync(stored)).digest('hex'), sha256);
  const again = await uploadMissingBlobs(connection, [{ sha256, path: blob, what: 'big.egg' }], false);
  assert.equal(again.blobs, 0, 'nothing travels twice');
});
