/**
 * `ctl restart | stop | start` on each host of the target: the agent's Services call, its
 * progress shown as a deploy's is. A restart goes host after host and stops at the first host
 * that fails (so that a fleet is never restarted all at once into a failure); stop and start
 * go on with the other hosts and name the ones that failed.
 */
import { HostoutError } from '../../shared/errors.ts';
import type { Target } from '../target/target.ts';
import { withAgent } from '../agent-client/with-agent.ts';
import { DeployProgress, type PhaseEvent } from './deploy-progress.ts';
import { ProgressOutput } from '../cli/terminal.ts';
import type { CommandHost } from '../cli/each-host.ts';

export interface ServicesOutcome {
  host: string;
  ok: boolean;
  version?: string;
  error?: string;
}

export async function operateServicesOnHosts(hosts: readonly CommandHost[], action: 'restart' | 'stop' | 'start', options: { verbose: boolean; json: boolean }): Promise<void> {
  const output = new ProgressOutput(options.json ? process.stderr : process.stdout);
  const outcomes: ServicesOutcome[] = [];
  let firstError: Error | undefined;
  for (const host of hosts) {
    if (hosts.length > 1) output.write(`== ${host.label}\n`);
    try {
      const version = await operateOnHost(host.target, action, output, options.verbose);
      outcomes.push({ host: host.label, ok: true, version });
      output.write(`${action === 'restart' ? 'Restarted' : action === 'stop' ? 'Stopped' : 'Started'} version ${version}\n`);
    } catch (error) {
      firstError ??= error as Error;
      outcomes.push({ host: host.label, ok: false, error: (error as Error).message.split('\n')[0] });
      if (hosts.length > 1) output.write(`${host.label}: ${(error as Error).message.split('\n')[0]}\n`);
      if (action === 'restart') break;
    }
  }
  if (options.json) process.stdout.write(JSON.stringify({ action, hosts: outcomes }, null, 2) + '\n');
  if (!firstError) return;
  if (hosts.length === 1) throw firstError;
  const failed = outcomes.filter((o) => !o.ok).map((o) => o.host);
  const untouched = hosts.length - outcomes.length;
  throw new HostoutError(`${action} failed on ${failed.join(', ')}${untouched ? `; stopped there: ${untouched} host${untouched === 1 ? ' was' : 's were'} not restarted` : ''}`, {
    kind: firstError instanceof HostoutError ? firstError.kind : 'HostoutError',
    hint: 'the lines above say why; `ctl status` shows every host',
  });
}

async function operateOnHost(target: Target, action: string, output: ProgressOutput, verbose: boolean): Promise<string> {
  return withAgent(target, async (connection) => {
    const progress = new DeployProgress(output.write, verbose, output);
    let last: PhaseEvent | undefined;
    try {
      for await (const event of connection.stream<PhaseEvent>('Services', { action })) {
        progress.event(event);
        last = event;
      }
    } finally {
      progress.finish();
    }
    return last?.version ?? '';
  });
}
