import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { findInterpreter, pruneToolchains, pythonMinorOf, toolchainDirectory } from './release-toolchain.ts';

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

test('pruning removes the virtualenvs no kept release was built with, and half-made ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-toolchains-'));
  try {
    const wheel = (sha256: string) => ({ name: 'zc.buildout', version: '4.2.0', sha256, size: 1, filename: 'zc_buildout-4.2.0-py3-none-any.whl' });
    const kept = { python: '3.12', buildout: '4.2.0', wheels: [wheel('aa')] };
    const gone = { python: '3.12', buildout: '4.1.4', wheels: [wheel('bb')] };
    for (const toolchain of [kept, gone]) mkdirSync(toolchainDirectory(dir, { python: toolchain.python, wheelShas: toolchain.wheels.map((w) => w.sha256) }));
    mkdirSync(join(dir, 'py3.13-half-made'));
    const removed = pruneToolchains(dir, [kept, undefined, { python: '3.11', buildout: '2.13.2', wheels: [] }]);
    assert.equal(removed.length, 2);
    assert.deepEqual(readdirSync(dir), [basename(toolchainDirectory(dir, { python: '3.12', wheelShas: ['aa'] }))]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
