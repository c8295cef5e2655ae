import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rolloutVersion } from './rollout-version.ts';

const manifest = (tag: string, versionSeries?: string) => ({ tag, settings: { versionSeries } });
const host = (...given: [string, string][]) => ({ versionsGiven: given.map(([version, tag]) => ({ version, tag })) });

test('the next after every version any host gave out, so a canary that failed alone does not split the numbering', () => {
  // host 1 gave 0.3 to a release whose canary failed; the others stopped at 0.2
  const hosts = [host(['0.1', 'a'], ['0.2', 'b'], ['0.3', 'c']), host(['0.1', 'a'], ['0.2', 'b']), host()];
  assert.equal(rolloutVersion(manifest('d'), hosts), '0.4');
});

test('a release some host already numbered keeps that number everywhere (a retry)', () => {
  assert.equal(rolloutVersion(manifest('c'), [host(['0.1', 'a'], ['0.3', 'c']), host(['0.1', 'a'])]), '0.3');
});

test('new hosts start the series; a higher series starts there; a lower one is refused', () => {
  assert.equal(rolloutVersion(manifest('a'), [host(), host()]), '0.1');
  assert.equal(rolloutVersion(manifest('x', '2.0'), [host(['0.4', 'd'])]), '2.0');
  assert.throws(() => rolloutVersion(manifest('y', '0.1'), [host(['2.1', 'e'])]), /version = 0\.1 is lower than version 2\.1/);
});
