import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentLayout } from './agent-layout.ts';
import { readGivenVersions, versionForRelease } from './deployment-versions.ts';

function freshLayout(t: { after(fn: () => void): void }) {
  const root = mkdtempSync(join(tmpdir(), 'hostout-versions-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const layout = agentLayout(join(root, 'srv'));
  mkdirSync(layout.agentDir, { recursive: true });
  return layout;
}

test('the next of the series, recorded; the same release gets its version back', (t) => {
  const layout = freshLayout(t);
  assert.equal(versionForRelease(layout, 'a', '0.1', []), '0.1');
  assert.equal(versionForRelease(layout, 'b', '0.1', []), '0.2');
  assert.equal(versionForRelease(layout, 'a', '0.1', []), '0.1');
  assert.deepEqual(readGivenVersions(layout).map((v) => `${v.version} ${v.tag}`), ['0.1 a', '0.2 b']);
});

test('a version a rollout asks for is given when no other release has it here, and refused when one has', (t) => {
  const layout = freshLayout(t);
  versionForRelease(layout, 'a', '0.1', []);
  assert.equal(versionForRelease(layout, 'c', '0.1', [], '0.4'), '0.4', 'a host that missed 0.2 and 0.3 takes the rollout\'s version');
  assert.equal(versionForRelease(layout, 'c', '0.1', [], '0.9'), '0.4', 'a release keeps the version it was given');
  assert.throws(() => versionForRelease(layout, 'd', '0.1', [], '0.1'), /version 0\.1 was given to release a on this host/);
  assert.throws(() => versionForRelease(layout, 'e', '0.1', [], 'x.y'), /not a deployment version/);
  assert.equal(versionForRelease(layout, 'f', '0.1', []), '0.5', 'the series goes on after the highest given');
});
