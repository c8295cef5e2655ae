/**
 * Deployment versions end to end (real ctl, a real agent, real buildout): 0.1, 0.2, …;
 * a version given to a failed deploy never goes to other content; a team's new series;
 * hosts numbered before versions keep their numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT, ctl, runCommand } from './support/ctl.ts';
import { deployableSite, servedVersion } from './support/local-agent.ts';
import { assertLinesInOrder } from './support/transcript.ts';

const change = (dir: string, file = 'src/acme.core/acme/core/store.py') => appendFileSync(join(dir, file), `\n# change ${Math.random()}\n`);

test('versions 0.1, 0.2; a failed deploy keeps its version (a retry gets it back, other content does not); rollback --to 0.1; series 2.0; a lower series refused', async (t) => {
  const { site, env } = await deployableSite(t);
  const config = join(site.dir, 'buildout.cfg');
  appendFileSync(config, 'health-retries = 5\n');
  const deploy = () => ctl(['deploy'], { cwd: site.dir, env });

  const first = await deploy();
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /Deployment complete at version 0\.1\n$/);

  change(site.dir);
  const second = await deploy();
  assert.equal(second.code, 0, second.stdout + second.stderr);
  // A host that has an agent: the design's deploy lines, in its order (building before stopping).
  assertLinesInOrder(second.stdout, [
    /^Pinning egg versions\.\.\.done/m,
    /^Deploying eggs to host\.\.\.done/m,
    /^Deploying buildout to host\.\.\.done$/m,
    /^Running remote buildout\.\.\.done$/m,
    /^Stopping remote services\.\.\.done$/m,
    /^Starting remote services\.\.\.done$/m,
    /Deployment complete at version 0\.2\n$/,
  ]);

  // A release that fails its health check gets 0.3 and is rolled back; 0.3 stays its version.
  const server = join(site.dir, 'src/acme.web/acme/web/server.py');
  const working = readFileSync(server, 'utf8');
  writeFileSync(server, working.replace('body = "ok\\n"', 'self.send_error(500); return'));
  const failed = await deploy();
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /deploy of version 0\.3 failed: health check failed[\s\S]*rolled back to version 0\.2/);
  const retried = await deploy();
  assert.match(retried.stderr, /deploy of version 0\.3 failed/, 'the same release, tried again, gets its version back');

  writeFileSync(server, `${working}\n# fixed differently\n`);
  const fixed = await deploy();
  assert.match(fixed.stdout, /Deployment complete at version 0\.4\n$/, 'other content never gets the failed 0.3');
  const status = await ctl(['status'], { cwd: site.dir, env });
  assert.match(status.stdout, /^Current\s+version 0\.4 \(\d{8}-[0-9a-f]{8}\)$/m);
  assert.match(status.stdout, /^\s+0\.1\s+\d{8}-[0-9a-f]{8}\s/m, 'kept releases are listed by version and tag');
  const history = await ctl(['history'], { cwd: site.dir, env });
  assert.match(history.stdout, /failed\s+Deploy .*deploy of version 0\.3 failed/);
  assert.match(history.stdout, /ok\s+Deploy .*version 0\.4 \(\d{8}-[0-9a-f]{8}\)/);

  const rollback = await ctl(['rollback', '--to', '0.1'], { cwd: site.dir, env });
  assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
  assert.match(rollback.stdout, /Rolled back to version 0\.1\n$/);
  assert.equal(await servedVersion(site.url), '1.0');
  assert.match((await ctl(['history'], { cwd: site.dir, env })).stdout, /ok\s+Rollback\s.*to version 0\.1 \(/);

  // The team starts a new series.
  const plain = readFileSync(config, 'utf8');
  writeFileSync(config, `${plain}version = 2.0\n`);
  change(site.dir);
  assert.match((await deploy()).stdout, /Deployment complete at version 2\.0\n$/);
  change(site.dir);
  assert.match((await deploy()).stdout, /Deployment complete at version 2\.1\n$/);

  // Going back below what the host gave out is refused, naming both; nothing is given out.
  writeFileSync(config, `${plain}version = 1.5\n`);
  change(site.dir);
  const lower = await deploy();
  assert.notEqual(lower.code, 0);
  assert.match(lower.stderr, /version = 1\.5 is lower than version 2\.1, which this host already gave out/);
  assert.match(lower.stderr, /version = 2\.0 continues at 2\.2/);
  writeFileSync(config, `${plain}version = 2.0\n`);
  assert.match((await deploy()).stdout, /Deployment complete at version 2\.2\n$/);
});

test('a host numbered before versions keeps its numbers: shown as they are, --to 1 still works, the next deploy starts the series at 0.1', async (t) => {
  const { agent, site, env } = await deployableSite(t);
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);

  // What an agent before versions left: `number: 1` in the release's description, no record of given versions.
  const releases = join(agent.path, 'releases');
  const [tag] = readdirSync(releases).filter((name) => !name.startsWith('.'));
  const infoFile = join(releases, tag!, '.hostout-release.json');
  const { version: _, ...info } = JSON.parse(readFileSync(infoFile, 'utf8'));
  writeFileSync(infoFile, JSON.stringify({ ...info, number: 1 }));
  rmSync(join(agent.path, 'agent/deployment-versions'));
  const before = await runCommand(process.execPath, [AGENT, 'status', '--path', agent.path]);
  assert.match(before.stdout, new RegExp(`Current\\s+version 1 \\(${tag}\\)`));

  change(site.dir, 'src/acme.web/acme/web/server.py');
  const next = await ctl(['deploy'], { cwd: site.dir, env });
  assert.match(next.stdout, /Deployment complete at version 0\.1\n$/, next.stdout + next.stderr);
  const status = JSON.parse((await ctl(['status', '--json'], { cwd: site.dir, env })).stdout);
  assert.deepEqual(status.releases.map((r: { version: string }) => r.version), ['1', '0.1']);

  const back = await runCommand(process.execPath, [AGENT, 'rollback', '--path', agent.path, '--to', '1']);
  assert.equal(back.code, 0, back.stderr);
  assert.match(back.stdout, new RegExp(`Rolled back to version 1 \\(${tag}\\)`));
  assert.equal(await servedVersion(site.url), '1.0');
});

test('ctl rollback goes to the release that was live before the current one, not the highest lower version', async (t) => {
  const { site, env } = await deployableSite(t);
  const deploy = async (note: string) => {
    appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), `\n# ${note}\n`);
    const run = await ctl(['deploy'], { cwd: site.dir, env });
    assert.equal(run.code, 0, run.stderr);
  };
  await deploy('0.1');
  await deploy('0.2');
  assert.equal((await ctl(['rollback', '--to', '0.1'], { cwd: site.dir, env })).code, 0);
  await deploy('0.3');
  // 0.3 went live over 0.1: back is 0.1, not 0.2 (the release just rolled back from)
  const back = await ctl(['rollback'], { cwd: site.dir, env });
  assert.equal(back.code, 0, back.stderr);
  assert.match(back.stdout, /Rolled back to version 0\.1\n$/);
  // and from 0.1 (made live by that rollback), back is where the rollback came from: 0.3
  const again = await ctl(['rollback'], { cwd: site.dir, env });
  assert.match(again.stdout, /Rolled back to version 0\.3\n$/);
});
