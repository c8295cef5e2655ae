/**
 * A brand-new host from nothing but root's password: real OpenSSH in a fresh
 * copy-on-write host (test/support/fresh-host.ts), ssh2 on our side, the
 * bundled agent installed there under the fallback supervisor (no systemd
 * here), then the normal deploy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctl, runCommand } from './support/ctl.ts';
import { copyExampleBuildout, removeDir } from './support/example-buildout.ts';
import { freePort } from './support/ports.ts';
import { servedVersion } from './support/local-agent.ts';
import { startFreshHost, type FreshHost } from './support/fresh-host.ts';
import { assertLinesInOrder } from './support/transcript.ts';
import { ctlOnTerminal } from './support/terminal.ts';

/** The example buildout aimed at `host` (SSH port, a free agent port, the site on a free port). */
async function siteFor(host: FreshHost) {
  const dir = copyExampleBuildout();
  const appPort = await freePort();
  const agentPort = await freePort();
  writeFileSync(join(dir, 'base.cfg'), readFileSync(join(dir, 'base.cfg'), 'utf8').replace('port = 8080', `port = ${appPort}`));
  appendFileSync(join(dir, 'buildout.cfg'), `ssh-port = ${host.sshPort}\nagent-port = ${agentPort}\nhealth-timeout = 15\n`);
  const configDir = mkdtempSync(join(tmpdir(), 'hostout-laptop-'));
  return { dir, url: `http://127.0.0.1:${appPort}/`, agentPort, configDir, env: { HOSTOUT_CONFIG_DIR: configDir } };
}

/** A fresh host and a site aimed at it, both gone when the test ends. */
async function freshHostWithSite(t: { after(fn: () => Promise<void>): void }) {
  const host = await startFreshHost();
  const site = await siteFor(host);
  t.after(async () => {
    await host.stop();
    removeDir(site.dir);
    removeDir(site.configDir);
  });
  return { host, site };
}

/** Every file under `dir` that contains `secret`. */
function filesContaining(dir: string, secret: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    let stat;
    try {
      stat = statSync(path, { throwIfNoEntry: false });
    } catch {
      return;
    }
    if (!stat) return;
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else if (stat.isFile() && stat.size < 50_000_000 && readFileSync(path).includes(secret)) found.push(path);
  };
  walk(dir);
  return found;
}

