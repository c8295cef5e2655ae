import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StateError } from "../../shared/errors.ts";
import { ABORTED, DEPLOY_PHASES, appendJournal, lastUnfinishedDeploy, readJournal, type JournalEntry, type NewJournalEntry } from "./journal.ts";

const TIME = "2026-11-25T10:00:00.000Z";
const entry = (deployId: string, phase: NewJournalEntry["phase"], state: JournalEntry["state"] = "done"): JournalEntry => ({
  deployId,
  tag: `tag-${deployId}`,
  phase,
  state,
  time: TIME,
});

describe("journal", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hostout-journal-"));
    file = join(dir, "journal");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("names the phases in the order a deploy goes through them", () => {
    assert.deepEqual(DEPLOY_PHASES, ["verify", "stage", "build", "prebackup", "stop", "backup", "switch", "migrate", "start", "roll", "health", "commit", "prune", "rollback"]);
  });

  test("appends one JSON line per entry and reads them back in order, with the time filled in", () => {
    const first = appendJournal(file, { deployId: "d1", tag: "t1", phase: "verify", state: "started", version: "0.3" });
    appendJournal(file, { ...entry("d1", "verify"), message: "signature ok" });
    assert.match(first.time, /^\d{4}-\d\d-\d\dT/);
    assert.equal(readFileSync(file, "utf8").split("\n").length, 3);
    assert.deepEqual(readJournal(file), [first, { ...entry("d1", "verify"), message: "signature ok" }]);
  });

  test("an entry written before deployment versions reads its whole number as its version", () => {
    appendFileSync(file, '{"deployId":"d0","tag":"t0","phase":"stop","state":"started","time":"2026-11-25T10:00:00.000Z","number":3}\n');
    assert.deepEqual(readJournal(file), [{ deployId: "d0", tag: "t0", phase: "stop", state: "started", time: "2026-11-25T10:00:00.000Z", version: "3" }]);
  });

  test("an absent journal is empty", () => {
    assert.deepEqual(readJournal(file), []);
  });

  test("ignores a last line torn by a power loss, and later entries still start on a line of their own", () => {
    appendJournal(file, entry("d1", "stage", "started"));
    appendFileSync(file, '{"deployId":"d1","tag":"tag-d1","pha');
    assert.deepEqual(readJournal(file), [entry("d1", "stage", "started")]);
    appendJournal(file, entry("d1", ABORTED));
    assert.deepEqual(readJournal(file), [entry("d1", "stage", "started"), entry("d1", ABORTED)]);
  });

  test("refuses a line that parses but is not a journal entry", () => {
    writeFileSync(file, `${JSON.stringify(entry("d1", "stage"))}\n{"deployId":"d1","phase":"dance"}\n`);
    assert.throws(() => readJournal(file), (error: StateError) => error instanceof StateError && /journal entry 2/.test(error.message));
  });

  describe("lastUnfinishedDeploy", () => {
    test("is undefined when every deploy committed, rolled back or aborted", () => {
      const entries = [
        entry("d1", "commit", "started"),
        entry("d1", "commit"),
        entry("d2", "health", "failed"),
        entry("d2", "rollback"),
        entry("d3", "build", "failed"),
        entry("d3", ABORTED),
      ];
      assert.equal(lastUnfinishedDeploy(entries), undefined);
      assert.equal(lastUnfinishedDeploy([]), undefined);
    });

    test("finds the deploy a crash interrupted, with its entries and where it stopped", () => {
      const entries = [entry("d1", "commit"), entry("d2", "build"), entry("d2", "stop", "started"), entry("d2", "stop")];
      const unfinished = lastUnfinishedDeploy(entries);
      assert.equal(unfinished?.deployId, "d2");
      assert.equal(unfinished?.tag, "tag-d2");
      assert.deepEqual(unfinished?.entries, entries.slice(1));
      assert.deepEqual(unfinished?.last, entry("d2", "stop"));
    });

    test("a failed commit or rollback does not finish a deploy; a later prune does not unfinish it", () => {
      assert.equal(lastUnfinishedDeploy([entry("d1", "commit", "failed")])?.deployId, "d1");
      assert.equal(lastUnfinishedDeploy([entry("d1", "rollback", "started")])?.deployId, "d1");
      assert.equal(lastUnfinishedDeploy([entry("d1", "commit"), entry("d1", "prune", "started")]), undefined);
    });

    test("of several unfinished deploys, gives the one that journaled last", () => {
      const entries = [entry("d1", "build"), entry("d2", "verify"), entry("d1", "stop", "started"), entry("d3", "commit")];
      assert.equal(lastUnfinishedDeploy(entries)?.deployId, "d1");
    });
  });
});
