import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeployOutputStore, GONE_RELEASE_LOGS_KEPT, PHASE_LOG_MAX_BYTES, type OutputLine } from './deploy-output-store.ts';

function store(t: { after(fn: () => void): void }): DeployOutputStore {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-deploy-output-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return new DeployOutputStore(join(dir, 'deploys'));
}

test('output is stored per tag and phase, markers among it, and announced to followers until the run ends', (t) => {
  const output = store(t);
  const heard: OutputLine[] = [];
  const ended: string[] = [];
  output.live.on('line', (line: OutputLine) => heard.push(line));
  output.live.on('end', (tag: string) => ended.push(tag));
  const run = output.begin({ tag: 'v1', version: '0.1', deployId: 'a' });
  assert.equal(output.runningTag(), 'v1');
  run.marker('build', 'started', 'running buildout');
  run.output('build', 'Installing app.');
  run.output('health', 'GET / 200');
  output.end('v1');
  assert.match(output.read('v1', 'build'), /^==> \S+ build started: running buildout\nInstalling app\.\n$/);
  assert.deepEqual(output.phasesOf('v1'), ['build', 'health']);
  assert.deepEqual(heard.map((l) => `${l.phase}: ${l.text}`).slice(1), ['build: Installing app.', 'health: GET / 200']);
  assert.deepEqual(ended, ['v1']);
  assert.equal(output.runningTag(), undefined);
  assert.equal(output.latestTag(), 'v1');
});

test('a phase log stops at its cap with a line that says so', (t) => {
  const output = store(t);
  const run = output.begin({ tag: 'big', version: '0.1', deployId: 'a' });
  const line = 'x'.repeat(1000);
  for (let i = 0; i < (PHASE_LOG_MAX_BYTES / 1000) + 50; i++) run.output('build', line);
  const text = output.read('big', 'build');
  assert.ok(statSync(join(output.dir, 'big', 'build.log')).size <= PHASE_LOG_MAX_BYTES + 200);
  assert.match(text, /==> output cut here: this phase's log reached \d+ bytes.*\n$/);
});

test('pruning keeps the output of kept releases and of the newest gone ones', async (t) => {
  const output = store(t);
  const tags = Array.from({ length: GONE_RELEASE_LOGS_KEPT + 3 }, (_, i) => `t${i}`);
  for (const tag of tags) {
    output.begin({ tag, version: '0.1', deployId: tag }).output('build', tag);
    output.end(tag);
    await new Promise((r) => setTimeout(r, 2)); // distinct start times
  }
  const removed = output.prune(['t0']);
  assert.deepEqual(removed, ['t1', 't2']);
  assert.ok(existsSync(join(output.dir, 't0')), 'a kept release keeps its output');
  assert.equal(output.latestTag(), tags.at(-1));
});
