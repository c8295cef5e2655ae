/**
 * The services plug point: how the agent stops and starts the application around a release
 * switch. The kind comes from the target's `services` option; each kind is one file.
 */
import type { BalancerSettings, InstanceSettings } from "../../shared/manifest.ts";
import { commandServices } from "./command-services.ts";
import { withInstances } from "./instance-control.ts";
import { managedServices } from "./managed-services.ts";
import { supervisorCommands } from "./supervisor-commands.ts";
import { systemdCommands } from "./systemd-commands.ts";

export interface ServiceSettings {
  kind: "command" | "systemd" | "supervisor" | "none";
  /** kind command: shell lines run with /bin/sh in the release directory */
  start?: string;
  stop?: string;
  status?: string;
  /** kind systemd or supervisor: unit or program names, started in this order and stopped in reverse */
  names: string[];
  /** kind supervisor: passed as `supervisorctl -c FILE`; a relative path is read from the release directory */
  supervisorConfig?: string;
  /** how long one start, stop or status command may run before its process group is killed */
  timeoutSeconds?: number;
  /** how long stopping may take (the target's stop-timeout); default: timeoutSeconds */
  stopTimeoutSeconds?: number;
  /** started after the services above and restarted one at a time by a rolling switch (rolling-switch.ts) */
  instances?: InstanceSettings[];
  balancer?: BalancerSettings;
}

export interface ServiceControl {
  start(releaseDir: string): Promise<void>;
  stop(releaseDir: string): Promise<void>;
  isRunning(releaseDir: string): Promise<boolean>;
}

export const DEFAULT_SERVICE_TIMEOUT_SECONDS = 120;

/** How long a start or status command, and a stop command, may run before its process group is killed. */
export interface ServiceTimeouts {
  commandMs: number;
  stopMs: number;
}

/** Throws ServiceError when the settings lack what their kind needs (commands, names). */
export function serviceControl(settings: ServiceSettings, log: (line: string) => void): ServiceControl {
  const timeouts = serviceTimeouts(settings);
  const base = baseServices(settings, timeouts, log);
  return settings.instances?.length ? withInstances(base, settings.kind !== "none", settings.instances, timeouts, log) : base;
}

export function serviceTimeouts(settings: ServiceSettings): ServiceTimeouts {
  const commandSeconds = settings.timeoutSeconds ?? DEFAULT_SERVICE_TIMEOUT_SECONDS;
  return { commandMs: commandSeconds * 1000, stopMs: (settings.stopTimeoutSeconds ?? commandSeconds) * 1000 };
}

/** The services of `services` (and start/stop or service-names), without the instances. */
export function baseServices(settings: ServiceSettings, timeouts: ServiceTimeouts, log: (line: string) => void): ServiceControl {
  switch (settings.kind) {
    case "command":
      return commandServices(settings, timeouts, log);
    case "systemd":
      return managedServices(systemdCommands(settings.names), timeouts, log);
    case "supervisor":
      return managedServices(supervisorCommands(settings.names, settings.supervisorConfig), timeouts, log);
    case "none":
      return unmanagedServices;
  }
}

/** services = none: the agent does not run the application; nothing to start, nothing running. */
const unmanagedServices: ServiceControl = {
  start: async () => {},
  stop: async () => {},
  isRunning: async () => false,
};
