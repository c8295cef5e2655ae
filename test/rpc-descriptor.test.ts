/**
 * ctl and the agent load the gRPC contract from shared/rpc/generated/hostout-descriptor.ts,
 * not from proto/hostout.proto: the two must say the same thing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from './support/ctl.ts';
import { DESCRIPTOR_MODULE, descriptorModuleSource } from '../shared/rpc/write-rpc-descriptor.ts';
import { agentServiceDefinition } from '../shared/rpc/agent-service.ts';

test('the generated descriptor is the proto as it is now (else: npm run generate:rpc)', () => {
  const proto = readFileSync(`${REPO_ROOT}proto/hostout.proto`, 'utf8');
  assert.equal(readFileSync(DESCRIPTOR_MODULE, 'utf8'), descriptorModuleSource(proto), 'run npm run generate:rpc and commit the result');
});

test('every rpc of the proto is served, with its streaming shape, and round-trips its messages', () => {
  const proto = readFileSync(`${REPO_ROOT}proto/hostout.proto`, 'utf8');
  const rpcs = [...proto.matchAll(/^\s*rpc\s+(\w+)\s*\(\s*(stream\s+)?\w+\s*\)\s*returns\s*\(\s*(stream\s+)?\w+\s*\)/gm)];
  assert.ok(rpcs.length >= 10, `found ${rpcs.length} rpcs in the proto`);
  assert.deepEqual(Object.keys(agentServiceDefinition).sort(), rpcs.map((m) => m[1]!).sort());
  for (const [, name, requestStream, responseStream] of rpcs) {
    const method = agentServiceDefinition[name!]!;
    assert.equal(method.requestStream, Boolean(requestStream), `${name} request stream`);
    assert.equal(method.responseStream, Boolean(responseStream), `${name} response stream`);
  }
  // camelCase fields, enums as strings, 64-bit as numbers, defaults filled: what the generated types promise
  const deploy = agentServiceDefinition.Deploy!;
  const bytes = deploy.requestSerialize({ manifestKeyId: 'k1', force: true, version: '0.3' });
  const back = deploy.requestDeserialize(bytes) as Record<string, unknown>;
  assert.equal(back.manifestKeyId, 'k1');
  assert.equal(back.force, true);
  assert.equal(back.skipStop, false, 'defaults are filled');
  const status = agentServiceDefinition.Status!;
  const reply = status.responseDeserialize(status.responseSerialize({ currentVersion: '0.2', uptimeSeconds: 1.5, releases: [{ tag: 't', eggs: [] }] })) as Record<string, any>;
  assert.equal(reply.currentVersion, '0.2');
  assert.equal(reply.releases[0].tag, 't');
  assert.deepEqual(reply.backups, []);
});
