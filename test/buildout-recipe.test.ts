/**
 * The design's first example, for real: `ctl init` in a development buildout,
 * Debian's zc.buildout running the bin/buildout it provides (`Installing
 * deploy.`, bin/deploy), and bin/deploy deploying to a real local agent, rolling
 * back, and never shipping the part itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl, REPO_ROOT, runCommand } from './support/ctl.ts';
import { startLocalAgent, servedVersion, stopAgentAndApp } from './support/local-agent.ts';
import { copyExampleBuildout, removeDir } from './support/example-buildout.ts';
import { freePort } from './support/ports.ts';
import { loadBuildoutConfig } from '../controller/config/buildout-config.ts';

/** The example as a team has it before Hostout: a buildout.cfg that only extends dev.cfg. */
async function exampleWithoutTarget(t: { after(fn: () => void): void }) {
  const dir = copyExampleBuildout('hostout-recipe-');
  t.after(() => removeDir(dir));
  const appPort = await freePort();
  writeFileSync(join(dir, 'base.cfg'), readFileSync(join(dir, 'base.cfg'), 'utf8').replace('port = 8080', `port = ${appPort}`));
  writeFileSync(join(dir, 'buildout.cfg'), '# The developer\'s buildout.\n[buildout]\nextends = dev.cfg\n');
  return { dir, appPort, url: `http://127.0.0.1:${appPort}/` };
}

test("the recipe's Python unit tests pass (recipe/collective.recipe.hostout/tests)", async () => {
  const result = await runCommand('/usr/bin/python3', ['-m', 'unittest', 'discover', '-s', 'tests'], {
    cwd: join(REPO_ROOT, 'recipe/collective.recipe.hostout'),
    env: { PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^Ran \d+ tests/m);
  assert.match(result.stderr, /^OK$/m);
});

const bytesOf = (dir: string, files: readonly string[]) => files.map((f) => readFileSync(join(dir, f), 'utf8'));

test('ctl init, bin/buildout, bin/deploy: deploys, deploys a change, rolls back; a second ctl init changes nothing', async (t) => {
  const agent = await startLocalAgent();
  t.after(() => stopAgentAndApp(agent));
  const site = await exampleWithoutTarget(t);
  const env = { HOSTOUT_CONFIG_DIR: agent.configDir };
  const flags = [
    '--host', '127.0.0.1', '--path', agent.path,
    '--agent-port', String(agent.port), '--agent-fingerprint', agent.fingerprint,
    '--start', 'bin/acme-ctl start', '--stop', 'bin/acme-ctl stop', '--status', 'bin/acme-ctl status',
    '--health-url', `http://127.0.0.1:${site.appPort}/health`, '--health-timeout', '10', '--db-paths', 'acme.db',
  ];

  const init = await ctl(['init', ...flags], { cwd: site.dir, env });
  assert.equal(init.code, 0, init.stderr + init.stdout);
  assert.match(init.stdout, /^Wrote target \[deploy\] \(host 127\.0\.0\.1, path \S+, agent-port \d+, .*\) in buildout\.cfg$/m);
  assert.match(init.stdout, /^Added deploy to parts in buildout\.cfg$/m);
  assert.match(init.stdout, /^Added \$\{buildout:directory\}\/\.hostout\/recipe to find-links in buildout\.cfg$/m);
  assert.match(init.stdout, /^Pinned collective\.recipe\.hostout = \S+ in \[versions\] of buildout\.cfg$/m);
  assert.match(init.stdout, /^Put collective\.recipe\.hostout-\S+\.egg in \.hostout\/recipe$/m);
  assert.match(init.stdout, /^Wrote bin\/buildout: /m);
  const config = loadBuildoutConfig(join(site.dir, 'buildout.cfg'));
  assert.deepEqual(config.get('buildout', 'parts')!.split(/\s+/), ['app', 'deploy']);
  assert.equal(config.get('deploy', 'recipe'), 'collective.recipe.hostout');
  assert.equal(config.get('deploy', 'agent-fingerprint'), agent.fingerprint);

  const buildout = await runCommand(join(site.dir, 'bin/buildout'), [], { cwd: site.dir, env });
  assert.equal(buildout.code, 0, buildout.stderr + buildout.stdout);
  assert.match(buildout.stdout + buildout.stderr, /^Installing deploy\.$/m);
  assert.doesNotMatch(buildout.stdout + buildout.stderr, /Unused options/);
  assert.ok(statSync(join(site.dir, 'bin/deploy')).mode & 0o100, 'bin/deploy is executable');

  const first = await runCommand(join(site.dir, 'bin/deploy'), [], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /Deployment complete at version \S+\n$/);
  assert.equal(await servedVersion(site.url), '1.0');

  // the part stays in development: not in what the host built, nor in the archive's parts
  const current = join(agent.path, 'current');
  assert.ok(!existsSync(join(current, 'bin/deploy')), 'no bin/deploy on the host');
  assert.doesNotMatch(readFileSync(join(current, '.installed.cfg'), 'utf8'), /collective\.recipe\.hostout|^\[deploy\]/m);
  assert.deepEqual(loadBuildoutConfig(join(current, 'hostout.cfg')).get('buildout', 'parts')!.split(/\s+/), ['app']);

  // again, with the same flags: every file as it was
  const watched = ['buildout.cfg', 'bin/buildout', 'bin/deploy', '.hostout/ctl-command.json'];
  const eggs = () => readdirSync(join(site.dir, '.hostout/recipe')).map((f) => readFileSync(join(site.dir, '.hostout/recipe', f)).toString('base64'));
  const before = [...bytesOf(site.dir, watched), ...eggs()];
  const again = await ctl(['init', ...flags], { cwd: site.dir, env });
  assert.equal(again.code, 0, again.stderr + again.stdout);
  assert.equal(again.stdout, 'Nothing to change: [deploy] is in parts and bin/buildout finds its recipe offline.\n');
  assert.deepEqual([...bytesOf(site.dir, watched), ...eggs()], before);
  const rebuilt = await runCommand(join(site.dir, 'bin/buildout'), [], { cwd: site.dir, env });
  assert.equal(rebuilt.code, 0, rebuilt.stderr + rebuilt.stdout);
  assert.match(rebuilt.stdout + rebuilt.stderr, /^Updating deploy\.$/m);
  assert.deepEqual(bytesOf(site.dir, ['bin/deploy']), before.slice(2, 3), 'the update writes the same bin/deploy');

  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# a change\n');
  const second = await runCommand(join(site.dir, 'bin/deploy'), [], { cwd: site.dir, env });
  assert.equal(second.code, 0, second.stderr + second.stdout);
  assert.match(second.stdout, /released acme\.web 1\.0\.post1/);
  assert.equal(await servedVersion(site.url), '1.0.post1');

  const rollback = await runCommand(join(site.dir, 'bin/deploy'), ['rollback'], { cwd: site.dir, env });
  assert.equal(rollback.code, 0, rollback.stderr + rollback.stdout);
  assert.match(rollback.stdout, /Rolled back to version/);
  assert.equal(await servedVersion(site.url), '1.0');

  const status = await runCommand(join(site.dir, 'bin/deploy'), ['status', '--json'], { cwd: site.dir, env });
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).releases.length, 2);

  const unknown = await runCommand(join(site.dir, 'bin/deploy'), ['destroy'], { cwd: site.dir, env });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /bin\/deploy: unknown command 'destroy'; one of: deploy plan release rollback/);
});

