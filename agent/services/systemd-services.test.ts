import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { ServiceError } from "../../shared/errors.ts";
import { asPrivileged } from "./privilege.ts";
import { serviceControl } from "./service-control.ts";
import { systemdCommands } from "./systemd-commands.ts";

/**
 * PID 1 here is not systemd, so these tests check the command lines we build and how we read
 * systemctl's answers, with a fake systemctl (and sudo) first on PATH that record their argv.
 */
const FAKE_SYSTEMCTL = `#!/bin/sh
echo "systemctl $*" >> "$FAKE_LOG"
action=$1; shift
case "$action" in
  start|stop)
    for unit; do
      if [ "$unit" = broken ]; then echo "Job for broken.service failed because the control process exited with error code." >&2; exit 1; fi
      [ "$action" = start ] && echo active > "$FAKE_STATE/$unit" || echo inactive > "$FAKE_STATE/$unit"
    done ;;
  is-active)
    [ -n "$FAKE_NO_BUS" ] && { echo "Failed to connect to bus: No such file or directory" >&2; exit 1; }
    rc=3   # like systemctl: 0 when ANY unit is active
    for unit; do state=$(cat "$FAKE_STATE/$unit" 2>/dev/null || echo inactive); echo "$state"; [ "$state" = active ] && rc=0; done
    exit $rc ;;
esac
`;
const FAKE_SUDO = `#!/bin/sh
echo "sudo $*" >> "$FAKE_LOG"
[ "$1" = -n ] && shift
exec "$@"
`;

describe("services = systemd: command lines (fake systemctl on PATH; no systemd here)", () => {
  let dir: string;
  const savedPath = process.env.PATH;
  const log = () => {};
  const recorded = () => readFileSync(join(dir, "argv.log"), "utf8").trim().split("\n");
  const setState = (unit: string, state: string) => writeFileSync(join(dir, "state", unit), `${state}\n`);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hostout-systemd-"));
    mkdirSync(join(dir, "bin"));
    mkdirSync(join(dir, "state"));
    for (const [name, script] of [["systemctl", FAKE_SYSTEMCTL], ["sudo", FAKE_SUDO]] as const) {
      writeFileSync(join(dir, "bin", name), script);
      chmodSync(join(dir, "bin", name), 0o755);
    }
    Object.assign(process.env, { PATH: `${join(dir, "bin")}:${process.env.PATH}`, FAKE_LOG: join(dir, "argv.log"), FAKE_STATE: join(dir, "state") });
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    for (const name of ["FAKE_LOG", "FAKE_STATE", "FAKE_NO_BUS"]) delete process.env[name];
    rmSync(dir, { recursive: true, force: true });
  });

  test("start runs `systemctl start` with the units in order, stop with them reversed (through sudo -n unless root)", async () => {
    const services = serviceControl({ kind: "systemd", names: ["acme-zeo", "acme-web"] }, log);
    await services.start(dir);
    await services.stop(dir);
    const viaSudo = process.getuid?.() !== 0;
    const expected = viaSudo
      ? ["sudo -n systemctl start acme-zeo acme-web", "systemctl start acme-zeo acme-web", "sudo -n systemctl stop acme-web acme-zeo", "systemctl stop acme-web acme-zeo"]
      : ["systemctl start acme-zeo acme-web", "systemctl stop acme-web acme-zeo"];
    assert.deepEqual(recorded(), expected);
  });

  test("isRunning runs `systemctl is-active` and needs every unit active, though systemctl exits 0 when any is", async () => {
    const services = serviceControl({ kind: "systemd", names: ["acme-zeo", "acme-web"] }, log);
    setState("acme-zeo", "active");
    setState("acme-web", "failed");
    assert.equal(await services.isRunning(dir), false);
    setState("acme-web", "active");
    assert.equal(await services.isRunning(dir), true);
    assert.deepEqual(recorded(), ["systemctl is-active acme-zeo acme-web", "systemctl is-active acme-zeo acme-web"]);
  });

  test("a failing systemctl start throws ServiceError with systemctl's message and where to look", async () => {
    const services = serviceControl({ kind: "systemd", names: ["broken"] }, log);
    await assert.rejects(services.start(dir), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.match(error.message, /^starting systemd units broken failed: `(sudo -n )?systemctl start broken` exited with code 1/);
      assert.match(error.message, /Job for broken\.service failed/);
      assert.match(error.hint ?? "", /systemctl status broken.*journalctl -u broken/);
      return true;
    });
  });

  test("an is-active answer that names no states is an error, not 'stopped'", async () => {
    process.env.FAKE_NO_BUS = "1";
    const services = serviceControl({ kind: "systemd", names: ["acme-web"] }, log);
    await assert.rejects(services.isRunning(dir), /asking whether systemd units acme-web run failed: .*exited with code 1[\s\S]*Failed to connect to bus/);
  });
});

describe("privilege: the one place that adds sudo -n", () => {
  test("root runs the command itself; any other user goes through sudo -n", () => {
    assert.deepEqual(asPrivileged(["systemctl", "start", "a"], 0), ["systemctl", "start", "a"]);
    assert.deepEqual(asPrivileged(["systemctl", "start", "a"], 1000), ["sudo", "-n", "systemctl", "start", "a"]);
  });

  test("a non-root agent's systemd lines, as the host's sudoers must allow them; is-active needs no sudo", () => {
    const commands = systemdCommands(["acme-web", "acme-worker"], 1000);
    assert.deepEqual(commands.start, ["sudo", "-n", "systemctl", "start", "acme-web", "acme-worker"]);
    assert.deepEqual(commands.stop, ["sudo", "-n", "systemctl", "stop", "acme-worker", "acme-web"]);
    assert.deepEqual(commands.status, ["systemctl", "is-active", "acme-web", "acme-worker"]);
    assert.match(commands.hint(commands.start), /sudoers must let its user run exactly that/);
  });
});
