import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from './support/ctl.ts';
import { targetOptionsTable } from '../controller/target/options-table.ts';
import { HOSTOUT_VERSION } from '../shared/hostout-version.ts';

const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');

test('the README documents every target option exactly as `ctl options` prints them', () => {
  assert.ok(readme.includes(targetOptionsTable()), 'run `ctl options` and paste its table into README.md');
});

test("the README's first screen gives the main job and the tests, and .ci/run runs the tests that way", () => {
  const firstScreen = readme.split('\n').slice(0, 20).join('\n');
  assert.match(firstScreen, /bash deploy\/install-prerequisites\.sh && npm ci && npm run demo/);
  assert.match(firstScreen, /bash deploy\/install-prerequisites\.sh && npm ci && npm test/);
  const ci = readFileSync(`${REPO_ROOT}.ci/run`, 'utf8');
  assert.match(ci, /bash deploy\/install-prerequisites\.sh/);
  assert.match(ci, /npm test/);
});

test('the agent reports the version package.json declares', () => {
  assert.equal(HOSTOUT_VERSION, JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')).version);
});
