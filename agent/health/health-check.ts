/**
 * The health check after start: probe the URL and/or command at once, then again after
 * short, growing pauses (probe-pauses.ts) until they pass or `timeoutSeconds` is over;
 * at least `retries` probes fit in that time. Each attempt may use all the time left (a
 * first request after start can be slow); the answer is a value, the deploy decides.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { formatSeconds } from "../services/run-command.ts";
import { probeCommand } from "./command-probe.ts";
import { probeHttp } from "./http-probe.ts";
import type { Probe, ProbeResult } from "./probe.ts";
import { pauseAfterFailedProbe } from "./probe-pauses.ts";

export interface HealthSettings {
  /** http(s) URL that must answer 2xx */
  url?: string;
  /** shell line run in the release directory that must exit 0 */
  command?: string;
  timeoutSeconds: number;
  /** the fewest attempts that must fit in timeoutSeconds (the longest pause is timeout / retries) */
  retries: number;
}

/** The least time worth giving a probe at the end of health-timeout. */
const LAST_PROBE_MIN_MS = 50;

export type HealthResult = { ok: true; attempts: number } | { ok: false; attempts: number; reason: string };

export async function checkHealth(settings: HealthSettings, releaseDir: string, log: (line: string) => void): Promise<HealthResult> {
  const probes = healthProbes(settings, releaseDir, log);
  if ("reason" in probes) return { ok: false, attempts: 0, reason: probes.reason };
  if (probes.length === 0) return { ok: true, attempts: 0 };

  const timeoutMs = settings.timeoutSeconds * 1000;
  const deadline = Date.now() + timeoutMs;
  let reason = `no attempt fits in a health timeout of ${formatSeconds(timeoutMs)}`;
  let attempts = 0;
  while (Date.now() < deadline) {
    attempts += 1;
    const result = await probeAll(probes, deadline - Date.now());
    if (result.ok) {
      log(`health: healthy at attempt ${attempts}`);
      return { ok: true, attempts };
    }
    // a service coming up answers the same way many times in a row: say it once
    if (result.reason !== reason) log(`health: attempt ${attempts}: ${result.reason}`);
    reason = result.reason;
    await sleep(Math.max(0, Math.min(pauseAfterFailedProbe(attempts, timeoutMs, settings.retries), deadline - Date.now())));
    // a probe given only the last few milliseconds could only time out, and its "no answer"
    // would hide the service's real one (a 500, a refused connection) from the report
    if (deadline - Date.now() < LAST_PROBE_MIN_MS) break;
  }
  if (attempts > 0) log(`health: still unhealthy after ${attempts} attempt(s) in ${formatSeconds(timeoutMs)}`);
  return { ok: false, attempts, reason };
}

/** The probes the settings ask for (URL first, then command), or why the settings are unusable. */
function healthProbes(settings: HealthSettings, releaseDir: string, log: (line: string) => void): Probe[] | { reason: string } {
  const probes: Probe[] = [];
  if (settings.url !== undefined) {
    const url = URL.canParse(settings.url) ? new URL(settings.url) : undefined;
    if (url?.protocol !== "http:" && url?.protocol !== "https:") return { reason: `health-url ${settings.url} is not an http or https URL` };
    probes.push((timeoutMs) => probeHttp(url, timeoutMs));
  }
  if (settings.command !== undefined) {
    const line = settings.command;
    probes.push((timeoutMs) => probeCommand(line, releaseDir, timeoutMs, log));
  }
  return probes;
}

async function probeAll(probes: readonly Probe[], timeoutMs: number): Promise<ProbeResult> {
  const started = Date.now();
  for (const probe of probes) {
    const result = await probe(Math.max(1, timeoutMs - (Date.now() - started)));
    if (!result.ok) return result;
  }
  return { ok: true };
}
