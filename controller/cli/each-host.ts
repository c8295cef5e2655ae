/**
 * What the operator commands (logs, lock, unlock, exec, report) share on a target with
 * several hosts: the hosts `--hosts` names, one signed connection each (at most `parallel`
 * at once), each host's lines prefixed with its name, and one error for the hosts that
 * failed, with the exit code of the first failure's kind.
 */
import { resolve } from 'node:path';
import { HostoutError } from '../../shared/errors.ts';
import { defaultConfigDir } from '../../shared/trust/controller-key.ts';
import type { AgentConnection } from '../agent-client/agent-client.ts';
import { loadTargetConfig } from '../target/load-target.ts';
import { hostLabel, selectHosts, targetForHost } from '../target/target-hosts.ts';
import type { Target } from '../target/target.ts';
import { onEachHost, type HostOutcome } from '../fleet/on-each-host.ts';
import { visibleLine, visibleText } from '../../shared/text/visible-text.ts';

export interface CommandHost {
  /** HOST:PORT on a target with several hosts, HOST on one with a single host */
  label: string;
  /** the target narrowed to this host */
  target: Target;
}

/** The hosts a command works on: the target's, narrowed by --hosts. */
export function commandHosts(configFile: string, targetName: string | undefined, command: string, only: string | undefined): { target: Target; hosts: CommandHost[] } {
  const { target } = loadTargetConfig(resolve(configFile), targetName, command);
  const selected = selectHosts(target.hosts, only);
  return { target, hosts: selected.map((host) => ({ label: target.hosts.length === 1 ? host.host : hostLabel(host), target: targetForHost(target, host) })) };
}

/** `work` on each host's agent, at most the target's `parallel` at once; each host's outcome, in order. */
export async function onCommandHosts<T>(target: Target, hosts: readonly CommandHost[], work: (connection: AgentConnection, host: CommandHost) => Promise<T>): Promise<HostOutcome<T>[]> {
  const { withHostAgent } = await import('../fleet/fleet-operations.ts');
  const configDir = defaultConfigDir();
  const byLabel = new Map(hosts.map((h) => [hostLabel(h.target.hosts[0]!), h]));
  const outcomes = await onEachHost(
    hosts.map((h) => h.target.hosts[0]!),
    Number(target.options.get('parallel') ?? 10),
    (host) => withHostAgent(target, host, configDir, (connection) => work(connection, byLabel.get(hostLabel(host))!)),
  );
  // named as the command names its hosts (HOST alone on a target with one)
  return outcomes.map((o) => ({ ...o, label: byLabel.get(o.label)?.label ?? o.label }));
}

/**
 * The hosts that failed, as one error: "2 of 3 hosts …: web2 (no agent answers …)", exit code
 * of the first one's kind (4 for an unreachable host). Undefined when none failed.
 */
export function hostsFailed<T>(outcomes: readonly HostOutcome<T>[], what: string): HostoutError | undefined {
  const failed = outcomes.filter((o): o is Extract<HostOutcome<T>, { ok: false }> => !o.ok);
  if (failed.length === 0) return undefined;
  const first = failed[0]!.error;
  return new HostoutError(`${failed.length} of ${outcomes.length} hosts ${what}: ${failed.map((f) => `${f.label} (${f.error.message.split('\n')[0]})`).join('; ')}`, {
    kind: first instanceof HostoutError ? first.kind : 'HostoutError',
    hint: 'the other hosts did it; fix these and run the command again with --hosts naming them',
  });
}

/**
 * Writes text to `stream` one whole line at a time, each prefixed with `label | `, so that
 * lines of hosts running at once never mix inside a line. `end` flushes a last partial line.
 * `shown`: how a line from the host is shown (control characters visible, by default; exec
 * passes its command's own output through as it is, as ssh would).
 */
export function prefixedLines(stream: NodeJS.WritableStream, label: string, shown: (line: string) => string = visibleText): { write(text: string | Buffer): void; end(): void } {
  let pending = '';
  return {
    write(text) {
      pending += text.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      if (lines.length) stream.write(lines.map((line) => `${visibleLine(label)} | ${shown(line)}\n`).join(''));
    },
    end() {
      if (pending) stream.write(`${visibleLine(label)} | ${shown(pending)}\n`);
      pending = '';
    },
  };
}
