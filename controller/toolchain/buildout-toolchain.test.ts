import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeToolchain, shipsToolchainWheels } from './buildout-toolchain.ts';

test("Debian's python3: zc.buildout 2.13 from dist-packages, the host's own, not shipped", () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-toolchain-'));
  try {
    const cache = join(dir, 'toolchain.json');
    const toolchain = describeToolchain('/usr/bin/python3', cache, '[deploy] python');
    assert.equal(toolchain.buildout, '2.13.2');
    assert.match(toolchain.pythonMinor, /^3\.\d+$/);
    assert.equal(toolchain.virtualenv, false);
    assert.deepEqual(toolchain.dists.map((d) => [d.name, d.packable]), [['zc.buildout', false]], 'installed by Debian, not pip: no RECORD');
    assert.equal(shipsToolchainWheels(toolchain), false);
    assert.ok(existsSync(cache), 'remembered for the next command');
    assert.equal(JSON.parse(readFileSync(cache, 'utf8')).toolchain.buildout, '2.13.2');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a python without zc.buildout, and one that does not exist, are refused naming the python and the option', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-toolchain-'));
  try {
    execFileSync('/usr/bin/python3', ['-m', 'venv', '--without-pip', join(dir, 'venv')]);
    assert.throws(() => describeToolchain(join(dir, 'venv/bin/python'), undefined, '[deploy] python'), (error: Error & { where?: string; hint?: string }) => {
      assert.match(error.message, /venv\/bin\/python \(Python 3\.\d+\.\d+\) holds no zc\.buildout$/);
      assert.equal(error.where, '[deploy] python');
      assert.match(error.hint!, /virtualenv's bin\/python/);
      return true;
    });
    assert.throws(() => describeToolchain(join(dir, 'missing/python'), undefined, '[deploy] python'), /missing\/python cannot be run to ask which buildout it holds: not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
