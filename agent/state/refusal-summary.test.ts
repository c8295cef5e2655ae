import assert from "node:assert/strict";
import { test } from "node:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NewAuditRecord } from "./audit-log.ts";
import { RefusalSummaries } from "./refusal-summary.ts";

const refusal = (port: number, detail = "request nonce 0123456789abcdef0123456789abcdef was already used") => ({
  keyId: "1234567890abcdef",
  peer: `ipv4:10.0.0.7:${port}`,
  action: "Status",
  detail,
});

test("repeated refusals of one kind are written once, then as one summary line with a count", () => {
  const written: NewAuditRecord[] = [];
  let now = 0;
  const summaries = new RefusalSummaries((r) => written.push(r), 60_000, () => now);
  for (let i = 0; i < 500; i++) summaries.refused(refusal(40000 + i, `request nonce ${i.toString(16).padStart(32, "0")} was already used`));
  summaries.refused(refusal(1, "request is not signed: metadata \"x-hostout-key\" is missing"));
  assert.equal(written.length, 2, "one line per kind so far");
  now = 61_000;
  summaries.flush();
  assert.equal(written.length, 3);
  assert.equal(written[2]!.count, 499);
  assert.match(written[2]!.detail, /and 499 more like it in 61 s/);
  summaries.refused(refusal(2));
  assert.equal(written.length, 4, "a new interval starts with a line of its own");
  summaries.close();
});

test("close writes what is still counted", () => {
  const written: NewAuditRecord[] = [];
  const summaries = new RefusalSummaries((r) => written.push(r), 60_000, () => 0);
  summaries.refused(refusal(1));
  summaries.refused(refusal(2));
  summaries.close();
  assert.deepEqual(written.map((r) => r.count), [undefined, 1]);
});

test("a stranger claiming a new key id on every call is still one kind: collapsed by address and reason", () => {
  const written: NewAuditRecord[] = [];
  const summaries = new RefusalSummaries((r) => written.push(r), 60_000, () => 0);
  for (let i = 0; i < 1500; i++) {
    const keyId = i.toString(16).padStart(16, "0");
    summaries.refused({ keyId, peer: `ipv4:10.0.0.66:${30000 + i}`, action: "Status", detail: `controller key ${keyId} is not authorized on this agent` });
  }
  assert.equal(written.length, 1, "1500 refusals, one line");
  summaries.close();
  assert.equal(written[1]!.count, 1499);
});

test("the counts survive a kill -9: kept in a state file, written by the next agent as it starts", () => {
  const dir = mkdtempSync(join(tmpdir(), "hostout-refusals-"));
  try {
    const state = join(dir, "audit-refusals.counting");
    const first: NewAuditRecord[] = [];
    const killed = new RefusalSummaries((r) => first.push(r), 60_000, () => 0, state);
    for (let i = 0; i < 40; i++) killed.refused(refusal(50000 + i));
    // no close(): the process died here
    assert.equal(first.length, 1);
    const next: NewAuditRecord[] = [];
    const restarted = new RefusalSummaries((r) => next.push(r), 60_000, () => 0, state);
    restarted.writeLeftOver();
    assert.equal(next.length, 1);
    assert.equal(next[0]!.count, 39);
    assert.match(next[0]!.detail, /and 39 more like it, counted before the agent stopped/);
    assert.equal(existsSync(state), false, "written once");
    restarted.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
