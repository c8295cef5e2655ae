import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deployReportHtml, failureSummary, timelineScaleMs } from './deploy-report-html.ts';
import type { DeployRecord } from '../../shared/deploy/deploy-record.ts';

function record(overrides: Partial<DeployRecord>): DeployRecord {
  return {
    deployId: 'd', kind: 'deploy', tag: '20261201T100000Z-abc123', version: '0.1', previousTag: '', started: '2026-12-01T10:00:00.000Z',
    durationMs: 10_000, outcome: 'deployed', failure: '', wentDown: false, downtimeMs: 0, bytesReceived: 0, phases: [], ...overrides,
  };
}

const deployed = record({
  version: '0.2', durationMs: 12_000, wentDown: true, downtimeMs: 1500, bytesReceived: 3 * 1024 * 1024,
  phases: [
    { phase: 'build', startMs: 0, durationMs: 10_000, outcome: 'done' },
    { phase: 'stop', startMs: 10_000, durationMs: 200, outcome: 'done' },
    { phase: 'health', startMs: 11_000, durationMs: 500, outcome: 'done' },
  ],
});
const failed = record({
  version: '0.3', outcome: 'rolled-back', failure: 'health check failed after 2 attempts: <connection refused>\nmore', wentDown: true, downtimeMs: 4000,
  phases: [
    { phase: 'stop', startMs: 0, durationMs: 100, outcome: 'done' },
    { phase: 'health', startMs: 1000, durationMs: 2000, outcome: 'failed', message: 'health check failed' },
    { phase: 'rollback', startMs: 3000, durationMs: 1000, outcome: 'done' },
  ],
});

const page = deployReportHtml({ title: 'Deploys of prod', generated: '2026-12-01T11:00:00.000Z', hosts: [{ name: 'prod (127.0.0.1:7000)', hostname: 'web1', deploys: [deployed, failed] }, { name: 'db <2>', deploys: [], error: 'unreachable' }] });

test('a self-contained page: no script, nothing fetched from elsewhere', () => {
  assert.match(page, /^<!doctype html>/);
  assert.doesNotMatch(page, /<script|<link|@import|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
});

test('each deploy shows its version, outcome, bytes sent and downtime; newest first', () => {
  assert.ok(page.indexOf('Version 0.3') < page.indexOf('Version 0.2'));
  assert.match(page, /Version 0.2 <span class="badge deployed">deployed<\/span>/);
  assert.match(page, /3\.0 MiB sent · down 1\.5 s/);
  assert.match(page, /data-outcome="rolled-back"/);
  assert.match(page, /failed, rolled back/);
});

test('the timeline draws phases to scale, the failed one marked, the downtime as a band from stop', () => {
  // the host's longest deploy (12 s) spans the 620 px timeline: build of 10 s is 516.7 px
  assert.match(page, /data-phase="build"><rect x="0.0" y="6" width="516.7"/);
  assert.match(page, /class="phase failed" data-phase="health">.*✕/);
  assert.match(page, /<rect class="downtime" x="516.7" y="1" width="77.5"/);
});

test('text from the host is escaped, and a host that could not be asked says so', () => {
  assert.match(page, /&lt;connection refused&gt;/);
  assert.doesNotMatch(page, /more<\/div>/);
  assert.match(page, /db &lt;2&gt;.*Could not ask this host: unreachable/s);
});

test('one long failed deploy does not squeeze the others: it is cut at the scale of the usual ones and says its length', () => {
  assert.equal(timelineScaleMs([2000, 2200, 1800, 32_000]), 2200);
  assert.equal(timelineScaleMs([2000, 5000, 4000]), 5000, 'deploys within 4x the median all fit');
  const long = record({ version: '0.5', outcome: 'rolled-back', durationMs: 32_000, failure: 'x', phases: [{ phase: 'build', startMs: 0, durationMs: 32_000, outcome: 'failed', message: 'x' }] });
  const quick = record({ version: '0.4', durationMs: 2000, phases: [{ phase: 'build', startMs: 0, durationMs: 2000, outcome: 'done' }] });
  const html = deployReportHtml({ title: 't', generated: '2026-12-01T11:00:00.000Z', hosts: [{ name: 'h', deploys: [quick, { ...quick, version: '0.3' }, long] }] });
  assert.match(html, /cut at 2\.0 s: 32\.0 s in all/);
  assert.match(html, /The last 3 deploys and rollbacks that went as far as the host(&#39;|')s journal/);
});

test('a build failure shows its cause, not only "buildout failed (exit 1):"', () => {
  const failure = 'buildout failed (exit 1):\n  Installing app.\n  While:\n    Installing app.\n  Error: Couldn\'t find a distribution for \'acme.web==1.0.post3\'.\n  hint: ctl logs --tag x';
  assert.deepEqual(failureSummary(failure), ['buildout failed (exit 1):', 'Installing app.', 'While:', 'Installing app.', "Error: Couldn't find a distribution for 'acme.web==1.0.post3'."]);
  assert.deepEqual(failureSummary('health check failed after 2 attempts\nmore'), ['health check failed after 2 attempts']);
});

test('a host that lies gets no markup into the page: outcome, kind and phase outcome are mapped through fixed sets, the rest escaped', () => {
  const evil = '"><script>alert(1)</script><b class="';
  const lie = record({
    version: evil, tag: evil, kind: evil as DeployRecord['kind'], outcome: evil as DeployRecord['outcome'], failure: evil, by: evil, source: evil,
    phases: [{ phase: evil, startMs: 0, durationMs: 10, outcome: evil as 'done', message: evil }],
  });
  const html = deployReportHtml({ title: 't', generated: '2026-12-01T11:00:00.000Z', hosts: [{ name: evil, hostname: evil, deploys: [lie] }] });
  assert.doesNotMatch(html, /<script/);
  assert.doesNotMatch(html, /<b class=/);
  assert.match(html, /data-outcome="unknown" data-kind="unknown"/);
  assert.match(html, /class="phase unknown"/);
  assert.match(html, /unknown outcome/);
});
