/**
 * `ctl restart | stop | start`: the live release's services, without a deploy. Restart rolls
 * where the release rolls (instances, one at a time, drained, in the release they run) and
 * otherwise stops then starts; start ends with the health check. Under the deploy lock, so it
 * never meets a deploy half-way; not under the maintenance lock, which is for this kind of work.
 * Nothing is journaled: there is nothing to finish or undo after a crash.
 */
import { StateError, UsageError } from '../../shared/errors.ts';
import { plural } from '../../shared/text/plural.ts';
import type { Agent } from '../agent.ts';
import { checkHealth } from '../health/health-check.ts';
import { serviceControl } from '../services/service-control.ts';
import { releaseDir } from '../state/agent-layout.ts';
import { acquireDeployLock } from '../state/deploy-lock.ts';
import type { DeployEvent, EmitDeployEvent } from './deploy-event.ts';
import { NotFoundError } from './rollback-release.ts';
import { rollInstances } from './rolling-switch.ts';

export const SERVICE_ACTIONS = ['start', 'stop', 'restart'] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

export async function operateServices(agent: Agent, request: { action: string; holder: string }, emit: EmitDeployEvent): Promise<{ tag: string; version: string; rolled: number }> {
  const action = request.action as ServiceAction;
  if (!SERVICE_ACTIONS.includes(action)) throw new UsageError(`no service action "${request.action}"`, { hint: `actions: ${SERVICE_ACTIONS.join(', ')}` });
  const tag = agent.releases.currentRelease();
  if (!tag) throw new NotFoundError(`no release is live on this host: nothing to ${action}`, { hint: 'deploy first' });
  const version = agent.releases.findRelease(tag)?.version ?? '';
  const settings = agent.manifestOf(tag)?.manifest.settings;
  if (!settings) throw new StateError(`the live release ${tag} has no manifest: the agent does not know how its services run`, { hint: 'deploy again (ctl deploy --force) to give it one' });
  const dir = releaseDir(agent.layout, tag);
  const say = (phase: DeployEvent['phase'], state: DeployEvent['state'], message: string) => emit({ phase, state, message, tag, version, timeMs: Date.now() });
  const step = async <T>(phase: 'stop' | 'start' | 'roll' | 'health', started: string, work: () => Promise<T>, done: (result: T) => string): Promise<T> => {
    say(phase, 'started', started);
    try {
      const result = await work();
      say(phase, 'done', done(result));
      return result;
    } catch (error) {
      say(phase, 'failed', (error as Error).message);
      throw error;
    }
  };

  const lock = acquireDeployLock(agent.layout.lockFile, { holder: request.holder, tag });
  agent.activity = `${action === 'stop' ? 'stopping' : action === 'start' ? 'starting' : 'restarting'} the services of ${tag}`;
  try {
    const instances = settings.services.instances ?? [];
    if (action === 'restart' && instances.length) {
      const side = { tag, version, dir };
      const reporter = { output: (phase: 'roll' | 'rollback') => (line: string) => say(phase, 'output', line), emit: (phase: 'roll' | 'rollback', state: 'info', message: string) => say(phase, state, message) };
      const rolled = await step('roll', `restarting ${plural(instances.length, 'instance')} of version ${version} one at a time`, () => rollInstances(reporter, side, side, settings.services, settings.health), (n) => `${plural(n, 'instance')} restarted`);
      return { tag, version, rolled };
    }
    const services = serviceControl(settings.services, (line) => say(action === 'start' ? 'start' : 'stop', 'output', line));
    if (action !== 'start') await step('stop', `stopping version ${version}`, () => services.stop(dir), () => 'stopped');
    if (action !== 'stop') {
      await step('start', `starting version ${version}`, () => services.start(dir), () => 'started');
      await step('health', 'checking health', async () => {
        const result = await checkHealth(settings.health, dir, (line) => say('health', 'output', line));
        if (!result.ok) throw new StateError(`version ${version} started but is not healthy after ${plural(result.attempts, 'attempt')}: ${result.reason}`, { where: `${tag} (phase health)`, hint: `\`ctl logs --app\` shows the application's own log` });
        return result;
      }, (r) => (r.attempts ? `healthy after ${plural(r.attempts, 'attempt')}` : 'no health check configured'));
    }
    return { tag, version, rolled: 0 };
  } finally {
    agent.activity = 'idle';
    lock.release();
  }
}
