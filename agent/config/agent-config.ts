import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import type { AgentLayout } from '../state/agent-layout.ts';

/** How this agent runs: written by `hostout-agent init`, read by every other command. */
export interface AgentConfig {
  listen: { host: string; port: number };
  /** the Python that runs buildout on this host (Debian's, or a virtualenv's) */
  python: string;
  /** false: refuse to pass blobs on to other hosts (the blob relay); absent: serve them */
  servePeers?: boolean;
}

import { DEFAULT_AGENT_PORT } from '../../shared/agent-port.ts';

export function agentConfigFile(layout: AgentLayout): string {
  return join(layout.agentDir, 'agent.json');
}

export function readAgentConfig(layout: AgentLayout): AgentConfig {
  const file = agentConfigFile(layout);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new StateError(`no agent state at ${layout.root}`, {
      where: file,
      hint: `run \`hostout-agent init --path ${layout.root} --authorize <controller key>\` first (ctl keys show prints the key)`,
    });
  }
  try {
    return JSON.parse(text) as AgentConfig;
  } catch (error) {
    throw new StateError(`agent config is not valid JSON: ${(error as Error).message}`, { where: file, hint: 'run hostout-agent init again to rewrite it' });
  }
}

export function writeAgentConfig(layout: AgentLayout, config: AgentConfig): void {
  writeFileAtomic(agentConfigFile(layout), JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
}

/** "127.0.0.1:7611", "[::1]:7611" or "7611" -> host and port. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || !(port > 0 && port < 65536)) {
    throw new StateError(`--listen ${text}: expected HOST:PORT, e.g. 127.0.0.1:${DEFAULT_AGENT_PORT}`);
  }
  return { host: match[1] || match[2] || '0.0.0.0', port };
}
