/**
 * What runs this agent, so that `ctl status` names a service that exists: systemd (its unit,
 * read from the process's own cgroup), hostout-agent-supervise (which marks what it starts
 * with HOSTOUT_SUPERVISED=1), or nothing (started by hand).
 */
import { readFileSync } from 'node:fs';

export type ServiceManager = 'systemd' | 'supervise' | 'none';

let known: ServiceManager | undefined;

export function serviceManagerOfThisProcess(env: NodeJS.ProcessEnv = process.env): ServiceManager {
  if (known) return known;
  if (env.HOSTOUT_SUPERVISED === '1') return (known = 'supervise');
  // systemd gives every service an invocation id and its own cgroup, named after the unit
  if (env.INVOCATION_ID && /\/hostout-agent[^/]*\.service$/m.test(readCgroup())) return (known = 'systemd');
  return (known = 'none');
}

function readCgroup(): string {
  try {
    return readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return '';
  }
}
