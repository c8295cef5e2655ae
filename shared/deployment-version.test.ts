import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkVersionSeries,
  compareDeploymentVersions,
  incrementDeploymentVersion,
  isDeploymentVersion,
  nextDeploymentVersion,
  VersionSeriesError,
} from './deployment-version.ts';
import { TargetError } from './errors.ts';

test('versions are dotted whole numbers with at least two segments', () => {
  for (const good of ['0.1', '2.0', '0.10', '1.2.3', '10.0']) assert.ok(isDeploymentVersion(good), good);
  for (const bad of ['1', '', '0.01', '1.', '.1', 'v1.0', '1.0a1', '1..2', '-1.0']) assert.ok(!isDeploymentVersion(bad), bad);
});

test('the last segment counts up as a number: 0.9 -> 0.10, 2.0 -> 2.1, 1.2.9 -> 1.2.10', () => {
  assert.equal(incrementDeploymentVersion('0.1'), '0.2');
  assert.equal(incrementDeploymentVersion('0.9'), '0.10');
  assert.equal(incrementDeploymentVersion('2.0'), '2.1');
  assert.equal(incrementDeploymentVersion('1.2.9'), '1.2.10');
});

test('versions compare segment by segment; legacy whole numbers come before every dotted version', () => {
  const sorted = ['0.10', '2.0', '3', '0.2', '1', '0.9', '1.0', '0.1', '2.0.1'].sort(compareDeploymentVersions);
  assert.deepEqual(sorted, ['1', '3', '0.1', '0.2', '0.9', '0.10', '1.0', '2.0', '2.0.1']);
  assert.equal(compareDeploymentVersions('0.1', '0.1'), 0);
});

test('a host with no version yet starts at the series: 0.1 by default, 2.0 when asked', () => {
  assert.equal(nextDeploymentVersion([], '0.1'), '0.1');
  assert.equal(nextDeploymentVersion([], '2.0'), '2.0');
});

test('each new release gets the next version of the series, also after versions of failed deploys', () => {
  assert.equal(nextDeploymentVersion(['0.1'], '0.1'), '0.2');
  // 0.3 failed: it is still given out, so the next release is 0.4
  assert.equal(nextDeploymentVersion(['0.1', '0.2', '0.3'], '0.1'), '0.4');
  assert.equal(nextDeploymentVersion(['0.8', '0.9'], '0.1'), '0.10');
});

test('a higher series starts at its own first version; then counts on from there', () => {
  assert.equal(nextDeploymentVersion(['0.1', '0.2'], '2.0'), '2.0');
  assert.equal(nextDeploymentVersion(['0.1', '0.2', '2.0'], '2.0'), '2.1');
  assert.equal(nextDeploymentVersion(['0.5'], '0.20'), '0.20', 'a jump ahead within the series');
});

test('a series lower than what the host gave out is an error naming both', () => {
  assert.throws(() => nextDeploymentVersion(['0.1', '2.0', '2.1'], '0.1', '/srv/acme'), (error: unknown) => {
    assert.ok(error instanceof VersionSeriesError);
    assert.match(error.message, /version = 0\.1 is lower than version 2\.1/);
    assert.equal(error.where, '/srv/acme');
    assert.match(error.hint!, /version = 2\.0 continues at 2\.2/);
    assert.match(error.hint!, /e\.g\. version = 3\.0/);
    return true;
  });
  assert.throws(() => nextDeploymentVersion(['2.1'], '1.5'), VersionSeriesError);
});

test('hosts numbered before versions (1, 2, 3) start the configured series next', () => {
  assert.equal(nextDeploymentVersion(['1', '2', '3'], '0.1'), '0.1');
  assert.equal(nextDeploymentVersion(['1', '2', '3', '0.1'], '0.1'), '0.2');
});

test('the version option is checked where it is written', () => {
  assert.equal(checkVersionSeries('2.0', 'buildout.cfg:9'), '2.0');
  assert.throws(() => checkVersionSeries('2', 'buildout.cfg:9'), (error: unknown) => {
    assert.ok(error instanceof TargetError);
    assert.equal(error.where, 'buildout.cfg:9');
    assert.match(error.message, /version = 2: expected a version such as 0\.1 or 2\.0/);
    return true;
  });
});

test('versions are bounded (eight segments of 18 digits) and count up exactly, past 2^53', () => {
  assert.ok(!isDeploymentVersion(`0.${'9'.repeat(200_000)}`), 'a 200,000-digit version is no version');
  assert.ok(isDeploymentVersion(`0.${'9'.repeat(18)}`));
  assert.ok(!isDeploymentVersion(`0.1${'0'.repeat(18)}`), '19 digits');
  assert.ok(isDeploymentVersion('1.2.3.4.5.6.7.8'));
  assert.ok(!isDeploymentVersion('1.2.3.4.5.6.7.8.9'));
  assert.equal(incrementDeploymentVersion('0.9007199254740993'), '0.9007199254740994');
  assert.equal(incrementDeploymentVersion('0.9007199254740992'), '0.9007199254740993');
  assert.equal(compareDeploymentVersions('0.9007199254740993', '0.9007199254740992'), 1);
  assert.equal(nextDeploymentVersion(['0.9007199254740993', '0.9007199254740992'], '0.1'), '0.9007199254740994');
  assert.throws(() => checkVersionSeries(`0.${'9'.repeat(100)}`, 'buildout.cfg:9'), (error: TargetError) => error.message.length < 200 && /two to 8 whole numbers of at most 18 digits/.test(error.message));
});
