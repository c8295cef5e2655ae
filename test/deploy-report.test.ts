/**
 * `ctl report` on a real deploy history (a real agent, real buildout, the
 * example's service): deploy, a second deploy, a deploy whose health check
 * fails and is rolled back, a rollback; the page rendered by headless Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { deployableSite } from './support/local-agent.ts';
import { freePort } from './support/ports.ts';
import { renderInChromium } from './support/headless-browser.ts';

test('ctl report draws the host\'s deploys, failed one and rollback included, and Chromium shows them', async (t) => {
  const { site, env } = await deployableSite(t);
  const deploy = async (expectedCode = 0) => {
    const result = await ctl(['deploy'], { cwd: site.dir, env });
    assert.equal(result.code, expectedCode, result.stdout + result.stderr);
  };
  await deploy();
  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# a change\n');
  await deploy();
  // version 3 answers nowhere: its health check fails and the agent puts version 2 back
  const cfg = join(site.dir, 'buildout.cfg');
  const closedPort = await freePort();
  writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/health-url = .*/, `health-url = http://127.0.0.1:${closedPort}/`).replace('health-timeout = 10', 'health-timeout = 2'));
  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# another change\n');
  await deploy(6);
  const rollback = await ctl(['rollback'], { cwd: site.dir, env });
  assert.equal(rollback.code, 0, rollback.stderr);

  const out = mkdtempSync(join(tmpdir(), 'hostout-report-'));
  const page = join(out, 'deploys.html');
  const report = await ctl(['report', '-o', page, '--json'], { cwd: site.dir, env });
  assert.equal(report.code, 0, report.stderr + report.stdout);
  const { hosts } = JSON.parse(report.stdout);
  const deploys = hosts[0].deploys as { kind: string; version: string; outcome: string; bytesReceived: number; wentDown: boolean; downtimeMs: number; failure: string }[];
  assert.deepEqual(deploys.map((d) => `${d.kind} ${d.version} ${d.outcome}`), ['deploy 0.1 deployed', 'deploy 0.2 deployed', 'deploy 0.3 rolled-back', 'rollback 0.1 done']);
  assert.ok(deploys.slice(0, 3).every((d) => d.bytesReceived > 0), 'each deploy sent something: the agent counted it');
  assert.equal(deploys[0]!.wentDown, false, 'nothing ran before the first deploy');
  assert.ok(deploys[1]!.wentDown && deploys[1]!.downtimeMs > 0);
  assert.match(deploys[2]!.failure, /health check failed/);

  const screenshot = join(out, 'deploys.png');
  const { dom } = await renderInChromium(page, { screenshot, width: 1100, height: 900 });
  t.diagnostic(`screenshot of the report: ${screenshot}`);
  console.log(`# ctl report page: ${page}\n# screenshot: ${screenshot}`);
  assert.ok(existsSync(screenshot) && statSync(screenshot).size > 10_000, 'Chromium took a screenshot');
  assert.match(dom, /<section class="host" data-host="production \(127\.0\.0\.1\)">/);
  for (const phase of ['verify', 'stage', 'build', 'stop', 'backup', 'switch', 'start', 'health', 'rollback']) {
    assert.match(dom, new RegExp(`data-phase="${phase}"`), `phase ${phase} on a timeline`);
  }
  assert.equal((dom.match(/<rect class="downtime"/g) ?? []).length, 3, 'downtime bands for deploy 2, the failed deploy 3 and the rollback');
  assert.match(dom, /data-outcome="rolled-back"[\s\S]*?failed, rolled back[\s\S]*?health check failed[\s\S]*?class="phase failed" data-phase="health"/);
  assert.match(dom, /Rollback to version 0\.1 <span class="badge done">rolled back<\/span>/);
  assert.match(dom, /\d+(\.\d)? (KiB|MiB) sent/);
});