test('one ctl deploy on a terminal asks for root\'s password, prepares a brand-new host and deploys; later deploys need no credentials', async (t) => {
  const { host, site } = await freshHostWithSite(t);
  const outputs: string[] = [];

  const first = await ctlOnTerminal(['deploy'], {
    cwd: site.dir,
    env: site.env,
    answers: [
      { prompt: 'user: ', answer: 'root' },
      { prompt: 'password: ', answer: host.rootPassword },
    ],
  });
  outputs.push(first.stdout, first.stderr);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  // The design's transcript, in its order; the password shows as stars.
  assertLinesInOrder(first.stdout, [
    /^Connecting to 127\.0\.0\.1\.$/m,
    /^User 'deploy' not found or unable to connect$/m,
    /^If this is the first time running this script please enter your root credentials$/m,
    /^This will prepare your host to receive your buildout$/m,
    /^user: root$/m,
    /^password: \*+$/m,
    /^Creating user account 'deploy'$/m,
    /^Creating authorisation key pair$/m,
    /^Logging in as 'deploy'$/m,
    /^Installing python virtualenv$/m,
    /^Pinned the agent's identity sha256:[0-9a-f]{64}$/m,
    /^Pinning egg versions\.\.\.done/m,
    /^Deploying eggs to host\.\.\.done/m,
    /^Deploying buildout to host\.\.\.done$/m,
    /^Running remote buildout\.\.\.done$/m,
    /^Starting remote services\.\.\.done$/m,
    /Deployment complete at version 0\.1\n$/,
  ]);
  assert.doesNotMatch(first.stdout, /Stopping remote services/, 'nothing ran yet: there is nothing to stop');
  assert.equal(await servedVersion(site.url), '1.0');
  assert.equal((await host.exec('id -un deploy')).stdout.trim(), 'deploy');
  assert.match((await host.exec('stat -c %U /srv/acme/current/')).stdout, /deploy/, 'the release belongs to the deploy user');
  assert.match((await host.exec('ps -o user=,args= -C node')).stdout, /^deploy .*hostout-agent\.mjs serve --path \/srv\/acme/m, 'the agent runs as deploy, from the bundle');

  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# a change\n');
  const second = await ctl(['deploy'], { cwd: site.dir, env: site.env });
  outputs.push(second.stdout, second.stderr);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.doesNotMatch(second.stdout, /root credentials|Creating user/);
  assertLinesInOrder(second.stdout, [
    /^Deploying buildout to host\.\.\.done$/m,
    /^Running remote buildout\.\.\.done$/m,
    /^Stopping remote services\.\.\.done$/m,
    /^Starting remote services\.\.\.done$/m,
    /Deployment complete at version 0\.2\n$/,
  ]);
  assert.equal(await servedVersion(site.url), '1.0.post1');

  const rollback = await ctl(['rollback'], { cwd: site.dir, env: site.env });
  assert.match(rollback.stdout, /Rolled back to version 0\.1/);
  assert.equal(await servedVersion(site.url), '1.0');

  // The controller is gone: on the host, as root, roll forward again.
  const onHost = await host.exec('hostout-agent rollback --path /srv/acme --to 0.2');
  assert.equal(onHost.code, 0, onHost.stderr);
  assert.equal(await servedVersion(site.url), '1.0.post1');
  assert.match((await host.exec('stat -c %U /srv/acme/current')).stdout, /deploy/, 'root acting on the host left nothing owned by root');

  // The agent dies (kill -9): the fallback supervisor brings it back.
  await host.exec('pkill -9 -f "hostout-agent.mjs serve"');
  let status = await ctl(['status', '--json'], { cwd: site.dir, env: site.env });
  for (let i = 0; i < 60 && status.code !== 0; i++) {
    await new Promise((r) => setTimeout(r, 250));
    status = await ctl(['status', '--json'], { cwd: site.dir, env: site.env });
  }
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).currentVersion, '0.2');

  // Bootstrapping again keeps everything: user, releases, the pinned identity.
  const pinned = readFileSync(join(site.configDir, 'known_agents'), 'utf8');
  const again = await ctl(['bootstrap', '--root-password-stdin'], { cwd: site.dir, env: site.env, input: `${host.rootPassword}\n` });
  outputs.push(again.stdout, again.stderr);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /User 'deploy' exists/);
  assert.doesNotMatch(again.stdout, /Creating user|Creating authorisation key pair/);
  assert.equal(readFileSync(join(site.configDir, 'known_agents'), 'utf8'), pinned, 'same agent identity');
  assert.equal((await host.exec('grep -c "^deploy:" /etc/passwd')).stdout.trim(), '1');
  const afterUpgrade = await ctl(['status', '--json'], { cwd: site.dir, env: site.env });
  assert.deepEqual(JSON.parse(afterUpgrade.stdout).releases.map((r: { version: string }) => r.version), ['0.1', '0.2'], 'releases kept');

  // The password is in no file on either side, and in nothing printed.
  assert.deepEqual(filesContaining(host.upperDir, host.rootPassword), []);
  assert.deepEqual(filesContaining(site.configDir, host.rootPassword), []);
  assert.deepEqual(filesContaining(site.dir, host.rootPassword), []);
  assert.ok(!outputs.some((o) => o.includes(host.rootPassword)), 'the password is never printed');
});

