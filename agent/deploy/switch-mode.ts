/**
 * How a deploy or rollback switches releases. Pure. With instances (target option instances),
 * one at a time while the others serve ("rolling"); else, or when only a full stop is right,
 * everything stops, switches and starts ("full stop"), and the reason is said.
 */
import type { ServiceSettings } from "../services/service-control.ts";

export type SwitchMode = { rolling: true } | { rolling: false; why?: string };

export interface SwitchSituation {
  /** the live release's services; undefined when none is live (or it has no manifest) */
  running: ServiceSettings | undefined;
  incoming: ServiceSettings;
  migrate?: boolean;
  /** a rollback that restores the database */
  withDb?: boolean;
  skipStop?: boolean;
}

export function chooseSwitchMode(situation: SwitchSituation): SwitchMode {
  const { running, incoming } = situation;
  if (!incoming.instances?.length) return { rolling: false };
  const full = (why: string): SwitchMode => ({ rolling: false, why: `full stop, not one instance at a time: ${why}` });
  if (!running) return full("no release is running");
  if (situation.migrate) return full("migrate is set, and a migration needs every instance down");
  if (situation.withDb) return full("the database is restored, which needs every instance down");
  if (situation.skipStop) return full("--skip-stop: the services were stopped by hand");
  if (!sameInstances(running, incoming)) return full(`the instances change (${describeInstances(running)} → ${describeInstances(incoming)})`);
  if (!sameBaseServices(running, incoming)) return full("the services besides the instances change (services, start, stop, status or service-names)");
  return { rolling: true };
}

function sameInstances(a: ServiceSettings, b: ServiceSettings): boolean {
  return describeInstances(a) === describeInstances(b);
}

function describeInstances(settings: ServiceSettings): string {
  return (settings.instances ?? []).map((i) => `${i.script} as ${i.server}`).join(", ") || "none";
}

/** The services that run beside the instances, as the agent starts and stops them. */
function sameBaseServices(a: ServiceSettings, b: ServiceSettings): boolean {
  const base = (s: ServiceSettings) => JSON.stringify([s.kind, s.start ?? "", s.stop ?? "", s.status ?? "", s.names, s.supervisorConfig ?? ""]);
  return base(a) === base(b);
}
