import { execFile } from 'node:child_process';
import { existsSync, statfsSync } from 'node:fs';
import { PRINT_ABI_TAG } from '../shared/python-abi-tag-query.ts';
import type { Agent } from './agent.ts';
import type { HostFacts } from '../shared/host-facts.ts';
import { isToolchainInstalled, placeRequestedToolchain, pythonVersionOf, type ToolchainRequest } from './toolchain/release-toolchain.ts';
import { isAbsolute, join } from 'node:path';
import { HaproxyRuntime } from './services/haproxy-runtime.ts';
import { releaseDir } from './state/agent-layout.ts';
import { HostoutError } from '../shared/errors.ts';


// Imports zc.buildout as a deploy's buildout run does: through the launcher's aliases
// (Debian's buildout 2.13 needs them on Python >= 3.10), so "importable" means "runs".
const PRINT_PYTHON_FACTS = `
import json, platform, sys, sysconfig
facts = {'version': platform.python_version(), 'platform': sysconfig.get_platform().replace('.', '_').replace(' ', '_'), 'buildout': '', 'error': ''}
try:
    if LAUNCHER:
        import runpy
        runpy.run_path(LAUNCHER)
    import zc.buildout.buildout
    try:
        from importlib.metadata import version
        facts['buildout'] = version('zc.buildout')
    except Exception:
        facts['buildout'] = 'unknown version'
except Exception as error:
    facts['error'] = '%s: %s' % (type(error).__name__, error)
print(json.dumps(facts))
`;

/**
 * `toolchain`: a release's, to say how this host would build it (empty python: not asked);
 * `balancer`: the target's, to say what HAProxy sees of the instances (empty socket: not asked).
 */
export async function readHostFacts(agent: Agent, toolchain?: ToolchainRequest, balancer?: { socket: string; backend: string }): Promise<HostFacts> {
  // the clock is read as the request arrives, not after Python ran: ctl compares it with when it asked
  const timeMs = Date.now();
  const python = agent.config.python;
  const launcher = agent.buildoutLauncher;
  const launcherPresent = existsSync(launcher);
  const asked = await askPython(python, launcherPresent ? launcher : undefined);
  const disk = statfsSync(agent.layout.root);
  return {
    python,
    pythonVersion: asked.version,
    pythonPlatform: asked.platform,
    abiTag: asked.abiTag,
    buildoutImportable: asked.buildout !== '',
    buildoutVersion: asked.buildout,
    pythonError: asked.error,
    launcher,
    launcherPresent,
    path: agent.layout.root,
    freeBytes: Number(disk.bavail) * Number(disk.bsize),
    timeMs,
    ...(toolchain?.python ? await toolchainFacts(agent, toolchain) : {}),
    ...(balancer?.socket ? await balancerFacts(agent, balancer) : {}),
  };
}

async function balancerFacts(agent: Agent, balancer: { socket: string; backend: string }): Promise<Pick<HostFacts, 'balancerServers' | 'balancerError' | 'balancerNotLive'>> {
  const live = agent.releases.currentRelease();
  if (!isAbsolute(balancer.socket) && !live) return { balancerNotLive: true };
  const socket = isAbsolute(balancer.socket) ? balancer.socket : join(releaseDir(agent.layout, live!), balancer.socket);
  try {
    return { balancerServers: await new HaproxyRuntime(socket).servers(balancer.backend) };
  } catch (error) {
    if (!(error instanceof HostoutError)) throw error;
    return { balancerError: `${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}` };
  }
}

async function toolchainFacts(agent: Agent, request: ToolchainRequest): Promise<Pick<HostFacts, 'toolchainInterpreter' | 'toolchainInterpreterVersion' | 'toolchainError' | 'toolchainInstalled'>> {
  try {
    const place = await placeRequestedToolchain(request, agent.layout.toolchainsDir, agent.config.python, '');
    return { toolchainInterpreter: place.base, toolchainInterpreterVersion: (await pythonVersionOf(place.base)) ?? '', toolchainInstalled: isToolchainInstalled(place) };
  } catch (error) {
    return { toolchainError: (error as Error).message };
  }
}

function askPython(python: string, launcher: string | undefined): Promise<{ version: string; platform: string; abiTag: string; buildout: string; error: string }> {
  // without the launcher, the plain import still says whether buildout is there at all
  const script = `LAUNCHER = ${JSON.stringify(launcher ?? '')}\n${PRINT_PYTHON_FACTS}${PRINT_ABI_TAG}`;
  return new Promise((resolve) => {
    execFile(python, ['-c', script], { timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const [factsLine, abiLine] = stdout.trim().split('\n');
      try {
        const facts = JSON.parse(factsLine ?? '');
        return resolve({ version: facts.version, platform: facts.platform, abiTag: abiLine?.trim() ?? '', buildout: facts.buildout, error: facts.error });
      } catch {
        const why = error ? `${error.message.split('\n')[0]}${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}` : `unexpected output: ${stdout.slice(0, 200)}`;
        resolve({ version: '', platform: '', abiTag: '', buildout: '', error: `cannot run ${python}: ${why}` });
      }
    });
  });
}
