/**
 * The rolling switch (target option instances): one instance at a time is taken out of the
 * balancer, stopped in the release it runs, started in the other, checked on its own health
 * URL and put back, while the others serve. Each instance is journaled (phase roll, with the
 * instance) before it is touched and once it is back, so that an undo, by this agent or by
 * one restarted after a crash, moves back exactly the instances that moved.
 */
import { StateError } from '../../shared/errors.ts';
import type { InstanceSettings } from '../../shared/manifest.ts';
import { checkHealth, type HealthSettings } from '../health/health-check.ts';
import { balancerFor, type Balancer } from '../services/balancer.ts';
import { instanceControl, requireScript } from '../services/instance-control.ts';
import { serviceTimeouts, type ServiceSettings } from '../services/service-control.ts';
import { readJournal } from '../state/journal.ts';
import { pauseForFaultInjection, type DeployContext } from './deploy-steps.ts';
import { plural } from '../../shared/text/plural.ts';

export interface ReleaseSide {
  tag: string;
  version: string;
  dir: string;
}

/** How one instance is moved: its control script and balancer, with the health settings of the release it goes to. */
interface Mover {
  instances: readonly InstanceSettings[];
  balancer: Balancer;
  services: ServiceSettings;
  health: HealthSettings;
}

function moverFor(services: ServiceSettings, health: HealthSettings, dir: string): Mover {
  return { instances: services.instances ?? [], balancer: balancerFor(services.balancer, dir), services, health };
}

/**
 * Moves every instance from `from` to `to`, one at a time. Throws at the first instance that
 * fails (the caller undoes with rollInstancesBack); before the first one moves, a missing control
 * script or an unknown server refuses the roll with nothing touched.
 */
export async function rollInstances(context: RollReporter, from: ReleaseSide, to: ReleaseSide, services: ServiceSettings, health: HealthSettings): Promise<number> {
  const mover = moverFor(services, health, to.dir);
  const log = context.output('roll');
  for (const instance of mover.instances) requireScript(instance, to.dir);
  await mover.balancer.check(mover.instances);
  if (!services.balancer) context.emit('roll', 'info', 'no balancer set: nothing drains the instances; each is restarted while the others run (whatever fronts them must send requests elsewhere)');
  for (const instance of mover.instances) {
    context.journalInstance?.('started', instance.script, `${from.version} → ${to.version}`);
    const summary = await moveInstance(mover, instance, from, to, log);
    context.journalInstance?.('done', instance.script);
    context.emit('roll', 'info', `${instance.script}: ${summary}`);
    await pauseForFaultInjection('roll-instance');
  }
  return mover.instances.length;
}

/**
 * What a roll tells: its output and one line per instance, and (a deploy or rollback) a
 * journal line before and after each instance. A restart in place (ctl restart) has no
 * journal: an instance that fails is restarted in the release it already ran.
 */
export interface RollReporter {
  output(phase: 'roll' | 'rollback'): (line: string) => void;
  emit(phase: 'roll' | 'rollback', state: 'info', message: string): void;
  journalInstance?(state: 'started' | 'done', instance: string, message?: string): void;
}

/**
 * Puts back on `to` every instance this deploy (or rollback) journaled as touched, the last
 * first; the others never left it. Returns the problems met: each instance is tried whatever
 * the others did.
 */
export async function rollInstancesBack(context: DeployContext, from: ReleaseSide, to: ReleaseSide, services: ServiceSettings, health: HealthSettings): Promise<string[]> {
  const touched = new Set(
    readJournal(context.agent.layout.journalFile)
      .filter((e) => e.deployId === context.deployId && e.phase === 'roll' && e.instance)
      .map((e) => e.instance!),
  );
  const mover = moverFor(services, health, to.dir);
  const log = context.output('rollback');
  const problems: string[] = [];
  for (const instance of mover.instances.filter((i) => touched.has(i.script)).reverse()) {
    try {
      const summary = await moveInstance(mover, instance, from, to, log, { stopMayFail: true });
      context.emit('rollback', 'info', `${instance.script}: ${summary}`);
    } catch (error) {
      problems.push(`${instance.script}: ${(error as Error).message}`);
      context.emit('rollback', 'info', `${instance.script} could not be put back on version ${to.version}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * drain → stop in `from` → start in `to` → its own health URL → back in the balancer. With
 * stopMayFail (an undo), a failing stop is logged and the start tried anyway: the instance may
 * never have started in `from`.
 */
async function moveInstance(mover: Mover, instance: InstanceSettings, from: ReleaseSide, to: ReleaseSide, log: (line: string) => void, options: { stopMayFail?: boolean } = {}): Promise<string> {
  const control = instanceControl(instance, serviceTimeouts(mover.services), log);
  const started = Date.now();
  await mover.balancer.takeOut(instance, log);
  try {
    await control.stop(from.dir);
  } catch (error) {
    if (!options.stopMayFail) throw error;
    log(`${instance.script}: stopping it in version ${from.version} failed (${(error as Error).message.split('\n')[0]}); starting version ${to.version} anyway`);
  }
  await control.start(to.dir);
  const health = await checkHealth({ url: instance.healthUrl, timeoutSeconds: mover.health.timeoutSeconds, retries: mover.health.retries }, to.dir, log);
  if (!health.ok) {
    throw new StateError(`instance ${instance.script} of version ${to.version} is not healthy after ${plural(health.attempts, 'attempt')}: ${health.reason}`, {
      where: `${to.dir} (phase roll)`,
      hint: `its log and \`${instance.script} fg\` (or start it by hand) in ${to.dir} show why`,
    });
  }
  await mover.balancer.putBack(instance, mover.health.timeoutSeconds * 1000, log);
  return `now version ${to.version}, healthy and serving (${Date.now() - started} ms out of rotation)`;
}
