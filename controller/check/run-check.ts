import { resolve } from 'node:path';
import { HostoutError } from '../../shared/errors.ts';
import type { AgentStatus } from '../../shared/agent-status.ts';
import { defaultConfigDir, loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { AgentConnection } from '../agent-client/agent-client.ts';
import { agentAddressOf } from '../agent-client/agent-address.ts';
import { loadTargetConfig } from '../target/load-target.ts';
import { previewBlobs, previewRelease, type ReleasePreview } from '../release/release-preview.ts';
import { CHECK_NAMES, type CheckName, type CheckResult } from './check-result.ts';
import { balancerCheck, buildoutCheck, clockCheck, diskCheck, lockCheck, pathCheck, pythonCheck, type HostFacts } from './host-checks.ts';
import { hostLabel, selectHosts, targetForHost, type TargetHost } from '../target/target-hosts.ts';
import type { Target } from '../target/target.ts';
import { onEachHost } from '../fleet/on-each-host.ts';

export interface CheckReport {
  target?: string;
  host?: string;
  checks: CheckResult[];
}

/**
 * `ctl check`: the config first (without the hosts: when it fails, nothing else is
 * asked), then each host's agent over its signed calls, each check one line. Read-only
 * on both sides: the plan is previewed once, each agent answers Hello, HostFacts, Status
 * and MissingBlobs. One report per host (the target's, narrowed by `hosts`), in order.
 */
export async function runChecks(configFile: string, targetName: string | undefined, options: { configDir?: string; hosts?: string } = {}): Promise<CheckReport[]> {
  let loaded: ReturnType<typeof loadTargetConfig>;
  let preview: ReleasePreview;
  let hosts: TargetHost[];
  try {
    loaded = loadTargetConfig(resolve(configFile), targetName, 'check');
    hosts = selectHosts(loaded.target.hosts, options.hosts);
    preview = await previewRelease(loaded);
  } catch (error) {
    const results = new Map<CheckName, CheckResult>([['config', failure('config', error, 'ConfigError')]]);
    return [reportOf(results, targetName, undefined)];
  }
  const config: CheckResult = { name: 'config', status: 'ok', message: `target ${loaded.target.name} in ${configFile}: release ${preview.plan.tag}, ${preview.plan.eggs.length} eggs` };
  const configDir = options.configDir ?? defaultConfigDir();
  const outcomes = await onEachHost(hosts, Number(loaded.target.options.get('parallel') ?? 10), async (host) => {
    const results = new Map<CheckName, CheckResult>([['config', config]]);
    const target = targetForHost(loaded.target, host);
    await checkHost(target, preview, configDir, results);
    // one host is named as the target names it; several by HOST:PORT, as fleet commands do
    return reportOf(results, loaded.target.name, loaded.target.hosts.length === 1 ? host.host : hostLabel(host));
  });
  return outcomes.map((o) => {
    if (o.ok) return o.value;
    throw o.error;
  });
}

/** The checks of one host, for a target with one host (see runChecks). */
export async function runCheck(configFile: string, targetName: string | undefined, options: { configDir?: string } = {}): Promise<CheckReport> {
  return (await runChecks(configFile, targetName, options))[0]!;
}

function reportOf(results: ReadonlyMap<CheckName, CheckResult>, target: string | undefined, host: string | undefined): CheckReport {
  return { target, host, checks: CHECK_NAMES.map((name) => results.get(name) ?? { name, status: 'skip', message: 'not checked: an earlier check failed' }) };
}

async function checkHost(target: Target, preview: ReleasePreview, configDir: string, results: Map<CheckName, CheckResult>): Promise<void> {
  let address;
  try {
    address = agentAddressOf(target, configDir);
  } catch (error) {
    results.set('agent', { name: 'agent', status: 'skip', message: 'not checked: no agent identity to connect to' });
    results.set('fingerprint', failure('fingerprint', error, 'TrustError'));
    return;
  }
  let connection: AgentConnection;
  try {
    connection = await AgentConnection.open(address, loadOrCreateControllerKey(configDir));
  } catch (error) {
    const unreachable = (error as HostoutError).kind === 'AgentUnreachableError';
    if (unreachable) results.set('agent', failure('agent', error, 'AgentUnreachableError'));
    else {
      results.set('agent', { name: 'agent', status: 'ok', message: `${address.host}:${address.port} answers` });
      results.set('fingerprint', failure('fingerprint', error, 'TrustError'));
    }
    return;
  }
  try {
    results.set('agent', { name: 'agent', status: 'ok', message: `${address.host}:${address.port} answers` });
    results.set('fingerprint', { name: 'fingerprint', status: 'ok', message: `the agent presents the pinned identity ${address.fingerprint}` });
    try {
      const hello = await connection.unary<{ agentVersion: string; hostname: string; keyId: string }>('Hello', {});
      results.set('agent', { name: 'agent', status: 'ok', message: `${address.host}:${address.port} answers: ${hello.hostname}, agent ${hello.agentVersion}` });
      results.set('key', { name: 'key', status: 'ok', message: `your key ${hello.keyId} is authorized` });
    } catch (error) {
      // a clock beyond the signing window makes every signed call fail: say that, not "key"
      if (/request timestamp/.test((error as Error).message)) results.set('clock', failure('clock', error, 'TrustError'));
      else results.set('key', failure('key', error, 'TrustError'));
      return;
    }
    let facts: HostFacts | undefined;
    try {
      const sent = Date.now();
      const toolchain = preview.plan.toolchain;
      const { balancer, instances } = preview.plan.settings.services;
      facts = await connection.unary<HostFacts>('HostFacts', {
        toolchainPython: toolchain.pythonMinor,
        toolchainWheels: preview.toolchainWheels.map((w) => w.sha256),
        balancerSocket: balancer?.socket ?? '',
        balancerBackend: balancer?.backend ?? '',
      });
      results.set('balancer', balancerCheck(facts, balancer, instances ?? []));
      // the agent reads its clock as the request arrives: off from `sent` by the network's one-way delay only
      results.set('clock', clockCheck(Number(facts.timeMs) - sent));
      results.set('python', pythonCheck(facts, preview.eggs.map((e) => e.filename), preview.plan.toolchain));
      results.set('buildout', buildoutCheck(facts, preview.plan.toolchain));
    } catch (error) {
      for (const name of ['python', 'buildout', 'disk', 'clock', 'balancer'] as const) {
        results.set(name, failure(name, error, undefined, 'an agent older than this ctl does not answer HostFacts: ctl upgrade-agent'));
      }
    }
    const status = await connection.unary<AgentStatus>('Status', {});
    results.set('lock', lockCheck(status));
    results.set('path', pathCheck(target.options.get('path'), status.path));
    if (facts) {
      const hashed = previewBlobs(preview).filter((b) => b.sha256);
      const { missing } = await connection.unary<{ missing: { sha256: string; receivedBytes: number }[] }>('MissingBlobs', { blobs: hashed.map((b) => ({ sha256: b.sha256, size: b.size })) });
      const lacking = new Set(missing.map((m) => m.sha256));
      // an egg still to be built is counted at the size of its sources: near its zipped size, and the best guess before building
      const bytesToSend = previewBlobs(preview).filter((b) => !b.sha256 || lacking.has(b.sha256)).reduce((sum, b) => sum + b.size, 0);
      results.set('disk', diskCheck(facts, bytesToSend));
    }
  } finally {
    connection.close();
  }
}

function failure(name: CheckName, error: unknown, kind: string | undefined, fallbackHint?: string): CheckResult {
  if (!(error instanceof HostoutError)) throw error;
  // an agent's refusal arrives as one text, its hint inside: one line each here
  const [message, agentHint] = error.message.split('\n  hint: ');
  return { name, status: 'fail', message: error.where ? `${error.where}: ${message}` : message!, hint: error.hint ?? agentHint ?? fallbackHint, ...(kind ? { kind } : {}) };
}
