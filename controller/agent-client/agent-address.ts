import { TargetError } from '../../shared/errors.ts';
import type { Target } from '../target/target.ts';
import type { AgentAddress } from './agent-client.ts';
import { lookupKnownAgent } from './known-agents.ts';

/** Where the target's agent listens and which TLS identity it must present. */
export function agentAddressOf(target: Target, configDir: string): AgentAddress {
  const host = target.options.get('host')!;
  const port = Number(target.options.get('agent-port'));
  const fingerprint = target.options.get('agent-fingerprint') ?? lookupKnownAgent(configDir, host, port);
  if (!fingerprint) {
    throw new TargetError(`no agent identity is pinned for ${host}:${port}`, {
      where: `[${target.name}]`,
      hint: 'bootstrap the host with `ctl bootstrap`, or set agent-fingerprint to what `hostout-agent init` printed',
    });
  }
  return { host, port, fingerprint };
}
