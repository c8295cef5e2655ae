/**
 * `ctl deploy --dry-run` against a real agent: before the first deploy everything
 * would travel, after it nothing, after one egg's change that egg; and nothing
 * changes anywhere: the ledger's bytes, .hostout/releases, the agent's state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl, ctlJson } from './support/ctl.ts';
import { deployableSite } from './support/local-agent.ts';
import { treeSnapshot } from './support/tree-snapshot.ts';

// the nonce store records every signed request, read-only ones included: that is how replays are refused
const NONCES = 'agent/nonces';

test('deploy --dry-run says what would be sent and which phases would run, and changes nothing', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  const ledger = join(site.dir, 'hostout-ledger.txt');
  const releasesDir = join(site.dir, '.hostout', 'releases');
  const hostBefore = treeSnapshot(agent.path, [NONCES]);
  const auditFile = join(agent.path, 'agent', 'audit');
  const audit = () => (existsSync(auditFile) ? readFileSync(auditFile, 'utf8') : '');
  const auditBefore = audit();

  // before the first deploy: every file travels, the develop eggs are built first
  const first = await ctlJson(['deploy', '--dry-run'], { cwd: site.dir, env });
  assert.equal(first.paired, true);
  assert.equal(first.already, false);
  assert.equal(first.version, '0.1');
  assert.deepEqual(first.released.sort(), ['acme.core 1.0', 'acme.recipe 1.0', 'acme.web 1.0']);
  const names = first.send.files.map((f: { filename: string }) => f.filename);
  assert.deepEqual(names, [`buildout-${first.tag}.tar.gz`, 'acme.core-1.0-py3.11.egg', 'acme.recipe-1.0-py3.11.egg', 'acme.web-1.0-py3.11.egg', 'plainhtml-1.2-py3.11.egg']);
  assert.deepEqual(first.send.files.map((f: { toBuild: boolean }) => f.toBuild), [false, true, true, true, false]);
  assert.equal(first.send.filesToBuild, 3);
  assert.ok(first.send.bytes > 0 && first.send.sourceBytesToBuild > 0);
  assert.deepEqual(first.phases, ['verify', 'stage', 'build', 'prebackup', 'backup', 'switch', 'start', 'health', 'commit', 'prune'], 'nothing is live: no stop, and no migrate unless set');
  assert.equal(first.stops, undefined);
  assert.ok(!existsSync(ledger), 'no ledger was written');
  assert.deepEqual(treeSnapshot(releasesDir), {}, 'no release was written');
  assert.deepEqual(treeSnapshot(agent.path, [NONCES]), hostBefore, 'the agent state is untouched');
  assert.equal(audit(), auditBefore, 'read-only calls leave no audit entry');

  // the text form says the same for people
  const text = await ctl(['deploy', '--dry-run'], { cwd: site.dir, env });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /nothing is built, sent or changed/);
  assert.match(text.stdout, /acme\.web-1\.0-py3\.11\.egg +to be built \(\d+ bytes of source\)/);
  assert.match(text.stdout, /nothing is live: nothing to stop/);

  // a real deploy sends what the dry run announced
  const deployed = await ctlJson(['deploy'], { cwd: site.dir, env });
  assert.equal(deployed.tag, first.tag, 'the dry run planned the release the deploy made');
  assert.equal(deployed.filesSent, names.length);

  // after it: already there, nothing to send
  const ledgerBytes = readFileSync(ledger);
  const releasesBefore = treeSnapshot(releasesDir);
  const hostAfterDeploy = treeSnapshot(agent.path, [NONCES]);
  const auditAfterDeploy = audit();
  const again = await ctlJson(['deploy', '--dry-run'], { cwd: site.dir, env });
  assert.deepEqual([again.already, again.version, again.send.files, again.phases], [true, '0.1', [], []]);
  const againText = await ctl(['deploy', '--dry-run'], { cwd: site.dir, env });
  assert.match(againText.stdout, /Already at this release \(version 0\.1/);

  // one egg changed: that egg (built first) and the archive travel, version 0.1 would be stopped
  appendFileSync(join(site.dir, 'src', 'acme.web', 'acme', 'web', '__init__.py'), '# a change\n');
  const changed = await ctlJson(['deploy', '--dry-run'], { cwd: site.dir, env });
  assert.deepEqual(changed.released, ['acme.web 1.0.post1']);
  assert.deepEqual(changed.send.files.map((f: { filename: string }) => f.filename), [`buildout-${changed.tag}.tar.gz`, 'acme.web-1.0.post1-py3.11.egg']);
  assert.deepEqual([changed.version, changed.stops], ['0.2', '0.1']);
  assert.ok(changed.phases.includes('stop'));

  assert.deepEqual(readFileSync(ledger), ledgerBytes, 'the ledger is byte for byte the same');
  assert.deepEqual(treeSnapshot(releasesDir), releasesBefore, 'no release or egg build left in .hostout/releases');
  assert.deepEqual(treeSnapshot(agent.path, [NONCES]), hostAfterDeploy, 'releases, blobs, journal and audit are untouched');
  assert.equal(audit(), auditAfterDeploy, 'the audit log has no new entry: the dry run made only read calls');
});