test('ctl init on a buildout with a target: adds that part and the recipe, writes no target, refuses other values', async (t) => {
  const dir = copyExampleBuildout('hostout-recipe-');
  t.after(() => removeDir(dir));
  const original = readFileSync(join(dir, 'buildout.cfg'), 'utf8');

  const init = await ctl(['init'], { cwd: dir });
  assert.equal(init.code, 0, init.stderr + init.stdout);
  assert.doesNotMatch(init.stdout, /Wrote target/);
  assert.match(init.stdout, /^Added production to parts in buildout\.cfg$/m);
  assert.ok(readFileSync(join(dir, 'buildout.cfg'), 'utf8').includes(original.slice(original.indexOf('[production]')).trimEnd()), 'the target is left as it was');

  // the development buildout with the part in its parts still plans: the production resolution ignores it
  const plan = await ctl(['plan', '--json'], { cwd: dir });
  assert.equal(plan.code, 0, plan.stderr);
  assert.deepEqual(JSON.parse(plan.stdout).eggs.map((e: { name: string }) => e.name), ['acme.core', 'acme.recipe', 'acme.web', 'plainhtml']);

  const other = await ctl(['init', '--path', '/srv/elsewhere'], { cwd: dir });
  assert.equal(other.code, 3);
  assert.match(other.stderr, /buildout\.cfg:\d+: target \[production\] has path = \/srv\/acme, not \/srv\/elsewhere; ctl init does not change an existing target/);

  const notATarget = await ctl(['init', 'app'], { cwd: dir });
  assert.equal(notATarget.code, 3);
  assert.match(notATarget.stderr, /base\.cfg:\d+: section \[app\] exists and is not a deployment target/);

  const noPath = await ctl(['init', 'staging', '--host', '127.0.0.2'], { cwd: dir });
  assert.equal(noPath.code, 3);
  assert.match(noPath.stderr, /a new target \[staging\] needs --path/);

  const before = readFileSync(join(dir, 'buildout.cfg'), 'utf8');
  const incomplete = await ctl(['init', 'staging', '--path', '/srv/staging', '--services', 'command'], { cwd: dir });
  assert.equal(incomplete.code, 3);
  assert.match(incomplete.stderr, /\[staging\] services = command needs a start command/);
  assert.equal(readFileSync(join(dir, 'buildout.cfg'), 'utf8'), before, 'a target ctl deploy could not use is not left in the config');
});

test('ctl init outside a buildout names the missing config', async (t) => {
  const dir = copyExampleBuildout('hostout-recipe-');
  t.after(() => removeDir(dir));
  const result = await ctl(['init', '-c', 'missing.cfg'], { cwd: dir });
  assert.equal(result.code, 3);
  assert.match(result.stderr, /no buildout config at .*missing\.cfg/);
  assert.match(result.stderr, /hint: run ctl init in the directory of your buildout\.cfg/);
});
