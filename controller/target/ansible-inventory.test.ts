import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inventoryGroupHosts } from './ansible-inventory.ts';

function withInventory(name: string, text: string, check: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-inventory-'));
  try {
    writeFileSync(join(dir, name), text);
    check(join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const INI = `# web tier
[web]
web[01:03].example.com hostout_agent_port=7612
app.example.com ansible_host=10.0.0.9 ansible_port=2222

[db]
db1.example.com

[prod:children]
web
db

[web:vars]
hostout_agent_port=7700
`;

test('INI: a group with ranges, host vars over group vars, children', () => {
  withInventory('hosts.ini', INI, (file) => {
    assert.deepEqual(inventoryGroupHosts(file, 'web', 'here'), [
      { name: 'web01.example.com', vars: { hostout_agent_port: '7612' } },
      { name: 'web02.example.com', vars: { hostout_agent_port: '7612' } },
      { name: 'web03.example.com', vars: { hostout_agent_port: '7612' } },
      { name: 'app.example.com', vars: { hostout_agent_port: '7700', ansible_host: '10.0.0.9', ansible_port: '2222' } },
    ]);
    assert.deepEqual(inventoryGroupHosts(file, 'prod', 'here').map((h) => h.name), ['web01.example.com', 'web02.example.com', 'web03.example.com', 'app.example.com', 'db1.example.com']);
    assert.equal(inventoryGroupHosts(file, 'all', 'here').length, 5);
  });
});

test('YAML: hosts, vars and nested children', () => {
  const yaml = `all:
  children:
    webservers:
      vars:
        hostout_agent_port: 7613
      hosts:
        web1:
          ansible_host: 127.0.0.2
        web2:
    databases:
      hosts:
        db1:
`;
  withInventory('hosts.yml', yaml, (file) => {
    assert.deepEqual(inventoryGroupHosts(file, 'webservers', 'here'), [
      { name: 'web1', vars: { hostout_agent_port: '7613', ansible_host: '127.0.0.2' } },
      { name: 'web2', vars: { hostout_agent_port: '7613' } },
    ]);
    assert.deepEqual(inventoryGroupHosts(file, 'all', 'here').map((h) => h.name).sort(), ['db1', 'web1', 'web2']);
  });
});

test('a missing group, a missing file, a bad host line and bad YAML are errors naming where', () => {
  withInventory('hosts.ini', INI, (file) => {
    assert.throws(() => inventoryGroupHosts(file, 'cache', 'buildout.cfg:7'), (e: any) => /no group 'cache'/.test(e.message) && /web, db, prod/.test(e.hint) && e.where === 'buildout.cfg:7');
    assert.throws(() => inventoryGroupHosts(`${file}.missing`, 'web', 'buildout.cfg:7'), /cannot read the inventory .*ENOENT/);
  });
  withInventory('hosts', '[web]\nweb1 port\n', (file) => {
    assert.throws(() => inventoryGroupHosts(file, 'web', 'x'), (e: any) => e.where === `${file}:2` && /key=value/.test(e.message));
  });
  withInventory('hosts.yaml', 'all:\n  hosts: [unclosed\n', (file) => {
    assert.throws(() => inventoryGroupHosts(file, 'all', 'x'), /not valid YAML/);
  });
});

test('host counts are capped before anything is expanded; several ranges multiply, without recursion', () => {
  withInventory('huge.ini', '[web]\nweb[0:999999]\n', (file) => {
    assert.throws(() => inventoryGroupHosts(file, 'web', 'buildout.cfg:9'), /the host pattern web\[0:999999\] gives more than 10000 hosts/);
  });
  withInventory('nested.ini', '[web]\nw[0:999][0:999][0:99]\n', (file) => {
    assert.throws(() => inventoryGroupHosts(file, 'web', 'buildout.cfg:9'), /gives more than 10000 hosts/);
  });
  withInventory('two.ini', '[web]\nrack[1:2]-web[01:03]\n', (file) => {
    assert.deepEqual(inventoryGroupHosts(file, 'web', 'w').map((h) => h.name), ['rack1-web01', 'rack1-web02', 'rack1-web03', 'rack2-web01', 'rack2-web02', 'rack2-web03']);
  });
  withInventory('many.ini', `[web]\n${Array.from({ length: 11 }, (_, i) => `r${i}-web[0:999]`).join('\n')}\n`, (file) => {
    assert.throws(() => inventoryGroupHosts(file, 'web', 'w'), /group \[web\] gives more than 10000 hosts/);
  });
});

test('a YAML inventory whose alias refers to itself is read once, not recursed into for ever', () => {
  withInventory('loop.yml', 'web: &web\n  hosts:\n    a.example.com:\n  children:\n    again: *web\n', (file) => {
    assert.deepEqual(inventoryGroupHosts(file, 'web', 'w').map((h) => h.name), ['a.example.com']);
  });
});
