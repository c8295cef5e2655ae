import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StateError } from "../../shared/errors.ts";
import { agentLayout, backupDir, ensureLayout, releaseDir } from "./agent-layout.ts";

describe("agentLayout", () => {
  let root: string;
  beforeEach(() => {
    root = join(mkdtempSync(join(tmpdir(), "hostout-layout-")), "srv");
  });
  afterEach(() => rmSync(join(root, ".."), { recursive: true, force: true }));

  test("places the agent's state, releases, shared data and backups under the root", () => {
    const layout = agentLayout(root);
    assert.equal(layout.blobsDir, join(root, "agent/blobs/sha256"));
    assert.equal(layout.partialBlobsDir, join(root, "agent/blobs/partial"));
    assert.equal(layout.journalFile, join(root, "agent/journal"));
    assert.equal(layout.auditFile, join(root, "agent/audit"));
    assert.equal(layout.lockFile, join(root, "agent/lock"));
    assert.equal(layout.currentLink, join(root, "current"));
    assert.equal(layout.sharedDistDir, join(root, "shared/dist"));
    assert.equal(releaseDir(layout, "20261125-3f2a9c1d"), join(root, "releases/20261125-3f2a9c1d"));
    assert.equal(backupDir(layout, "20261125-3f2a9c1d"), join(root, "backups/20261125-3f2a9c1d"));
  });

  test("a relative root is made absolute", () => {
    assert.equal(agentLayout("srv/acme").root, join(process.cwd(), "srv/acme"));
  });

  test("creates every directory: the agent's own 0700, the rest 0750", () => {
    const layout = agentLayout(root);
    ensureLayout(layout);
    const mode = (dir: string) => statSync(dir).mode & 0o777;
    assert.equal(mode(layout.agentDir), 0o700);
    assert.equal(mode(layout.blobsDir), 0o700);
    assert.equal(mode(layout.partialBlobsDir), 0o700);
    assert.equal(mode(layout.keysDir), 0o700);
    for (const dir of [layout.root, layout.releasesDir, layout.sharedVarDir, layout.sharedEggsDir, layout.sharedDistDir, layout.backupsDir]) {
      assert.equal(mode(dir), 0o750, dir);
    }
  });

  test("can run again, and tightens an agent dir someone loosened", () => {
    const layout = agentLayout(root);
    ensureLayout(layout);
    chmodSync(layout.agentDir, 0o755);
    ensureLayout(layout);
    assert.equal(statSync(layout.agentDir).mode & 0o777, 0o700);
  });

  test("refuses a tag that is not one plain directory name", () => {
    const layout = agentLayout(root);
    for (const tag of ["..", "../etc", "a/b", ".staging", "", "a\\b"]) {
      assert.throws(() => releaseDir(layout, tag), StateError, tag);
    }
  });
});
