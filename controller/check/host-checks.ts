import { describeMaintenanceLock } from '../../shared/maintenance-lock-message.ts';
import type { AgentStatus } from '../../shared/agent-status.ts';
import { DEFAULT_SIGNATURE_WINDOW_MS } from '../../shared/trust/nonce-store.ts';
import { eggTagMismatches } from '../release/egg-filename-tags.ts';
import type { CheckResult } from './check-result.ts';
import type { HostFacts } from '../../shared/host-facts.ts';
import { formatBytes } from '../../shared/text/human-units.ts';

export type { HostFacts };


/**
 * Free disk needed per byte sent: the blob is stored, the archive is unpacked into
 * releases/<tag>, and each egg is placed in shared/dist and unzipped by buildout into
 * shared/eggs. Zipped eggs and a gzipped archive unpack to about twice their size.
 */
export const DISK_FACTOR = 4;

/** Skew at which ctl check warns: well inside the agent's window, so there is time to fix NTP. */
export const CLOCK_WARN_MS = 60_000;

/**
 * The eggs against the host's Python that builds the release: the one of the release's
 * toolchain version when the host was asked about it (`toolchainInterpreter`), else the agent's own.
 */
export function pythonCheck(facts: HostFacts, eggFilenames: readonly string[], toolchain?: ToolchainOfRelease): CheckResult {
  if (facts.toolchainError) {
    return { name: 'python', status: 'fail', message: facts.toolchainError, hint: `install Python ${toolchain?.pythonMinor ?? ''} on the host, or set the target's python to a virtualenv of a Python the host has (${facts.pythonVersion || 'none runs'} at ${facts.python})` };
  }
  if (facts.toolchainInterpreter && facts.toolchainInterpreterVersion) {
    // CPython's ABI tag follows from its version: cp312 for 3.12
    const abiTag = `cp${facts.toolchainInterpreterVersion.split('.').slice(0, 2).join('')}`;
    facts = { ...facts, python: facts.toolchainInterpreter, pythonVersion: facts.toolchainInterpreterVersion, abiTag };
  }
  if (!facts.pythonVersion) {
    return { name: 'python', status: 'fail', message: facts.pythonError || `${facts.python} cannot be run`, hint: pythonHint(facts) };
  }
  const about = `${facts.python} is Python ${facts.pythonVersion} (${facts.pythonPlatform}, ${facts.abiTag})`;
  const problems = eggTagMismatches(eggFilenames, { version: facts.pythonVersion, platform: facts.pythonPlatform });
  if (problems.length === 0) return { name: 'python', status: 'ok', message: `${about}: fits all ${eggFilenames.length} eggs` };
  return {
    name: 'python',
    status: 'fail',
    message: `${about}, but ${problems.join('; ')}`,
    hint: 'build with the Python the host runs (the target\'s python option), or give the agent that Python (hostout-agent init --python)',
  };
}

/** What the release builds with: from the plan (controller/release/release-plan.ts PlannedToolchain). */
export interface ToolchainOfRelease {
  python: string;
  pythonMinor: string;
  buildout: string;
  dists: readonly { name: string; version: string }[];
  shipsWheels: boolean;
}

/**
 * The release's buildout toolchain beside the host's. A shipped toolchain (wheels) needs only
 * the host's Python of its version; otherwise the host's own zc.buildout builds the release.
 */
export function buildoutCheck(facts: HostFacts, toolchain?: ToolchainOfRelease): CheckResult {
  if (toolchain?.shipsWheels) {
    const release = `release: ${toolchain.dists.map((d) => `${d.name} ${d.version}`).join(', ')} (Python ${toolchain.python})`;
    if (facts.toolchainError || !facts.toolchainInterpreter) return { name: 'buildout', status: 'fail', message: `${release}; host: ${facts.toolchainError || 'cannot say which Python would build it (an older agent: ctl upgrade-agent)'}` };
    const made = facts.toolchainInstalled ? 'its virtualenv is made' : 'its virtualenv is made from the shipped wheels at the next deploy';
    return { name: 'buildout', status: 'ok', message: `${release}; host: Python ${facts.toolchainInterpreterVersion} at ${facts.toolchainInterpreter}, ${made}` };
  }
  if (!facts.buildoutImportable) {
    return { name: 'buildout', status: 'fail', message: `${facts.python} cannot import zc.buildout${facts.pythonError ? ` (${facts.pythonError})` : ''}`, hint: pythonHint(facts) };
  }
  if (!facts.launcherPresent) {
    return { name: 'buildout', status: 'fail', message: `zc.buildout ${facts.buildoutVersion} imports, but the launcher ${facts.launcher} is missing`, hint: `run \`hostout-agent init --path ${facts.path}\` again on the host (it puts the launcher back)` };
  }
  const release = toolchain ? `release: the host's own zc.buildout (built here with zc.buildout ${toolchain.buildout}, Python ${toolchain.python}); ` : '';
  return { name: 'buildout', status: 'ok', message: `${release}host: zc.buildout ${facts.buildoutVersion} imports with ${facts.python}; launcher present` };
}

