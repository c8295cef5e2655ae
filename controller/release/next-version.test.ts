import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickVersion, incrementLastSegment } from './next-version.ts';
import { ReleaseError } from '../../shared/errors.ts';
import * as pep440 from '@renovatebot/pep440';

test('the first release of a package uses the declared version', () => {
  assert.deepEqual(pickVersion('acme.web', '1.4', 'h1', []), { kind: 'mint', version: '1.4' });
});

test('changed content gets the next post release: 1.4 -> 1.4.post1 -> 1.4.post2', () => {
  const minted = [{ version: '1.4', sourceHash: 'h1' }];
  assert.deepEqual(pickVersion('p', '1.4', 'h2', minted), { kind: 'mint', version: '1.4.post1' });
  minted.push({ version: '1.4.post1', sourceHash: 'h2' });
  assert.deepEqual(pickVersion('p', '1.4', 'h3', minted), { kind: 'mint', version: '1.4.post2' });
});

test('unchanged content keeps its version', () => {
  const minted = [{ version: '1.4', sourceHash: 'h1' }, { version: '1.4.post1', sourceHash: 'h2' }];
  assert.deepEqual(pickVersion('p', '1.4', 'h2', minted), { kind: 'unchanged', version: '1.4.post1' });
});

test('content that was released before gets that version back, not a new one', () => {
  const minted = [{ version: '1.4', sourceHash: 'h1' }, { version: '1.4.post1', sourceHash: 'h2' }];
  assert.deepEqual(pickVersion('p', '1.4', 'h1', minted), { kind: 'reuse', version: '1.4' });
});

test('a raised declared version starts the series again from it', () => {
  const minted = [{ version: '1.4.post3', sourceHash: 'h1' }];
  assert.deepEqual(pickVersion('p', '1.5', 'h2', minted), { kind: 'mint', version: '1.5' });
});

test('development versions count up their dev number', () => {
  const minted = [{ version: '2.0.dev0', sourceHash: 'h1' }];
  assert.deepEqual(pickVersion('p', '2.0.dev0', 'h2', minted), { kind: 'mint', version: '2.0.dev1' });
});

test('a declared version below what was released is refused with the version to use', () => {
  const minted = [{ version: '1.5.post2', sourceHash: 'h1' }];
  assert.throws(() => pickVersion('p', '1.4', 'h2', minted), (e: unknown) => {
    assert.ok(e instanceof ReleaseError);
    assert.match(e.message, /declares 1\.4, but 1\.5\.post2 was already released/);
    assert.match(e.hint ?? '', /1\.5\.post3/);
    return true;
  });
});

test('a declared version that is not PEP 440 is refused', () => {
  assert.throws(() => pickVersion('p', 'banana', 'h', []), /not a PEP 440 version/);
});

test('every minted version is strictly greater than all before it', () => {
  const minted: { version: string; sourceHash: string }[] = [];
  let previous = '';
  for (let i = 0; i < 30; i++) {
    const { version } = pickVersion('p', '3.1rc1', `h${i}`, minted);
    if (previous) assert.ok(pep440.gt(version, previous), `${version} after ${previous}`);
    assert.ok(!minted.some((m) => m.version === version));
    minted.push({ version, sourceHash: `h${i}` });
    previous = version;
  }
  assert.equal(minted.at(-1)!.version, '3.1rc1.post29');
});

test('incrementLastSegment keeps epoch and pre-release', () => {
  assert.equal(incrementLastSegment('1!2.0b1'), '1!2.0b1.post1');
  assert.equal(incrementLastSegment('1.0.post4.dev2'), '1.0.post4.dev3');
});
