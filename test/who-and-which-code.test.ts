/**
 * Who did what, and from which code (issue 19, item 5): a key authorized with a name is
 * shown by that name in locks, status, history and the report; a release records the
 * checkout's revision (git or Mercurial, and its uncommitted files), shown in status,
 * history and the report; a deploy of uncommitted changes is warned about.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT, ctl, runCommand } from './support/ctl.ts';
import { deployableSite } from './support/local-agent.ts';

async function inCheckout(dir: string, argv: string[]): Promise<void> {
  const run = await runCommand(argv[0]!, argv.slice(1), { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'Ana', GIT_AUTHOR_EMAIL: 'ana@example.com', GIT_COMMITTER_NAME: 'Ana', GIT_COMMITTER_EMAIL: 'ana@example.com', HGUSER: 'Ana <ana@example.com>' } });
  assert.equal(run.code, 0, `${argv.join(' ')}: ${run.stderr}`);
}

test('a named key and a git checkout: who and which code in locks, status, history and the report; uncommitted changes warned about', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  const key = (await ctl(['keys', 'show'], { env })).stdout.trim();
  const named = await runCommand(process.execPath, [AGENT, 'authorize', '--path', agent.path, key, 'ana@laptop']);
  assert.equal(named.code, 0, named.stderr);
  assert.match(named.stdout, /^Already authorized, now named: ana@laptop \([0-9a-f]{16}\)\n$/);
  const keyId = /\(([0-9a-f]{16})\)/.exec(named.stdout)![1]!;

  await inCheckout(site.dir, ['git', 'init', '-q']);
  await inCheckout(site.dir, ['git', 'add', '-A']);
  await inCheckout(site.dir, ['git', 'commit', '-q', '-m', 'the site']);
  const revision = (await runCommand('git', ['rev-parse', 'HEAD'], { cwd: site.dir })).stdout.trim();
  const first = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stdout, /uncommitted/);

  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# not committed yet\n');
  const dirty = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(dirty.code, 0, dirty.stderr);
  assert.match(dirty.stdout, new RegExp(`warning: deploying uncommitted changes: 1 file differs from git ${revision.slice(0, 12)}`));

  const status = JSON.parse((await ctl(['status', '--json'], { cwd: site.dir, env })).stdout);
  assert.deepEqual(status.releases.map((r: { source: string }) => r.source), [`git ${revision.slice(0, 12)}`, `git ${revision.slice(0, 12)} + 1 uncommitted file`]);
  assert.match((await ctl(['status'], { cwd: site.dir, env })).stdout, new RegExp(`from git ${revision.slice(0, 12)} \\+ 1 uncommitted file`));

  const history = await ctl(['history'], { cwd: site.dir, env });
  assert.match(history.stdout, new RegExp(`ok +Deploy +ana@laptop \\(${keyId}\\) +version 0\\.1 \\(\\S+\\) from git ${revision.slice(0, 12)}\\n`));
  assert.match(history.stdout, new RegExp(`ok +Deploy +ana@laptop \\(${keyId}\\) +version 0\\.2 \\(\\S+\\) from git ${revision.slice(0, 12)} \\+ 1 uncommitted file`));

  const locked = await ctl(['lock', '-m', 'moving the database'], { cwd: site.dir, env });
  assert.match(locked.stdout, new RegExp(`Locked for maintenance by ana@laptop \\(${keyId}\\) since`));
  const refused = await ctl(['deploy', '--force'], { cwd: site.dir, env });
  assert.equal(refused.code, 5);
  assert.match(refused.stderr, new RegExp(`locked for maintenance by ana@laptop \\(${keyId}\\)`));
  assert.equal((await ctl(['unlock'], { cwd: site.dir, env })).code, 0);

  const page = join(tmpdir(), `hostout-who-${process.pid}.html`);
  t.after(() => rmSync(page, { force: true }));
  const report = JSON.parse((await ctl(['report', '-o', page, '--json'], { cwd: site.dir, env })).stdout);
  const deploys = report.hosts[0].deploys.filter((d: { kind: string }) => d.kind === 'deploy');
  assert.deepEqual(deploys.map((d: { by: string; source: string }) => [d.by, d.source]), [
    [`ana@laptop (${keyId})`, `git ${revision.slice(0, 12)}`],
    [`ana@laptop (${keyId})`, `git ${revision.slice(0, 12)} + 1 uncommitted file`],
  ]);
});

test('a Mercurial checkout is recorded as hg, its changeset and uncommitted files', async (t) => {
  const { site, env } = await deployableSite(t);
  await inCheckout(site.dir, ['hg', 'init']);
  await inCheckout(site.dir, ['hg', 'add', '-q']);
  await inCheckout(site.dir, ['hg', 'commit', '-q', '-m', 'the site']);
  const changeset = (await runCommand('hg', ['log', '-r', '.', '-T', '{node}'], { cwd: site.dir })).stdout.trim();
  assert.match(changeset, /^[0-9a-f]{40}$/);
  const deploy = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(deploy.code, 0, deploy.stderr);
  const status = JSON.parse((await ctl(['status', '--json'], { cwd: site.dir, env })).stdout);
  assert.equal(status.releases[0].source, `hg ${changeset.slice(0, 12)}`);
});
