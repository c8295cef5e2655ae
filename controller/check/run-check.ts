import { resolve } from 'node:path';
import { HostoutError } from '../../shared/errors.ts';
import type { AgentStatus } from '../../shared/agent-status.ts';
import { defaultConfigDir, loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { AgentConnection } from '../agent-client/agent-client.ts';
import { agentAddressOf } from '../agent-client/agent-address.ts';
import { loadTargetConfig } from '../target/load-target.ts';
import { previewBlobs, previewRelease, type ReleasePreview } from '../release/release-preview.ts';
import { CHECK_NAMES, type CheckName, type CheckResult } from './check-result.ts';
import { balancerCheck, buildoutCheck, clockCheck, diskCheck, lockCheck, pythonCheck, type HostFacts } from './host-checks.ts';

export interface CheckReport {
  target?: string;
  host?: string;
  checks: CheckResult[];
}

/**
 * `ctl check`: the config first (without the host: when it fails, nothing else is
 * asked), then the agent over its signed calls, each check one line. Read-only
 * on both sides: the plan is previewed, the agent answers Hello, HostFacts, Status
 * and MissingBlobs.
 */
export async function runCheck(configFile: string, targetName: string | undefined, options: { configDir?: string } = {}): Promise<CheckReport> {
  const results = new Map<CheckName, CheckResult>();
  const report = (): CheckReport => ({
    target,
    host,
    checks: CHECK_NAMES.map((name) => results.get(name) ?? { name, status: 'skip', message: 'not checked: an earlier check failed' }),
  });
  let target: string | undefined;
  let host: string | undefined;

  let loaded: ReturnType<typeof loadTargetConfig>;
  let preview: ReleasePreview;
  try {
    loaded = loadTargetConfig(resolve(configFile), targetName, 'check');
    target = loaded.target.name;
    host = loaded.target.options.get('host');
    preview = await previewRelease(loaded);
  } catch (error) {
    results.set('config', failure('config', error, 'ConfigError'));
    return report();
  }
  results.set('config', { name: 'config', status: 'ok', message: `target ${target} in ${configFile}: release ${preview.plan.tag}, ${preview.plan.eggs.length} eggs` });

  const configDir = options.configDir ?? defaultConfigDir();
  let address;
  try {
    address = agentAddressOf(loaded.target, configDir);
  } catch (error) {
    results.set('agent', { name: 'agent', status: 'skip', message: 'not checked: no agent identity to connect to' });
    results.set('fingerprint', failure('fingerprint', error, 'TrustError'));
    return report();
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
    return report();
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
      return report();
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
    if (facts) {
      const hashed = previewBlobs(preview).filter((b) => b.sha256);
      const { missing } = await connection.unary<{ missing: { sha256: string; receivedBytes: number }[] }>('MissingBlobs', { blobs: hashed.map((b) => ({ sha256: b.sha256, size: b.size })) });
      const lacking = new Set(missing.map((m) => m.sha256));
      // an egg still to be built is counted at the size of its sources: near its zipped size, and the best guess before building
      const bytesToSend = previewBlobs(preview).filter((b) => !b.sha256 || lacking.has(b.sha256)).reduce((sum, b) => sum + b.size, 0);
      results.set('disk', diskCheck(facts, bytesToSend));
    }
    return report();
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
