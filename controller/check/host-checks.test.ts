import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildoutCheck, clockCheck, diskCheck, lockCheck, pythonCheck, type HostFacts } from './host-checks.ts';

const facts: HostFacts = {
  python: '/usr/bin/python3',
  pythonVersion: '3.11.2',
  pythonPlatform: 'linux-x86_64',
  abiTag: 'cp311',
  buildoutImportable: true,
  buildoutVersion: '2.13.2',
  pythonError: '',
  launcher: '/srv/acme/agent/buildout_launcher.py',
  launcherPresent: true,
  path: '/srv/acme',
  freeBytes: 10_000,
  timeMs: 0,
};

test('python: eggs for the host python pass; another version fails naming the egg', () => {
  assert.equal(pythonCheck(facts, ['a-1-py3.11.egg']).status, 'ok');
  const wrong = pythonCheck({ ...facts, pythonVersion: '3.9.2' }, ['a-1-py3.11.egg']);
  assert.equal(wrong.status, 'fail');
  assert.match(wrong.message, /a-1-py3\.11\.egg is for Python 3\.11, the host runs 3\.9\.2/);
  const cannotRun = pythonCheck({ ...facts, pythonVersion: '', pythonError: 'cannot run /opt/py: ENOENT' }, []);
  assert.deepEqual([cannotRun.status, cannotRun.message], ['fail', 'cannot run /opt/py: ENOENT']);
});

test('buildout: not importable, or the launcher gone, fail with what to run', () => {
  assert.equal(buildoutCheck(facts).status, 'ok');
  const missing = buildoutCheck({ ...facts, buildoutImportable: false, pythonError: "ModuleNotFoundError: No module named 'zc'" });
  assert.equal(missing.status, 'fail');
  assert.match(missing.hint!, /python3-zc\.buildout|--python/);
  assert.match(buildoutCheck({ ...facts, launcherPresent: false }).hint!, /hostout-agent init --path \/srv\/acme/);
});

test('disk: free space is compared with four times what would be sent', () => {
  assert.equal(diskCheck(facts, 2500).status, 'ok');
  const short = diskCheck(facts, 2501);
  assert.equal(short.status, 'fail');
  assert.match(short.message, /needs about 9\.8 KiB \(4 × 2\.4 KiB to send/);
  assert.match(diskCheck({ ...facts, freeBytes: 0 }, 0).message, /the host has every file/);
});

test('lock: a held lock fails as a LockError naming its holder', () => {
  assert.equal(lockCheck({}).status, 'ok');
  const held = lockCheck({ lock: { holder: 'abcd', since: '2026-12-01T10:00:00Z', tag: '20261201-aaaa1111' } });
  assert.deepEqual([held.status, held.kind], ['fail', 'LockError']);
  assert.match(held.message, /held by abcd since 2026-12-01T10:00:00Z \(20261201-aaaa1111\)/);
});

test('clock: ok within a minute, a warning well before the 5 minute window, a failure from half of it', () => {
  assert.equal(clockCheck(1_500).status, 'ok');
  assert.match(clockCheck(-1_500).message, /1\.5 s behind/);
  assert.equal(clockCheck(90_000).status, 'warn');
  const far = clockCheck(-200_000);
  assert.deepEqual([far.status, far.kind], ['fail', 'TrustError']);
});

const shipped = {
  python: '3.12.1',
  pythonMinor: '3.12',
  buildout: '4.2.0',
  dists: [{ name: 'zc.buildout', version: '4.2.0' }, { name: 'setuptools', version: '81.0.0' }],
  shipsWheels: true,
};

test('toolchain: a shipped one shows beside the host\'s Python of its version; a host without that Python fails naming both', () => {
  const fits = { ...facts, toolchainInterpreter: '/usr/local/bin/python3.12', toolchainInterpreterVersion: '3.12.1', toolchainInstalled: false };
  const line = buildoutCheck(fits, shipped);
  assert.equal(line.status, 'ok');
  assert.match(line.message, /^release: zc\.buildout 4\.2\.0, setuptools 81\.0\.0 \(Python 3\.12\.1\); host: Python 3\.12\.1 at \/usr\/local\/bin\/python3\.12, its virtualenv is made from the shipped wheels at the next deploy$/);
  assert.match(buildoutCheck({ ...fits, toolchainInstalled: true }, shipped).message, /its virtualenv is made$/);
  assert.equal(pythonCheck(fits, ['a-1-py3.12.egg'], shipped).status, 'ok', 'eggs for 3.12 fit the host\'s 3.12, whatever the agent itself runs');

  const lacking = { ...facts, toolchainError: 'this host has no Python 3.12, which the release\'s eggs and buildout toolchain were made with: looked for python3.12 in /usr/bin' };
  const python = pythonCheck(lacking, ['a-1-py3.12.egg'], shipped);
  assert.equal(python.status, 'fail');
  assert.match(python.message, /no Python 3\.12/);
  assert.match(python.hint!, /install Python 3\.12 on the host, or .* \(3\.11\.2 at \/usr\/bin\/python3\)/);
  assert.equal(buildoutCheck(lacking, shipped).status, 'fail');
});

test('toolchain: the host\'s own buildout builds a release that ships none, and the line says so', () => {
  const own = buildoutCheck(facts, { ...shipped, python: '3.11.2', pythonMinor: '3.11', buildout: '2.13.2', dists: [{ name: 'zc.buildout', version: '2.13.2' }], shipsWheels: false });
  assert.equal(own.status, 'ok');
  assert.match(own.message, /^release: the host's own zc\.buildout \(built here with zc\.buildout 2\.13\.2, Python 3\.11\.2\); host: zc\.buildout 2\.13\.2 imports/);
});

test('python: the line names the Python that builds the release, with its own ABI tag', () => {
  const line = pythonCheck({ ...facts, toolchainInterpreter: '/usr/local/bin/python3.12', toolchainInterpreterVersion: '3.12.1' }, ['a-1-py3.12.egg'], shipped);
  assert.equal(line.message, '/usr/local/bin/python3.12 is Python 3.12.1 (linux-x86_64, cp312): fits all 1 eggs');
});
