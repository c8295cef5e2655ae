import { createHash } from 'node:crypto';

/**
 * The service name of a target's agent (systemd unit or supervised service):
 * one per path, so several targets can share a host. Bootstrap installs it under
 * this name and the agent reports it in its status, so operators can find it.
 */
export function agentServiceName(path: string): string {
  return `hostout-agent-${createHash('sha256').update(path).digest('hex').slice(0, 8)}`;
}
