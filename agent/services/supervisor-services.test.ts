import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ServiceError } from "../../shared/errors.ts";
import { freePort, httpGet } from "../../test/support/ports.ts";
import { waitFor } from "../../test/support/processes.ts";
import { startSupervisord, type PrivateSupervisord } from "../../test/support/supervisord.ts";
import { serviceControl } from "./service-control.ts";

describe("services = supervisor, against a real supervisord of our own", () => {
  let releaseDir: string;
  let supervisord: PrivateSupervisord;
  let url: string;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  before(async () => {
    releaseDir = mkdtempSync(join(tmpdir(), "hostout-supervisor-"));
    writeFileSync(join(releaseDir, "hello.txt"), "hello\n");
    const port = await freePort();
    url = `http://127.0.0.1:${port}/hello.txt`;
    supervisord = await startSupervisord(releaseDir, {
      web: { command: `/usr/bin/python3 -m http.server ${port} --bind 127.0.0.1`, directory: releaseDir },
      worker: { command: "/bin/sleep 1000", directory: releaseDir },
    });
  });
  after(async () => {
    await supervisord?.stop();
    rmSync(releaseDir, { recursive: true, force: true });
  });

  test("starts, reports and stops the programs; start and stop twice are harmless", async () => {
    // a relative config file is read from the release directory
    const services = serviceControl({ kind: "supervisor", names: ["web", "worker"], supervisorConfig: "supervisord.conf" }, log);
    assert.equal(await services.isRunning(releaseDir), false);

    await services.start(releaseDir);
    assert.equal(await services.isRunning(releaseDir), true);
    await waitFor("the web program to answer", async () => "status" in (await httpGet(url)));
    assert.ok(lines.includes("web: started"));
    await services.start(releaseDir);

    await services.stop(releaseDir);
    assert.equal(await services.isRunning(releaseDir), false);
    assert.deepEqual(await httpGet(url), { error: "ECONNREFUSED" });
    assert.ok(lines.includes(`$ supervisorctl -c supervisord.conf stop worker web`), "stops in reverse order");
    await services.stop(releaseDir);
  });

  test("isRunning is false while one of the programs is down", async () => {
    const web = serviceControl({ kind: "supervisor", names: ["web"], supervisorConfig: supervisord.configFile }, log);
    const both = serviceControl({ kind: "supervisor", names: ["web", "worker"], supervisorConfig: supervisord.configFile }, log);
    await web.start(releaseDir);
    try {
      assert.equal(await web.isRunning(releaseDir), true);
      assert.equal(await both.isRunning(releaseDir), false);
    } finally {
      await web.stop(releaseDir);
    }
  });

  test("an unknown program fails with supervisorctl's answer and a hint", async () => {
    const services = serviceControl({ kind: "supervisor", names: ["nosuch"], supervisorConfig: supervisord.configFile }, log);
    await assert.rejects(services.start(releaseDir), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.match(error.message, /^starting supervisor programs nosuch failed: `supervisorctl -c \S+ start nosuch` exited with code \d+/);
      assert.match(error.message, /nosuch: ERROR \(no such process\)/);
      assert.match(error.hint ?? "", /supervisorctl -c \S+ status/);
      return true;
    });
    await assert.rejects(services.isRunning(releaseDir), /asking whether supervisor programs nosuch run failed/);
  });

  test("supervisor needs service names", () => {
    assert.throws(() => serviceControl({ kind: "supervisor", names: [] }, log), /services = supervisor needs the names/);
  });
});
