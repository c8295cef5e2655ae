/**
 * Instances (target option instances): each is started, stopped and asked about with its own
 * control script, `SCRIPT start|stop|status`, run in the release directory it belongs to, as
 * Plone's bin/instance1 (zdaemon) or the example's bin/acme-ctl take them.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ServiceError } from "../../shared/errors.ts";
import type { InstanceSettings } from "../../shared/manifest.ts";
import { runCommand, succeeded } from "./run-command.ts";
import { serviceFailure } from "./service-failure.ts";
import type { ServiceControl, ServiceTimeouts } from "./service-control.ts";

export function instanceControl(instance: InstanceSettings, timeouts: ServiceTimeouts, log: (line: string) => void): ServiceControl {
  const run = async (action: "start" | "stop" | "status", releaseDir: string) => {
    requireScript(instance, releaseDir);
    return runCommand({ argv: [join(releaseDir, instance.script), action], cwd: releaseDir, timeoutMs: action === "stop" ? timeouts.stopMs : timeouts.commandMs, log });
  };
  const runOrThrow = async (action: "start" | "stop", releaseDir: string) => {
    const outcome = await run(action, releaseDir);
    if (!succeeded(outcome)) {
      const hint = outcome.timedOut
        ? `\`${instance.script} ${action}\` must return once the instance is ${action === "start" ? "launched (in the background)" : "stopped"}; raise ${action === "stop" ? "stop-timeout" : "the services timeout"} if it needs longer`
        : `run \`${instance.script} ${action}\` by hand in ${releaseDir} to see why it fails`;
      throw serviceFailure(`${action === "start" ? "starting" : "stopping"} instance ${instance.script}`, outcome, releaseDir, hint);
    }
  };
  return {
    start: (releaseDir) => runOrThrow("start", releaseDir),
    stop: (releaseDir) => runOrThrow("stop", releaseDir),
    isRunning: async (releaseDir) => {
      const outcome = await run("status", releaseDir);
      if (outcome.timedOut || outcome.startProblem) throw serviceFailure(`asking whether instance ${instance.script} runs`, outcome, releaseDir, `run \`${instance.script} status\` by hand`);
      return outcome.exitCode === 0;
    },
  };
}

/** Throws unless the release has the instance's control script: buildout did not make it, or the target names the wrong one. */
export function requireScript(instance: InstanceSettings, releaseDir: string): void {
  if (existsSync(join(releaseDir, instance.script))) return;
  throw new ServiceError(`instance ${instance.script} is not in release ${releaseDir.split("/").at(-1)}: buildout made no ${instance.script}`, {
    where: join(releaseDir, instance.script),
    hint: `check the target's instances option against the scripts in ${join(releaseDir, "bin")} (the parts of the production config make them)`,
  });
}

/**
 * The base services (a ZEO server, a queue worker) and the instances as one: started base
 * first, then the instances in order; stopped the other way round. How a full stop (the first
 * deploy, a migration, changed services) drives a release that has instances.
 */
export function withInstances(base: ServiceControl, baseManaged: boolean, instances: readonly InstanceSettings[], timeouts: ServiceTimeouts, log: (line: string) => void): ServiceControl {
  const controls = instances.map((instance) => instanceControl(instance, timeouts, log));
  return {
    async start(releaseDir) {
      await base.start(releaseDir);
      for (const control of controls) await control.start(releaseDir);
    },
    async stop(releaseDir) {
      for (const control of [...controls].reverse()) await control.stop(releaseDir);
      await base.stop(releaseDir);
    },
    async isRunning(releaseDir) {
      if (baseManaged && !(await base.isRunning(releaseDir))) return false;
      for (const control of controls) if (!(await control.isRunning(releaseDir))) return false;
      return true;
    },
  };
}
