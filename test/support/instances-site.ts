import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './ctl.ts';
import { copyExampleBuildout, removeDir } from './example-buildout.ts';
import { startLocalAgent, stopAgentAndApp, type LocalAgent, type LocalAgentOptions } from './local-agent.ts';
import { freePort } from './ports.ts';

/**
 * The example's two instances behind its HAProxy part (instances.cfg, prod-instances.cfg) on
 * free loopback ports, its [instances] target paired with a fresh local agent. `instances: 3`
 * adds a third instance (bin/acme-ctl3) to the production config, the target and HAProxy.
 */
export async function instancesSite(t: { after(fn: () => Promise<void> | void): void }, options: InstancesSiteOptions = {}) {
  const site = await openInstancesSite(options);
  t.after(() => site.close());
  return site;
}

export type InstancesSiteOptions = LocalAgentOptions & { instances?: 2 | 3; healthTimeout?: number };

/** instancesSite without a test to clean up after: the caller calls close() (benches). */
export async function openInstancesSite(options: InstancesSiteOptions = {}) {
  const agent = await startLocalAgent(options);
  const dir = copyExampleBuildout('hostout-instances-');
  const ports = [await freePort(), await freePort(), await freePort()];
  const sitePort = await freePort();
  const edit = (file: string, change: (text: string) => string) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
  edit('base.cfg', (text) => text.replace('port = 8080', `port = ${ports[0]}`));
  edit('prod-instances.cfg', (text) => text.replace('port2 = 8081', `port2 = ${ports[1]}`).replace('site-port = 8000', `site-port = ${sitePort}`));
  edit('instances.cfg', (text) => text.replace('path = /srv/acme', `path = ${agent.path}`));
  if (options.instances === 3) addThirdInstance(dir, ports[2]!);
  appendFileSync(join(dir, 'instances.cfg'), `agent-port = ${agent.port}\nagent-fingerprint = ${agent.fingerprint}\nhealth-timeout = ${options.healthTimeout ?? 10}\n`);
  const close = async () => {
    await stopInstancesSite(agent);
    removeDir(dir);
  };
  const instanceUrls = ports.slice(0, options.instances ?? 2).map((port) => `http://127.0.0.1:${port}/`);
  return { agent, dir, siteUrl: `http://127.0.0.1:${sitePort}/`, instanceUrls, env: { HOSTOUT_CONFIG_DIR: agent.configDir }, close };
}

function addThirdInstance(dir: string, port: number): void {
  const edit = (file: string, change: (text: string) => string) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
  edit('prod-instances.cfg', (text) =>
    text
      .replace('parts += app2 balancer', 'parts += app2 app3 balancer')
      .replace('    app2 127.0.0.1:${settings:port2}\n', '    app2 127.0.0.1:${settings:port2}\n    app3 127.0.0.1:${settings:port3}\n')
      .replace('[settings]\n', `[app3]\n<= app2\nscripts = acme-ctl=acme-ctl3 acme-web=acme-web3\nenvironment =\n    ACME_HOST = 127.0.0.1\n    ACME_PORT = \${settings:port3}\n    ACME_DB = \${buildout:directory}/var/acme.db\n    ACME_PIDFILE = \${buildout:directory}/var/acme3.pid\n    ACME_LOG = \${buildout:directory}/var/acme3.log\n    ACME_SERVER = \${buildout:bin-directory}/acme-web3\n\n[settings]\nport3 = ${port}\n`),
  );
  edit('instances.cfg', (text) => text.replace('    bin/acme-ctl2  http://127.0.0.1:${settings:port2}/health  app2\n', '    bin/acme-ctl2  http://127.0.0.1:${settings:port2}/health  app2\n    bin/acme-ctl3  http://127.0.0.1:${settings:port3}/health  app3\n'));
}

/** The agent, every instance and the HAProxy the release started (its pid file is in shared/var). */
export async function stopInstancesSite(agent: LocalAgent): Promise<void> {
  await runCommand('/bin/sh', ['-c', `cd ${agent.path}/shared/var 2>/dev/null && test -f haproxy.pid && kill $(cat haproxy.pid)`]);
  await stopAgentAndApp(agent);
}
