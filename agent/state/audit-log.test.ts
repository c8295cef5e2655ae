import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { appendAudit, readAudit, type AuditRecord } from "./audit-log.ts";

const record = (n: number): AuditRecord => ({
  time: `2026-11-25T10:00:${String(n % 60).padStart(2, "0")}.000Z`,
  keyId: "ed25519:alice",
  peer: "ipv4:10.0.0.7:51234",
  action: n % 2 ? "Deploy" : "UploadBlob",
  outcome: n % 5 ? "ok" : "refused",
  detail: `request ${n} ${"x".repeat(50)}`,
});

describe("audit log", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hostout-audit-"));
    file = join(dir, "audit");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("appends records that only the agent user can read, with the time filled in", () => {
    const written = appendAudit(file, { keyId: "host:root", peer: "local", action: "Rollback", outcome: "ok", detail: "to 3" });
    assert.match(written.time, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(readAudit(file, 10), [written]);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test("reads the last records, oldest first, from a log much longer than one read", () => {
    for (let n = 0; n < 3000; n++) appendAudit(file, record(n));
    assert.ok(statSync(file).size > 4 * 64 * 1024);
    assert.deepEqual(readAudit(file, 3), [record(2997), record(2998), record(2999)]);
    assert.equal(readAudit(file, 5000).length, 3000);
    assert.deepEqual(readAudit(file, 2000)[0], record(1000));
    assert.deepEqual(readAudit(file, 0), []);
  });

  test("is empty before anything happened", () => {
    assert.deepEqual(readAudit(file, 10), []);
  });

  test("skips a last record torn by a power loss", () => {
    appendAudit(file, record(1));
    appendAudit(file, record(2));
    appendFileSync(file, '{"time":"2026-11-25T10:00:03.000Z","keyId":"ed2');
    assert.deepEqual(readAudit(file, 2), [record(1), record(2)]);
  });
});

describe("audit log rotation", () => {
  test("rotates by size, keeps N files, and History reaches into the newest rotated one", () => {
    const dir = mkdtempSync(join(tmpdir(), "hostout-audit-rotate-"));
    try {
      const file = join(dir, "audit");
      const rotation = { maxBytes: 2000, keep: 2 };
      for (let n = 0; n < 100; n++) appendAudit(file, record(n), rotation);
      assert.ok(statSync(file).size < 2000 + 200, "the current file stays near the cap");
      assert.deepEqual(readdirSync(dir).sort(), ["audit", "audit.1", "audit.2"], "keeps 2 rotated files, drops older ones");
      const last = readAudit(file, 20);
      assert.deepEqual(last.map((r) => r.detail), Array.from({ length: 20 }, (_, i) => record(80 + i).detail), "the newest records, in order, across the rotation");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
