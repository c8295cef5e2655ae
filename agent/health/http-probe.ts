/**
 * One HTTP GET that must answer 2xx within its time. Redirects are not followed: the health URL
 * should name the page that answers. No keep-alive, so no socket outlives the probe.
 */
import http from "node:http";
import https from "node:https";
import { formatSeconds } from "../services/run-command.ts";
import type { ProbeResult } from "./probe.ts";

export function probeHttp(url: URL, timeoutMs: number): Promise<ProbeResult> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const timer = setTimeout(() => request.destroy(new ProbeTimeout()), timeoutMs);
    const finish = (result: ProbeResult) => {
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.get(url, { agent: false }, (response) => {
      // only the status matters: drop the body, and ignore the abort that dropping may cause
      response.on("error", () => {});
      response.destroy();
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) return finish({ ok: true });
      const redirect = status >= 300 && status < 400 ? ` to ${response.headers.location} (redirects are not followed: use the final URL)` : "";
      finish({ ok: false, reason: `GET ${url} answered ${status} ${response.statusMessage ?? ""}`.trimEnd() + redirect });
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      finish({ ok: false, reason: `GET ${url}: ${networkProblem(error, url, timeoutMs)}` });
    });
  });
}

class ProbeTimeout extends Error {}

function networkProblem(error: NodeJS.ErrnoException, url: URL, timeoutMs: number): string {
  if (error instanceof ProbeTimeout) return `no answer within ${formatSeconds(timeoutMs)}`;
  switch (error.code) {
    case "ECONNREFUSED":
      return `connection refused (nothing listens on ${url.host})`;
    case "ECONNRESET":
      return "connection reset before an answer";
    case "ENOTFOUND":
      return `host ${url.hostname} not found`;
    default:
      return error.message;
  }
}