export function diskCheck(facts: HostFacts, bytesToSend: number): CheckResult {
  const needed = bytesToSend * DISK_FACTOR;
  const need = bytesToSend === 0 ? 'the host has every file of this release' : `needs about ${formatBytes(needed)} (${DISK_FACTOR} × ${formatBytes(bytesToSend)} to send: stored, unpacked, eggs unzipped)`;
  const message = `${formatBytes(facts.freeBytes)} free in ${facts.path}; ${need}`;
  if (facts.freeBytes >= needed) return { name: 'disk', status: 'ok', message };
  return { name: 'disk', status: 'fail', message, hint: `free at least ${formatBytes(needed - facts.freeBytes)} in ${facts.path} (old releases go with keep-releases; blobs of pruned releases stay in agent/blobs)` };
}

export function lockCheck(status: Pick<AgentStatus, 'lock' | 'maintenance'>): CheckResult {
  if (status.maintenance) {
    return { name: 'lock', status: 'fail', message: `locked for maintenance ${describeMaintenanceLock(status.maintenance)}: a deploy now would be refused`, hint: 'ctl unlock once the work is over (anyone authorized can); ctl status shows the lock', kind: 'LockError' };
  }
  if (!status.lock) return { name: 'lock', status: 'ok', message: 'free' };
  const { holder, since, tag } = status.lock;
  return { name: 'lock', status: 'fail', message: `held by ${holder} since ${since} (${tag}): a deploy now would be refused`, hint: 'wait for that deploy or rollback to end (ctl status shows it)', kind: 'LockError' };
}

/** skewMs: the agent's clock minus this machine's, at the moment it answered. */
export function clockCheck(skewMs: number, windowMs = DEFAULT_SIGNATURE_WINDOW_MS): CheckResult {
  const seconds = Math.abs(skewMs) / 1000;
  const message = `the agent's clock is ${seconds.toFixed(1)} s ${skewMs >= 0 ? 'ahead of' : 'behind'} this machine's; requests are refused beyond ${windowMs / 60_000} min`;
  if (Math.abs(skewMs) < CLOCK_WARN_MS) return { name: 'clock', status: 'ok', message };
  const hint = 'synchronize both clocks (NTP: `timedatectl set-ntp true`, `timedatectl status`)';
  if (Math.abs(skewMs) < windowMs / 2) return { name: 'clock', status: 'warn', message, hint };
  return { name: 'clock', status: 'fail', message, hint, kind: 'TrustError' };
}

function pythonHint(facts: HostFacts): string {
  return `install python3-zc.buildout for ${facts.python} on the host, or point the agent at a Python that has it: hostout-agent init --path ${facts.path} --python /usr/bin/python3`;
}


/**
 * The target's balancer as HAProxy sees it now: every instance a server of the backend, and
 * how many of them serve. `instances`: the target's (script and server name); none: not asked.
 */
export function balancerCheck(facts: HostFacts, balancer: { socket: string; backend: string } | undefined, instances: readonly { script: string; server: string }[]): CheckResult {
  if (!balancer) {
    return instances.length
      ? { name: 'balancer', status: 'ok', message: `none set: ${instances.length} instances restart one at a time, undrained` }
      : { name: 'balancer', status: 'ok', message: 'none (no instances: services stop and start together)' };
  }
  if (facts.balancerNotLive) return { name: 'balancer', status: 'warn', message: `${balancer.socket} is read from the live release, and none is live yet: not checked (the first deploy starts everything at once)` };
  if (facts.balancerError) {
    const [message, hint] = facts.balancerError.split('\n  hint: ');
    return { name: 'balancer', status: 'fail', message: message!, ...(hint ? { hint } : {}) };
  }
  if (!facts.balancerServers) return { name: 'balancer', status: 'warn', message: 'not checked: an agent older than this ctl (ctl upgrade-agent)' };
  const servers = facts.balancerServers;
  const missing = instances.filter((i) => !servers.some((s) => s.server === i.server));
  if (missing.length) {
    return {
      name: 'balancer',
      status: 'fail',
      message: `HAProxy's backend "${balancer.backend}" has no server ${missing.map((i) => `"${i.server}" (instance ${i.script})`).join(', ')}`,
      hint: `its servers: ${servers.map((s) => s.server).join(', ')}; name each instance's server as haproxy.cfg does (third column of instances)`,
    };
  }
  const described = instances.map((i) => `${i.server} ${servers.find((s) => s.server === i.server)!.status}`).join(', ');
  const serving = instances.filter((i) => /^UP|^no check/.test(servers.find((s) => s.server === i.server)!.status));
  if (serving.length < instances.length) {
    return { name: 'balancer', status: 'warn', message: `HAProxy backend ${balancer.backend}: ${described}`, hint: 'a deploy now would restart the serving instances one at a time while fewer serve than usual; see why the others are down first (ctl logs --app, HAProxy\'s log)' };
  }
  return { name: 'balancer', status: 'ok', message: `HAProxy backend ${balancer.backend}: ${described}` };
}

/** The target's `path` against where the agent keeps its releases: a deploy goes where the agent is, not where the target says. */
export function pathCheck(targetPath: string | undefined, agentPath: string): CheckResult {
  if (!targetPath || targetPath.replace(/\/+$/, '') === agentPath.replace(/\/+$/, '')) return { name: 'path', status: 'ok', message: agentPath };
  return {
    name: 'path',
    status: 'warn',
    message: `the target says path = ${targetPath}, but this agent keeps its releases in ${agentPath}: a deploy goes to ${agentPath}`,
    hint: `set path = ${agentPath} in the target, or pair the agent that serves ${targetPath}`,
  };
}
