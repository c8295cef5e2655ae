import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findInterpreter, pythonMinorOf, toolchainDirectory } from './release-toolchain.ts';

test('the interpreter of a version is the agent\'s own when it is that version', async () => {
  const minor = (await pythonMinorOf('/usr/bin/python3'))!;
  assert.match(minor, /^3\.\d+$/);
  assert.equal(await findInterpreter(minor, '/usr/bin/python3'), '/usr/bin/python3');
});

test('a version the host lacks is refused naming it, where it looked, and what the host has', async () => {
  await assert.rejects(findInterpreter('3.1', '/usr/bin/python3'), (error: Error) => {
    assert.match(error.message, /^this host has no Python 3\.1, which the release's eggs and buildout toolchain were made with: looked for python3\.1 in .*\/usr\/bin/);
    assert.match(error.message, /\/usr\/bin\/python3 is 3\.\d+/);
    return true;
  });
});

test('a toolchain\'s virtualenv is named after its Python and its wheels\' bytes, in any order', () => {
  const a = toolchainDirectory('/srv/t', { python: '3.12', wheelShas: ['aa', 'bb'] });
  assert.match(a, /^\/srv\/t\/py3\.12-[0-9a-f]{12}$/);
  assert.equal(toolchainDirectory('/srv/t', { python: '3.12', wheelShas: ['bb', 'aa'] }), a);
  assert.notEqual(toolchainDirectory('/srv/t', { python: '3.13', wheelShas: ['aa', 'bb'] }), a);
  assert.notEqual(toolchainDirectory('/srv/t', { python: '3.12', wheelShas: ['aa', 'cc'] }), a);
});