test('a wrong root password, no root rights or an unsupported OS: a clear message and nothing created', async (t) => {
  const { host, site } = await freshHostWithSite(t);
  const wrong = await ctl(['deploy', '--root-password-stdin'], { cwd: site.dir, env: site.env, input: 'not-the-password\n' });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /root@127\.0\.0\.1:\d+ refused the credentials \(wrong password or key\)/);
  assert.notEqual((await host.exec('id -u deploy')).code, 0, 'no user was created');
  assert.equal((await host.exec('test -e /opt/hostout')).code, 1, 'nothing was installed');

  await host.exec("useradd -m alice && echo 'alice:alice-pw' | chpasswd");
  const notRoot = await ctl(['bootstrap', '--root-user', 'alice', '--root-password-stdin'], { cwd: site.dir, env: site.env, input: 'alice-pw\n' });
  assert.notEqual(notRoot.code, 0);
  assert.match(notRoot.stderr, /alice@127\.0\.0\.1:\d+ is not root, and sudo refused it/);
  assert.match(notRoot.stderr, /log in as root \(--root-user root\), or give this account sudo rights/);
  assert.notEqual((await host.exec('id -u deploy')).code, 0, 'no user was created');

  await host.exec("sed -i 's/^ID=.*/ID=plan9/; s/^ID_LIKE=.*//; s/^PRETTY_NAME=.*/PRETTY_NAME=\"Plan 9\"/' /etc/os-release");
  const unsupported = await ctl(['bootstrap', '--root-password-stdin'], { cwd: site.dir, env: site.env, input: `${host.rootPassword}\n` });
  assert.notEqual(unsupported.code, 0);
  assert.match(unsupported.stderr, /unsupported OS: Plan 9/);
  assert.notEqual((await host.exec('id -u deploy')).code, 0);
});

