import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { LockError } from "../../shared/errors.ts";
import { acquireDeployLock, readDeployLock, releaseStaleDeployLock, type DeployLockInfo } from "./deploy-lock.ts";
import { NodeScript, runNodeScript, stateModule } from "./test-support/node-script.ts";

/** A script that takes the lock for `holder`, says "locked", and holds it until killed; or prints the refusal. */
function lockHolderScript(file: string, holder: string, tag: string): string {
  return `
    import { acquireDeployLock } from ${stateModule("deploy-lock.ts")};
    try {
      const lock = acquireDeployLock(${JSON.stringify(file)}, { holder: ${JSON.stringify(holder)}, tag: ${JSON.stringify(tag)} });
      console.log("locked " + JSON.stringify(lock.tookOverFrom ?? null));
      setInterval(() => {}, 1000);
    } catch (error) {
      console.log("refused " + error.name + ": " + error.message);
      process.exitCode = 3;
    }
  `;
}

describe("deploy lock", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hostout-lock-"));
    file = join(dir, "lock");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("records who holds it, and release removes it", () => {
    const lock = acquireDeployLock(file, { holder: "key:alice", tag: "20261125-3f2a9c1d" });
    assert.deepEqual(readDeployLock(file), lock.info);
    assert.equal(lock.info.pid, process.pid);
    assert.equal(lock.tookOverFrom, undefined);
    assert.equal(lock.release(), true);
    assert.equal(existsSync(file), false);
    assert.equal(readDeployLock(file), undefined);
    assert.deepEqual(readdirSync(dir), [], "no temp files left behind");
  });

  test("a second acquire says who holds the lock, since when, for which release", () => {
    const lock = acquireDeployLock(file, { holder: "key:alice", tag: "20261125-3f2a9c1d" });
    assert.throws(
      () => acquireDeployLock(file, { holder: "key:bob", tag: "20261126-00000000" }),
      (error: LockError) =>
        error instanceof LockError && error.message === `locked by key:alice since ${lock.info.since} (20261125-3f2a9c1d)`,
    );
    lock.release();
  });

  test("release leaves alone a lock that is no longer ours", () => {
    const lock = acquireDeployLock(file, { holder: "key:alice", tag: "t1" });
    const other: DeployLockInfo = { ...lock.info, holder: "key:bob", since: new Date(0).toISOString() };
    writeFileSync(file, JSON.stringify(other));
    assert.equal(lock.release(), false);
    assert.deepEqual(readDeployLock(file), other);
  });

  test("one process holds the lock; another process is refused with the holder's name", async () => {
    const holder = new NodeScript(lockHolderScript(file, "key:alice", "t1"));
    try {
      await holder.waitForLine((line) => line.startsWith("locked"));
      const contender = await runNodeScript(lockHolderScript(file, "host:root", "t2"));
      assert.equal(contender.exitCode, 3, contender.stderr);
      assert.match(contender.stdout, /^refused LockError: locked by key:alice since \S+ \(t1\)$/m);
      assert.equal(readDeployLock(file)?.pid, holder.pid);
    } finally {
      await holder.kill();
    }
  });

  test("a lock whose process was killed is stale, and the next deploy takes it over and says so", async () => {
    const holder = new NodeScript(lockHolderScript(file, "key:alice", "t1"));
    await holder.waitForLine((line) => line.startsWith("locked"));
    await holder.kill();
    assert.equal(readDeployLock(file)?.pid, holder.pid, "the killed holder never released it");

    const lock = acquireDeployLock(file, { holder: "key:bob", tag: "t2" });
    assert.equal(lock.tookOverFrom?.holder, "key:alice");
    assert.equal(lock.tookOverFrom?.pid, holder.pid);
    assert.deepEqual(readDeployLock(file), lock.info);
    lock.release();
  });

  test("a restarted agent clears a lock its killed predecessor held, and leaves a live holder's lock alone", async () => {
    const live = new NodeScript(lockHolderScript(file, "key:alice", "t1"));
    await live.waitForLine((line) => line.startsWith("locked"));
    assert.equal(releaseStaleDeployLock(file), undefined);
    assert.equal(readDeployLock(file)?.holder, "key:alice", "a live holder keeps its lock");
    await live.kill();
    assert.equal(releaseStaleDeployLock(file)?.pid, live.pid);
    assert.equal(readDeployLock(file), undefined);
    assert.equal(releaseStaleDeployLock(file), undefined, "nothing left to clear");
  });

  test("a lock whose pid now belongs to another process is stale", () => {
    // Our own pid, but recorded for a process that started at another time: the pid was reused.
    const reused: DeployLockInfo = { holder: "key:alice", since: new Date(0).toISOString(), tag: "t1", pid: process.pid, process: "other-boot/1" };
    writeFileSync(file, JSON.stringify(reused));
    const lock = acquireDeployLock(file, { holder: "key:bob", tag: "t2" });
    assert.deepEqual(lock.tookOverFrom, reused);
    lock.release();
  });

  test("refuses to guess about a lock file it did not write", () => {
    writeFileSync(file, "garbage");
    assert.throws(() => acquireDeployLock(file, { holder: "key:bob", tag: "t2" }), /not one hostout-agent wrote/);
    assert.equal(readFileSync(file, "utf8"), "garbage");
  });

  test("of processes racing for the lock, exactly one gets it", async () => {
    const go = join(dir, "go");
    const racers = Array.from({ length: 6 }, (_, n) =>
      new NodeScript(`
        import { existsSync } from "node:fs";
        import { acquireDeployLock } from ${stateModule("deploy-lock.ts")};
        console.log("ready");
        while (!existsSync(${JSON.stringify(go)})) {}
        try {
          acquireDeployLock(${JSON.stringify(file)}, { holder: "racer-${n}", tag: "t" });
          console.log("won");
          setInterval(() => {}, 1000); // held until killed, so that no loser can find it stale
        } catch (error) {
          console.log("lost " + error.name);
        }
      `),
    );
    try {
      await Promise.all(racers.map((racer) => racer.waitForLine((line) => line === "ready")));
      const outcomes = racers.map((racer) => racer.waitForLine((line) => line === "won" || line.startsWith("lost")));
      writeFileSync(go, "");
      const lines = await Promise.all(outcomes);
      assert.equal(lines.filter((line) => line === "won").length, 1, lines.join(", "));
      assert.equal(lines.filter((line) => line === "lost LockError").length, 5, lines.join(", "));
    } finally {
      await Promise.all(racers.map((racer) => racer.kill()));
    }
  });
});
