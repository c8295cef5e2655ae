import { isAbsolute, resolve } from 'node:path';
import { TargetError } from '../../shared/errors.ts';
import { inventoryGroupHosts } from './ansible-inventory.ts';
import type { Target } from './target.ts';

/** One host of a target: where its agent listens and where its sshd answers for bootstrap. */
export interface TargetHost {
  host: string;
  agentPort: number;
  sshPort: number;
  /** where the other hosts reach this host's agent, when not at `host` (inventory hostout_relay_host: a private address) */
  relayHost?: string;
}

/** "host:port" as people and known_agents write it ("[::1]:7611" for IPv6). */
export function hostLabel(entry: { host: string; agentPort: number }): string {
  return `${entry.host.includes(':') ? `[${entry.host}]` : entry.host}:${entry.agentPort}`;
}

/** "web1", "web1:7612", "10.0.0.5:7611", "[::1]:7611" → host and agent port. */
export function parseHostAddress(text: string, defaultPort: number, where: string): { host: string; agentPort: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s\[\]]+))(?::(\d+))?$/.exec(text);
  const port = match?.[3] === undefined ? defaultPort : Number(match[3]);
  if (!match || !(port > 0 && port < 65536)) {
    throw new TargetError(`'${text}' is not HOST or HOST:AGENT-PORT`, { where, hint: 'e.g. hosts = web1.example.com web2.example.com:7612' });
  }
  return { host: match[1] ?? match[2]!, agentPort: port };
}

/** A port from an inventory variable, checked as `hosts =` checks one: a whole number from 1 to 65535. */
function inventoryPort(text: string, variable: string, host: string, file: string): number {
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) < 1 || Number(text) > 65535) {
    throw new TargetError(`${variable} = ${text} for host ${host}: expected a port, a whole number from 1 to 65535`, { where: file, hint: `fix ${variable} in the inventory (host or group vars)` });
  }
  return Number(text);
}

/**
 * The target's hosts, in the order given: `hosts` (one per line or
 * space-separated), or an Ansible inventory group (`hosts-from = FILE GROUP`),
 * or the single `host`. Ports default to the target's agent-port and ssh-port.
 */
export function readTargetHosts(options: ReadonlyMap<string, string>, explicit: ReadonlySet<string>, directory: string, where: (key: string) => string): TargetHost[] {
  const agentPort = Number(options.get('agent-port'));
  const sshPort = Number(options.get('ssh-port'));
  const sources = ['host', 'hosts', 'hosts-from'].filter((key) => explicit.has(key));
  if (sources.length > 1) {
    throw new TargetError(`${sources.join(' and ')} are both set; a target takes its hosts from one of them`, { where: where(sources[1]!), hint: 'keep host for one host, hosts for a list, hosts-from for an Ansible inventory group' });
  }
  let hosts: TargetHost[];
  if (explicit.has('hosts')) {
    hosts = options.get('hosts')!.split(/\s+/).filter(Boolean).map((text) => ({ ...parseHostAddress(text, agentPort, where('hosts')), sshPort }));
    if (hosts.length === 0) throw new TargetError('hosts is empty', { where: where('hosts'), hint: 'list one or more HOST[:AGENT-PORT], or remove the option' });
  } else if (explicit.has('hosts-from')) {
    const [file, group, ...rest] = options.get('hosts-from')!.split(/\s+/).filter(Boolean);
    if (!file || !group || rest.length) throw new TargetError('hosts-from takes an inventory file and a group name', { where: where('hosts-from'), hint: 'e.g. hosts-from = inventory.ini webservers' });
    const path = isAbsolute(file) ? file : resolve(directory, file);
    hosts = inventoryGroupHosts(path, group, where('hosts-from')).map(({ name, vars }) => ({
      host: vars.ansible_host ?? name,
      agentPort: vars.hostout_agent_port !== undefined ? inventoryPort(vars.hostout_agent_port, 'hostout_agent_port', name, path) : agentPort,
      sshPort: vars.ansible_port !== undefined ? inventoryPort(vars.ansible_port, 'ansible_port', name, path) : sshPort,
      ...(vars.hostout_relay_host ? { relayHost: vars.hostout_relay_host } : {}),
    }));
  } else {
    hosts = [{ host: options.get('host')!, agentPort, sshPort }];
  }
  const seen = new Set<string>();
  for (const entry of hosts) {
    if (seen.has(hostLabel(entry))) throw new TargetError(`host ${hostLabel(entry)} is listed twice`, { where: where(sources[0] ?? 'host') });
    seen.add(hostLabel(entry));
  }
  return hosts;
}

/** The target as seen by one of its hosts: what single-host code (deploy, status, bootstrap) works on. */
export function targetForHost(target: Target, entry: TargetHost): Target {
  const options = new Map(target.options);
  options.set('host', entry.host);
  options.set('agent-port', String(entry.agentPort));
  options.set('ssh-port', String(entry.sshPort));
  return { ...target, hosts: [entry], options };
}

/** `--hosts H1,H2`: the target's hosts narrowed to those named (by host or host:port). */
export function selectHosts(hosts: readonly TargetHost[], names: string | undefined): TargetHost[] {
  if (!names) return [...hosts];
  const wanted = names.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = wanted.filter((n) => !hosts.some((h) => h.host === n || hostLabel(h) === n));
  if (unknown.length) {
    throw new TargetError(`--hosts names ${unknown.join(', ')}, not among the target's hosts`, { hint: `the target's hosts: ${hosts.map(hostLabel).join(', ')}` });
  }
  return hosts.filter((h) => wanted.includes(h.host) || wanted.includes(hostLabel(h)));
}
