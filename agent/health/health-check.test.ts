import assert from "node:assert/strict";
import { createServer, type RequestListener, type Server } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { freePort } from "../../test/support/ports.ts";
import { checkHealth } from "./health-check.ts";

/** A real HTTP server on 127.0.0.1 for one test; `requests` counts what it was asked. */
async function serve(handler: RequestListener, port = 0): Promise<{ url: string; requests: () => number; server: Server }> {
  let count = 0;
  const server = createServer((request, response) => {
    count += 1;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${bound}/health`, requests: () => count, server };
}

describe("health check", () => {
  let releaseDir: string;
  const servers: Server[] = [];
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  before(() => (releaseDir = mkdtempSync(join(tmpdir(), "hostout-health-"))));
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  after(() => rmSync(releaseDir, { recursive: true, force: true }));

  test("no URL and no command: healthy at once, nothing probed", async () => {
    assert.deepEqual(await checkHealth({ timeoutSeconds: 1, retries: 3 }, releaseDir, log), { ok: true, attempts: 0 });
  });

  test("a server answering 200 is healthy at the first attempt", async () => {
    const app = await serve((_, response) => response.end("ok"));
    servers.push(app.server);
    assert.deepEqual(await checkHealth({ url: app.url, timeoutSeconds: 2, retries: 4 }, releaseDir, log), { ok: true, attempts: 1 });
    assert.equal(app.requests(), 1);
  });

  test("a server that starts listening late is healthy once it answers, probed far more often than retries asks", async () => {
    const port = await freePort();
    const listening = new Promise<void>((resolve) =>
      setTimeout(async () => {
        servers.push((await serve((_, response) => response.end("ok"), port)).server);
        resolve();
      }, 300),
    );
    // the old even spread made 2 probes 1.5 s apart here; short growing pauses catch the start early
    const result = await checkHealth({ url: `http://127.0.0.1:${port}/`, timeoutSeconds: 3, retries: 2 }, releaseDir, log);
    await listening;
    assert.equal(result.ok, true);
    assert.ok(result.attempts > 2, `attempts: ${result.attempts}`);
  });

  test("a server answering 503 while warming up, then 200, is healthy", async () => {
    const ready = Date.now() + 400;
    const app = await serve((_, response) => {
      response.statusCode = Date.now() < ready ? 503 : 200;
      response.end();
    });
    servers.push(app.server);
    const result = await checkHealth({ url: app.url, timeoutSeconds: 2, retries: 8 }, releaseDir, log);
    assert.equal(result.ok, true);
    assert.ok(result.attempts >= 2);
    assert.equal(app.requests(), result.attempts);
  });

  test("500 for ever: not healthy, at least `retries` attempts made, the reason names the status", async () => {
    const app = await serve((_, response) => {
      response.statusCode = 500;
      response.end("boom");
    });
    servers.push(app.server);
    const result = await checkHealth({ url: app.url, timeoutSeconds: 1, retries: 4 }, releaseDir, log);
    assert.deepEqual(result, { ok: false, attempts: result.attempts, reason: `GET ${app.url} answered 500 Internal Server Error` });
    assert.ok(result.attempts >= 4, `attempts: ${result.attempts}`);
    assert.equal(app.requests(), result.attempts);
  });

  test("the reason is the service's last answer, never a probe squeezed into the end of the timeout", async () => {
    const app = await serve((_, response) => {
      response.statusCode = 500;
      response.end();
    });
    servers.push(app.server);
    // short timeouts, many runs: each one ends at the deadline in its own way
    for (let run = 0; run < 30; run++) {
      const result = await checkHealth({ url: app.url, timeoutSeconds: 0.15, retries: 2 }, releaseDir, log);
      assert.deepEqual(result, { ok: false, attempts: result.attempts, reason: `GET ${app.url} answered 500 Internal Server Error` }, `run ${run}`);
    }
  });

  test("a redirect is not healthy and the reason says where it points", async () => {
    const app = await serve((_, response) => {
      response.writeHead(302, { location: "/login" });
      response.end();
    });
    servers.push(app.server);
    const result = await checkHealth({ url: app.url, timeoutSeconds: 0.3, retries: 1 }, releaseDir, log);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : "", /answered 302 Found to \/login \(redirects are not followed/);
  });

  test("nothing listening: the reason says the connection was refused", async () => {
    const url = `http://127.0.0.1:${await freePort()}/`;
    const result = await checkHealth({ url, timeoutSeconds: 0.5, retries: 3 }, releaseDir, log);
    assert.equal(result.ok, false);
    assert.ok(result.attempts >= 3, `attempts: ${result.attempts}`);
    assert.match(!result.ok ? result.reason : "", /connection refused \(nothing listens on 127\.0\.0\.1:\d+\)/);
  });

  test("a server that accepts but never answers fails at the deadline", async () => {
    const app = await serve(() => {});
    servers.push(app.server);
    const result = await checkHealth({ url: app.url, timeoutSeconds: 0.5, retries: 5 }, releaseDir, log);
    assert.deepEqual(result, { ok: false, attempts: 1, reason: `GET ${app.url}: no answer within 0.5 s` });
  });

  test("a health command runs in the release dir and passes on exit 0", async () => {
    writeFileSync(join(releaseDir, "ready"), "");
    assert.deepEqual(await checkHealth({ command: "test -f ready", timeoutSeconds: 1, retries: 2 }, releaseDir, log), { ok: true, attempts: 1 });
  });

  test("a failing health command: not healthy, the reason has its exit code and output", async () => {
    const result = await checkHealth({ command: "echo 'database unreachable' >&2; exit 2", timeoutSeconds: 0.4, retries: 2 }, releaseDir, log);
    assert.equal(result.ok, false);
    assert.ok(result.attempts >= 2, `attempts: ${result.attempts}`);
    assert.match(!result.ok ? result.reason : "", /^health command `.*` exited with code 2\n  last output:\n    database unreachable$/);
  });

  test("URL and command must both pass", async () => {
    const app = await serve((_, response) => response.end("ok"));
    servers.push(app.server);
    const result = await checkHealth({ url: app.url, command: "exit 1", timeoutSeconds: 0.3, retries: 1 }, releaseDir, log);
    assert.equal(result.ok, false);
    assert.equal(app.requests(), result.attempts, "the URL answers every time; the command still fails it");
  });

  test("a URL that is not http(s) is reported without probing", async () => {
    assert.deepEqual(await checkHealth({ url: "ftp://127.0.0.1/", timeoutSeconds: 1, retries: 1 }, releaseDir, log), {
      ok: false,
      attempts: 0,
      reason: "health-url ftp://127.0.0.1/ is not an http or https URL",
    });
  });
});
