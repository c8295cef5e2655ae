import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { ServiceError } from "../../shared/errors.ts";
import { freePort, httpGet } from "../../test/support/ports.ts";
import { isProcessAlive, waitFor } from "../../test/support/processes.ts";
import { serviceControl } from "./service-control.ts";

/** An application's control script: a Python HTTP server serving the release dir, with a pid file. */
const CONTROL_SCRIPT = `#!/bin/sh
alive() { pid=$(cat server.pid 2>/dev/null) && [ -r /proc/$pid/status ] && ! grep -q '^State:[[:space:]]*Z' /proc/$pid/status; }
case "$1" in
  start)
    echo "starting on port $2"
    /usr/bin/python3 -m http.server "$2" --bind 127.0.0.1 > server.log 2>&1 &
    echo $! > server.pid ;;
  stop)
    alive && kill "$(cat server.pid)"
    i=0; while alive && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
    ! alive && echo stopped ;;
  status) alive ;;
esac
`;

describe("services = command", () => {
  let releaseDir: string;
  let lines: string[];
  const log = (line: string) => lines.push(line);
  beforeEach(() => {
    releaseDir = mkdtempSync(join(tmpdir(), "hostout-release-"));
    lines = [];
  });
  afterEach(() => rmSync(releaseDir, { recursive: true, force: true }));

  test("starts a real HTTP server in the release dir, sees it running, stops it", async () => {
    const port = await freePort();
    writeFileSync(join(releaseDir, "ctl.sh"), CONTROL_SCRIPT);
    writeFileSync(join(releaseDir, "hello.txt"), "served from the release dir\n");
    const services = serviceControl(
      { kind: "command", start: `sh ctl.sh start ${port}`, stop: "sh ctl.sh stop", status: "sh ctl.sh status", names: [] },
      log,
    );
    const url = `http://127.0.0.1:${port}/hello.txt`;
    try {
      assert.equal(await services.isRunning(releaseDir), false);
      await services.start(releaseDir);
      await waitFor("the server to answer", async () => "status" in (await httpGet(url)));
      const answer = await httpGet(url);
      assert.ok("body" in answer);
      assert.equal(answer.body, "served from the release dir\n");
      assert.equal(await services.isRunning(releaseDir), true);
      assert.ok(lines.includes(`starting on port ${port}`), "the command's output reaches the log");

      await services.stop(releaseDir);
      assert.equal(await services.isRunning(releaseDir), false);
      assert.deepEqual(await httpGet(url), { error: "ECONNREFUSED" });
      assert.ok(lines.includes("stopped"));
    } finally {
      const pid = Number(readFileSync(join(releaseDir, "server.pid"), "utf8"));
      if (isProcessAlive(pid)) process.kill(pid);
    }
  });

  test("a failing start command throws ServiceError with the command, exit code, last output, release dir and a hint", async () => {
    const start = 'echo "reading etc/app.conf"; echo "etc/app.conf: no such file" >&2; exit 3';
    const services = serviceControl({ kind: "command", start, stop: "true", names: [] }, log);
    const error = await services.start(releaseDir).then(
      () => assert.fail("start should fail"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ServiceError);
    assert.match(error.message, /^start command failed: `echo "reading etc\/app\.conf"; .*exit 3` exited with code 3/);
    assert.match(error.message, /last output:\n {4}reading etc\/app\.conf\n {4}etc\/app\.conf: no such file$/);
    assert.equal(error.where, releaseDir);
    assert.match(error.hint ?? "", /by hand in the release directory/);
  });

  test("a start command that outlives its timeout is killed with everything it started", async () => {
    const services = serviceControl(
      { kind: "command", start: "sleep 30 & echo $! > child.pid; sleep 30", stop: "true", names: [], timeoutSeconds: 0.5 },
      log,
    );
    const began = Date.now();
    await assert.rejects(services.start(releaseDir), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.match(error.message, /did not finish within 0\.5 s and was killed/);
      assert.match(error.hint ?? "", /in the background with its output redirected/);
      return true;
    });
    assert.ok(Date.now() - began < 3000, "gave up at the timeout, not when the command ended");
    const backgroundChild = Number(readFileSync(join(releaseDir, "child.pid"), "utf8"));
    await waitFor("the background child to be killed", () => !isProcessAlive(backgroundChild), 2000);
  });

  test("a start command whose background process keeps the output pipe open still returns", async () => {
    const services = serviceControl({ kind: "command", start: "sleep 30 & echo $! > bg.pid; echo launched", stop: "true", names: [] }, log);
    const began = Date.now();
    await services.start(releaseDir);
    assert.ok(Date.now() - began < 2000);
    const background = Number(readFileSync(join(releaseDir, "bg.pid"), "utf8"));
    assert.equal(isProcessAlive(background), true, "the launched process keeps running");
    process.kill(background);
    assert.ok(lines.includes("launched"));
    assert.ok(lines.some((line) => line.includes("still holds its output open")));
  });

  test("missing start or stop commands are refused when the control is made; a missing status when asked", async () => {
    assert.throws(() => serviceControl({ kind: "command", stop: "true", names: [] }, log), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.equal(error.message, "services = command needs a start command");
      return true;
    });
    const services = serviceControl({ kind: "command", start: "true", stop: "true", names: [] }, log);
    await assert.rejects(services.isRunning(releaseDir), /services = command needs a status command/);
  });

  test("a release dir that does not exist is named in the error", async () => {
    const services = serviceControl({ kind: "command", start: "true", stop: "true", names: [] }, log);
    const missing = join(releaseDir, "gone");
    await assert.rejects(services.stop(missing), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.match(error.message, new RegExp(`could not be started: working directory ${missing} does not exist`));
      return true;
    });
  });

  test("services = none starts and stops nothing and reports nothing running", async () => {
    const services = serviceControl({ kind: "none", names: [] }, log);
    await services.start(releaseDir);
    await services.stop(releaseDir);
    assert.equal(await services.isRunning(releaseDir), false);
    assert.deepEqual(lines, []);
  });
});