test('an account with sudo stands in for root: with its password, or with a key and NOPASSWD', async (t) => {
  const { host, site } = await freshHostWithSite(t);
  await host.exec("useradd -m -s /bin/bash alice && echo 'alice:alice-pw-7' | chpasswd && echo 'alice ALL=(ALL:ALL) ALL' > /etc/sudoers.d/alice");
  const deployed = await ctl(['deploy', '--root-user', 'alice', '--root-password-stdin'], { cwd: site.dir, env: site.env, input: 'alice-pw-7\n' });
  assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
  assert.match(deployed.stdout, /^Creating user account 'deploy'$/m);
  assert.match(deployed.stdout, /Deployment complete at version 0\.1\n$/);
  assert.equal(await servedVersion(site.url), '1.0');
  assert.match((await host.exec('stat -c %U:%a /opt/hostout/hostout-agent.mjs')).stdout.trim(), /^root:755$/, 'installed by root, not left as alice');
  assert.equal((await host.exec('ls -A ~alice | grep -c hostout-upload')).stdout.trim(), '0', 'no upload left behind');

  // A cloud image's way: a key, and sudo without a password; the agent is replaced, releases
  // kept, and now binds where agent-listen says.
  appendFileSync(join(site.dir, 'buildout.cfg'), 'agent-listen = 0.0.0.0\n');
  const keyFile = join(site.configDir, 'bob_ed25519');
  assert.equal((await runCommand('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile])).code, 0);
  const publicKey = readFileSync(`${keyFile}.pub`, 'utf8').trim();
  await host.exec(`useradd -m -s /bin/bash bob && install -d -o bob -m 700 ~bob/.ssh && echo '${publicKey}' > ~bob/.ssh/authorized_keys && chown bob ~bob/.ssh/authorized_keys && echo 'bob ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/bob`);
  const upgraded = await ctl(['upgrade-agent', '--root-user', 'bob', '--identity', keyFile], { cwd: site.dir, env: site.env });
  assert.equal(upgraded.code, 0, upgraded.stdout + upgraded.stderr);
  assert.match(upgraded.stdout, /Agent upgraded and restarted/);
  const status = await ctl(['status', '--json'], { cwd: site.dir, env: site.env });
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).currentVersion, '0.1');
  assert.match((await host.exec(`ss -ltnH 'sport = :${site.agentPort}'`)).stdout, new RegExp(`0\\.0\\.0\\.0:${site.agentPort}\\s`));

  // With a key but a sudo that wants a password, the refusal says what would work.
  await host.exec("echo 'bob ALL=(ALL) ALL' > /etc/sudoers.d/bob");
  const keyOnly = await ctl(['upgrade-agent', '--root-user', 'bob', '--identity', keyFile], { cwd: site.dir, env: site.env });
  assert.notEqual(keyOnly.code, 0);
  assert.match(keyOnly.stderr, /bob@127\.0\.0\.1:\d+ is not root, and sudo asks for a password this login did not use/);

  assert.deepEqual(filesContaining(host.upperDir, 'alice-pw-7'), []);
  assert.deepEqual(filesContaining(site.configDir, 'alice-pw-7'), []);
  assert.ok(![deployed, upgraded, keyOnly].some((r) => (r.stdout + r.stderr).includes('alice-pw-7')));
});

test('an unreachable host, a changed SSH host key or a full disk: a clear message and nothing created', async (t) => {
  const { host, site } = await freshHostWithSite(t);
  const config = join(site.dir, 'buildout.cfg');
  const aimedAtHost = readFileSync(config, 'utf8');

  writeFileSync(config, aimedAtHost.replace(`ssh-port = ${host.sshPort}`, `ssh-port = ${await freePort()}`));
  const unreachable = await ctl(['deploy', '--root-password-stdin'], { cwd: site.dir, env: site.env, input: `${host.rootPassword}\n` });
  assert.notEqual(unreachable.code, 0);
  assert.match(unreachable.stderr, /cannot reach SSH at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  assert.match(unreachable.stderr, /check host and ssh-port/);
  writeFileSync(config, aimedAtHost);

  // Someone else answers at the address we met before: refused before any password is sent.
  writeFileSync(join(site.configDir, 'known_ssh_hosts'), `127.0.0.1:${host.sshPort} SHA256:${'A'.repeat(43)}\n`);
  const changedKey = await ctl(['deploy', '--root-password-stdin'], { cwd: site.dir, env: site.env, input: `${host.rootPassword}\n` });
  assert.notEqual(changedKey.code, 0);
  assert.match(changedKey.stderr, /the SSH host key of 127\.0\.0\.1:\d+ has changed/);
  writeFileSync(join(site.configDir, 'known_ssh_hosts'), '');

  await host.exec('mkdir -p /srv && mount -t tmpfs -o size=1m tmpfs /srv');
  const full = await ctl(['deploy', '--root-password-stdin'], { cwd: site.dir, env: site.env, input: `${host.rootPassword}\n` });
  assert.notEqual(full.code, 0);
  assert.match(full.stderr, /only 1 MiB free under \/srv; Hostout needs at least 200 MiB/);
  assert.notEqual((await host.exec('id -u deploy')).code, 0, 'no user was created');
  assert.equal((await host.exec('test -e /opt/hostout')).code, 1, 'nothing was installed');
  assert.ok(!existsSync(join(site.configDir, 'known_agents')), 'no agent pinned');
});

test('two brand-new hosts at once', async (t) => {
  const hosts = await Promise.all([startFreshHost(), startFreshHost()]);
  const sites = await Promise.all(hosts.map(siteFor));
  t.after(async () => {
    for (const host of hosts) await host.stop();
    for (const site of sites) {
      removeDir(site.dir);
      removeDir(site.configDir);
    }
  });
  const results = await Promise.all(
    sites.map((site, i) => ctl(['deploy', '--root-password-stdin'], { cwd: site.dir, env: site.env, input: `${hosts[i]!.rootPassword}\n` })),
  );
  for (const result of results) assert.equal(result.code, 0, result.stdout + result.stderr);
  for (const site of sites) assert.equal(await servedVersion(site.url), '1.0');
});
