/**
 * What takes an instance out of rotation while a rolling switch restarts it, and puts it back
 * once healthy: HAProxy through its runtime API (target option balancer), or nothing (then the
 * instances still restart one at a time, and the output says nothing drains them).
 */
import { isAbsolute, join } from "node:path";
import type { BalancerSettings, InstanceSettings } from "../../shared/manifest.ts";
import { formatSeconds } from "./run-command.ts";
import { BalancerError, HaproxyRuntime } from "./haproxy-runtime.ts";

export interface Balancer {
  /** "HAProxy backend plone (/run/haproxy/admin.sock)", for messages */
  readonly what: string;
  /** Throws a BalancerError unless every instance is a server of the backend (naming the ones it has). */
  check(instances: readonly InstanceSettings[]): Promise<void>;
  /** Out of rotation, its sessions ended or drain-timeout passed; says how it went. */
  takeOut(instance: InstanceSettings, log: (line: string) => void): Promise<void>;
  /** Back in rotation, and seen serving by the balancer's own checks within `timeoutMs`. */
  putBack(instance: InstanceSettings, timeoutMs: number, log: (line: string) => void): Promise<void>;
}

/** `releaseDir`: where a relative socket path is read from. */
export function balancerFor(settings: BalancerSettings | undefined, releaseDir: string): Balancer {
  if (!settings) return noBalancer;
  const socket = isAbsolute(settings.socket) ? settings.socket : join(releaseDir, settings.socket);
  return haproxyBalancer(new HaproxyRuntime(socket), settings, socket);
}

const noBalancer: Balancer = {
  what: "no balancer",
  check: async () => {},
  takeOut: async (instance, log) => log(`${instance.script}: nothing drains it (no balancer set): requests it holds now are cut when it stops`),
  putBack: async () => {},
};

/** How often HAProxy's state is read while waiting for sessions to end or a server to come up. */
const POLL_MS = 50;

function haproxyBalancer(runtime: HaproxyRuntime, settings: BalancerSettings, socket: string): Balancer {
  const { backend } = settings;
  const serving = (status: string) => status.startsWith("UP") || status === "no check";
  return {
    what: `HAProxy backend ${backend} (${socket})`,
    async check(instances) {
      const servers = await runtime.servers(backend);
      const missing = instances.filter((i) => !servers.some((s) => s.server === i.server));
      if (missing.length) {
        throw new BalancerError(`HAProxy's backend "${backend}" has no server ${missing.map((i) => `"${i.server}" (instance ${i.script})`).join(", ")}`, {
          where: socket,
          hint: `its servers: ${servers.map((s) => s.server).join(", ")}; name each instance's server as haproxy.cfg does (third column of instances)`,
        });
      }
    },
    async takeOut(instance, log) {
      const others = (await runtime.servers(backend)).filter((s) => s.server !== instance.server && serving(s.status));
      if (others.length === 0) log(`${instance.script}: no other server of backend ${backend} is up: the site is down while it restarts`);
      const { sessionsLeft, waitedMs } = await runtime.drain(backend, instance.server, settings.drainTimeoutSeconds * 1000, POLL_MS);
      if (sessionsLeft === 0) log(`${instance.script}: drained (server ${backend}/${instance.server}) in ${waitedMs} ms`);
      else log(`${instance.script}: still held ${sessionsLeft} session(s) after drain-timeout ${formatSeconds(settings.drainTimeoutSeconds * 1000)}: stopping it anyway, those requests are cut (raise drain-timeout if they are long uploads or reports)`);
    },
    async putBack(instance, timeoutMs, log) {
      await runtime.setState(backend, instance.server, "ready");
      const started = Date.now();
      for (;;) {
        const { status } = await runtime.server(backend, instance.server);
        if (serving(status)) return log(`${instance.script}: back in rotation (HAProxy sees it ${status}) after ${Date.now() - started} ms`);
        if (Date.now() - started >= timeoutMs) {
          throw new BalancerError(`HAProxy still sees ${backend}/${instance.server} ${status} ${formatSeconds(timeoutMs)} after it was put back, though ${instance.healthUrl} answers`, {
            where: socket,
            hint: `HAProxy's own check of that server fails: compare its \`check\` line in haproxy.cfg with the instance's address (${instance.healthUrl})`,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
  };
}
