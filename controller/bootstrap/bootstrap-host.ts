import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootstrapError, TargetError } from '../../shared/errors.ts';
import { controllerKeyName, loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { rememberKnownAgent } from '../agent-client/known-agents.ts';
import type { Target } from '../target/target.ts';
import { buildAgentBundle } from './agent-bundle.ts';
import { shellQuote } from './shell-quote.ts';
import { SshSession, type RootCredentials } from './ssh-session.ts';
import { agentServiceName } from '../../shared/agent-service-name.ts';
import { deployFile, renderAgentUnit, renderSudoers } from './host-setup-files.ts';

const PREFIX = '/opt/hostout';

export interface BootstrapResult {
  fingerprint: string;
  facts: string;
}

/**
 * Prepares a brand-new host with one root SSH session: the deploy user, Python
 * and a virtualenv, Node.js if missing, the agent (one bundled file) running as
 * a service, its identity created on the host and pinned here. Safe to repeat:
 * it keeps users, state and keys, and replaces the agent binary (ctl upgrade-agent).
 */
export async function bootstrapHost(target: Target, options: { rootUser: string; credentials: RootCredentials; configDir: string; write: (text: string) => void }): Promise<BootstrapResult> {
  const { write } = options;
  const host = target.options.get('host')!;
  const path = target.options.get('path');
  if (!path) throw new TargetError(`[${target.name}] needs a path to bootstrap a host`, { where: `[${target.name}]`, hint: 'e.g. path = /srv/myapp' });
  const user = target.options.get('user')!;
  const agentPort = Number(target.options.get('agent-port'));
  const listen = `${target.options.get('agent-listen') ?? (/^(127\.|localhost$)/.test(host) ? host : '0.0.0.0')}:${agentPort}`;
  const service = agentServiceName(path);

  const ssh = await SshSession.open(host, Number(target.options.get('ssh-port')), options.rootUser, options.credentials, options.configDir);
  try {
    await ssh.becomeRoot(options.credentials);
    const key = loadOrCreateControllerKey(options.configDir);
    const sudoers = renderSudoers(target, user);
    // HOSTOUT_NEW_KEY: the script announces the new key pair after the user it is for, as the design's transcript has it
    const prepared = await runScript(
      ssh,
      'prepare-host.sh',
      { HOSTOUT_USER: user, HOSTOUT_PATH: path, HOSTOUT_PREFIX: PREFIX, HOSTOUT_NEEDS_SUDO: sudoers ? '1' : '', HOSTOUT_NEW_KEY: key.created ? '1' : '' },
      write,
    );
    let node = prepared.get('node');
    if (prepared.has('need-node')) node = await installControllerNode(ssh, prepared.get('facts') ?? '', write);

    write('Installing the agent...');
    const scratch = mkdtempSync(join(tmpdir(), 'hostout-bundle-'));
    try {
      const bundle = await buildAgentBundle(join(scratch, 'hostout-agent.mjs'));
      await ssh.put(bundle.path, `${PREFIX}/hostout-agent.mjs`, 0o755);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    await ssh.exec(`cat > ${PREFIX}/hostout-agent-supervise.new`, deployFile('hostout-agent-supervise'));
    write('done\n');

    const installed = await runScript(
      ssh,
      'install-agent.sh',
      {
        HOSTOUT_USER: user,
        HOSTOUT_PATH: path,
        HOSTOUT_NODE: node!,
        HOSTOUT_LISTEN: listen,
        // the key with its name (USER@HOSTNAME here), so that locks and history on the host say who acted
        HOSTOUT_KEY: `${key.publicKey} ${controllerKeyName()}`,
        HOSTOUT_SERVICE: service,
        HOSTOUT_PREFIX: PREFIX,
        HOSTOUT_UNIT: renderAgentUnit({ user, path, exec: `${PREFIX}/hostout-agent`, servicesNeedRoot: sudoers !== '' }),
        HOSTOUT_SUDOERS: sudoers,
      },
      write,
    );
    const init = JSON.parse(installed.get('init') ?? '{}') as { fingerprint?: string };
    if (!init.fingerprint) throw new BootstrapError('the agent was installed but did not report its TLS fingerprint', { where: ssh.address });
    rememberKnownAgent(options.configDir, host, agentPort, init.fingerprint);
    write(`Pinned the agent's identity ${init.fingerprint}\n`);
    return { fingerprint: init.fingerprint, facts: prepared.get('facts') ?? '' };
  } finally {
    ssh.close();
  }
}

/** Runs one of deploy/'s scripts as root, inputs as exported variables at its top (never on a command line). */
async function runScript(ssh: SshSession, script: string, inputs: Record<string, string>, write: (text: string) => void): Promise<Map<string, string>> {
  const header = Object.entries(inputs).map(([name, value]) => `export ${name}=${shellQuote(value)}\n`).join('');
  const result = await ssh.exec('bash -s', header + deployFile(script));
  const said = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const match = /^@@(\S+)\s?(.*)$/.exec(line);
    if (!match) continue;
    if (match[1] === 'say') write(`${match[2]}\n`);
    else said.set(match[1]!, match[2]!);
  }
  if (result.code !== 0) {
    const reason = said.get('error') ?? `${script} failed (exit ${result.code}):\n${(result.stderr || result.stdout).trim().split('\n').slice(-15).map((l) => `    ${l}`).join('\n')}`;
    throw new BootstrapError(reason, { where: `${ssh.address} (${script})`, hint: 'fix that on the host and run ctl bootstrap again: what was done is kept' });
  }
  return said;
}

/** A host without Node.js 20+ gets the controller's own runtime, when the platform matches. */
async function installControllerNode(ssh: SshSession, facts: string, write: (text: string) => void): Promise<string> {
  const arch = /arch=(\S+)/.exec(facts)?.[1];
  const hostArch = arch === 'x86_64' ? 'x64' : arch === 'aarch64' ? 'arm64' : arch;
  if (process.platform !== 'linux' || hostArch !== process.arch) {
    throw new BootstrapError(`the host has no Node.js 20 or later, and this controller's runtime (${process.platform}/${process.arch}) does not fit it (${arch})`, {
      where: ssh.address,
      hint: 'install Node.js 20+ on the host (e.g. from NodeSource), then run ctl bootstrap again',
    });
  }
  write(`Installing Node.js ${process.version} (this controller's own)...`);
  await ssh.put(process.execPath, `${PREFIX}/node`, 0o755);
  write('done\n');
  return `${PREFIX}/node`;
}
