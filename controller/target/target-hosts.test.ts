import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHostAddress, readTargetHosts, selectHosts } from './target-hosts.ts';

const where = (key: string) => `buildout.cfg [production] ${key}`;
const options = (extra: Record<string, string>) => new Map(Object.entries({ host: '127.0.0.1', 'agent-port': '7611', 'ssh-port': '22', ...extra }));

test('host addresses: a name, a port, IPv6 in brackets; anything else is an error', () => {
  assert.deepEqual(parseHostAddress('web1', 7611, 'x'), { host: 'web1', agentPort: 7611 });
  assert.deepEqual(parseHostAddress('10.0.0.5:7700', 7611, 'x'), { host: '10.0.0.5', agentPort: 7700 });
  assert.deepEqual(parseHostAddress('[::1]:7612', 7611, 'x'), { host: '::1', agentPort: 7612 });
  assert.throws(() => parseHostAddress('web1:99999', 7611, 'x'), /not HOST or HOST:AGENT-PORT/);
  assert.throws(() => parseHostAddress('a:b:c', 7611, 'x'), /not HOST or HOST:AGENT-PORT/);
});

test('hosts: one per line or space-separated, ports defaulting to the target\'s', () => {
  const hosts = readTargetHosts(options({ hosts: 'web1 web2:7700\n  web3' }), new Set(['hosts']), '/b', where);
  assert.deepEqual(hosts, [
    { host: 'web1', agentPort: 7611, sshPort: 22 },
    { host: 'web2', agentPort: 7700, sshPort: 22 },
    { host: 'web3', agentPort: 7611, sshPort: 22 },
  ]);
  assert.deepEqual(readTargetHosts(options({}), new Set(), '/b', where), [{ host: '127.0.0.1', agentPort: 7611, sshPort: 22 }]);
});

test('host and hosts together, or a host listed twice, are errors naming the option', () => {
  assert.throws(() => readTargetHosts(options({ hosts: 'a b' }), new Set(['host', 'hosts']), '/b', where), (e: any) => /host and hosts are both set/.test(e.message) && e.where === where('hosts'));
  assert.throws(() => readTargetHosts(options({ hosts: 'a a:7611' }), new Set(['hosts']), '/b', where), /host a:7611 is listed twice/);
  assert.throws(() => readTargetHosts(options({ 'hosts-from': 'inventory.ini' }), new Set(['hosts-from']), '/b', where), /takes an inventory file and a group/);
});

test('--hosts narrows to named hosts, by name or host:port, and refuses strangers', () => {
  const hosts = readTargetHosts(options({ hosts: 'web1 web2:7700 web3' }), new Set(['hosts']), '/b', where);
  assert.deepEqual(selectHosts(hosts, 'web3,web2:7700').map((h) => h.host), ['web2', 'web3']);
  assert.deepEqual(selectHosts(hosts, undefined).length, 3);
  assert.throws(() => selectHosts(hosts, 'web9'), (e: any) => /--hosts names web9/.test(e.message) && /web1:7611, web2:7700, web3:7611/.test(e.hint));
});

test('ports from an inventory are checked as hosts = checks them: abc, 0 and 70000 are refused, naming the host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-inventory-ports-'));
  try {
    for (const bad of ['abc', '0', '70000']) {
      writeFileSync(join(dir, 'inventory.ini'), `[web]\nweb1 hostout_agent_port=${bad}\n`);
      assert.throws(() => readTargetHosts(options({ 'hosts-from': 'inventory.ini web' }), new Set(['hosts-from']), dir, where), new RegExp(`hostout_agent_port = ${bad} for host web1: expected a port, a whole number from 1 to 65535`));
    }
    writeFileSync(join(dir, 'inventory.ini'), '[web]\nweb1 ansible_port=22x\n');
    assert.throws(() => readTargetHosts(options({ 'hosts-from': 'inventory.ini web' }), new Set(['hosts-from']), dir, where), /ansible_port = 22x for host web1/);
    writeFileSync(join(dir, 'inventory.ini'), '[web]\nweb1 hostout_agent_port=7700 ansible_port=2222\n');
    assert.deepEqual(readTargetHosts(options({ 'hosts-from': 'inventory.ini web' }), new Set(['hosts-from']), dir, where), [{ host: 'web1', agentPort: 7700, sshPort: 2222 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
