/**
 * Which stop command stops the running release before a deploy switches away from it. Pure.
 *
 * The rule: the config being deployed wins. Its stop command (and stop-timeout) runs, in the
 * running release's directory, so that fixing `stop` in buildout.cfg and deploying again works
 * even when the running release's own stop command hangs. The one exception: when the new
 * config manages services another way (e.g. services = command → systemd), only the running
 * release's own definition knows how it was started, so that one runs. A rollback brings no
 * new config: the running release's own stop command runs.
 */
import type { DeploySettings } from '../../shared/manifest.ts';
import { DEFAULT_SERVICE_TIMEOUT_SECONDS, type ServiceSettings } from '../services/service-control.ts';

export interface ReleaseServices {
  tag: string;
  version: string;
  /** the services part of the release's manifest; undefined when the release has no manifest */
  services: DeploySettings['services'] | undefined;
}

export interface StopCommandChoice {
  settings: ServiceSettings;
  /** what runs, for people: "`bin/instance stop`", "systemctl stop acme-web" */
  command: string;
  /** where the command came from, and why that one */
  origin: string;
  timeoutSeconds: number;
}

const NO_SERVICES: ServiceSettings = { kind: 'none', names: [] };

export function chooseStopCommand(running: ReleaseServices, incoming?: ReleaseServices): StopCommandChoice {
  const runningOwn = `from the manifest version ${running.version} (${running.tag}) was deployed with (target options services, stop, service-names, stop-timeout as they were then)`;
  if (incoming?.services && (!running.services || running.services.kind === incoming.services.kind)) {
    return choice(incoming.services, `from the config being deployed (version ${incoming.version}, ${incoming.tag}: target options stop, service-names, stop-timeout), which wins over the one version ${running.version} was deployed with`);
  }
  if (incoming?.services && running.services) {
    return choice(running.services, `${runningOwn}, since the config being deployed changes services from ${running.services.kind} to ${incoming.services.kind}`);
  }
  return choice(running.services ?? NO_SERVICES, running.services ? runningOwn : `nowhere: version ${running.version} has no manifest, so nothing is stopped`);
}

function choice(services: ServiceSettings, origin: string): StopCommandChoice {
  return { settings: services, command: describeStopCommand(services), origin, timeoutSeconds: services.stopTimeoutSeconds ?? services.timeoutSeconds ?? DEFAULT_SERVICE_TIMEOUT_SECONDS };
}

function describeStopCommand(services: ServiceSettings): string {
  const instances = [...(services.instances ?? [])].reverse().map((i) => `\`${i.script} stop\``);
  if (instances.length === 0) return describeBaseStop(services);
  return services.kind === 'none' ? instances.join(', ') : `${instances.join(', ')}, then ${describeBaseStop(services)}`;
}

function describeBaseStop(services: ServiceSettings): string {
  switch (services.kind) {
    case 'command':
      return `\`${services.stop ?? ''}\``;
    case 'systemd':
      return `systemctl stop ${[...services.names].reverse().join(' ')}`;
    case 'supervisor':
      return `supervisorctl stop ${[...services.names].reverse().join(' ')}`;
    case 'none':
      return 'nothing (services = none)';
  }
}
