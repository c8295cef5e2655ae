/**
 * The audit log against a flood (issue 20, item 7), with a real agent: 800 refusals from a
 * stranger claiming a new key id on every call are one line and a count, kept apart from
 * what authorized keys did, so an earlier Exec is still in `ctl history`; a 900 KB command
 * line is written cut, not whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { startLocalAgent, stopAgentAndApp } from './support/local-agent.ts';
import { SignedAttackClient } from './support/attack-client.ts';
import { controllerKeyFromSecretKey, loadOrCreateControllerKey } from '../shared/trust/controller-key.ts';

test('a refusal flood with made-up key ids is one line; what authorized keys did stays; a 900 KB command line is cut', { timeout: 300_000 }, async (t) => {
  const agent = await startLocalAgent();
  t.after(() => stopAgentAndApp(agent));
  const owner = new SignedAttackClient(agent.port, agent.path, agent.fingerprint, loadOrCreateControllerKey(agent.configDir));
  t.after(() => owner.close());

  // an Exec with a huge command line (nothing is deployed: it is refused after it was audited)
  await owner.stream('Exec', { argv: ['echo', 'x'.repeat(900_000)], timeoutSeconds: 10 }).catch(() => undefined);
  const audit = readFileSync(join(agent.path, 'agent/audit'), 'utf8');
  assert.ok(audit.length < 10_000, `the audit file holds ${audit.length} bytes after one 900 KB command line`);
  assert.match(audit, /more characters not kept/);

  for (let i = 0; i < 800; i++) {
    const stranger = new SignedAttackClient(agent.port, agent.path, agent.fingerprint, controllerKeyFromSecretKey(nacl.sign.keyPair().secretKey));
    await stranger.unary('Status', {}).catch(() => undefined);
    stranger.close();
  }
  const refusals = readFileSync(join(agent.path, 'agent/audit-refusals'), 'utf8').split('\n').filter(Boolean);
  assert.ok(refusals.length <= 3, `${refusals.length} refusal lines for 800 refusals`);
  const history = await owner.unary<{ entries: { action: string; outcome: string }[] }>('History', { limit: 50 });
  assert.ok(history.entries.some((e) => e.action === 'Exec'), 'the Exec before the flood is still in the history');
  assert.ok(history.entries.some((e) => e.outcome === 'refused'), 'and the refusals are in it too');
});
