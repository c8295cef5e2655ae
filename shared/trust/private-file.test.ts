import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { readOwnerOnlyFile, readOwnerWritableFile } from "./private-file.ts";
import { writeFileAtomic } from "../fs/atomic-write.ts";

describe("private files", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "hostout-private-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("writeFileAtomic replaces content with the exact mode asked for and leaves no temp file", () => {
    const file = join(dir, "f");
    writeFileSync(file, "old");
    assert.equal(writeFileAtomic(file, "new", { mode: 0o600 }), true);
    assert.equal(readFileSync(file, "utf8"), "new");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ["f"]);
  });

  test("writeFileAtomic with noClobber keeps an existing file", () => {
    const file = join(dir, "f");
    writeFileSync(file, "first");
    assert.equal(writeFileAtomic(file, "second", { mode: 0o600, noClobber: true }), false);
    assert.equal(readFileSync(file, "utf8"), "first");
    assert.deepEqual(readdirSync(dir), ["f"]);
  });

  test("readOwnerOnlyFile refuses group- or world-readable files", () => {
    const file = join(dir, "secret");
    writeFileSync(file, "s", { mode: 0o600 });
    assert.equal(readOwnerOnlyFile(file, "secret").toString(), "s");
    chmodSync(file, 0o604);
    assert.throws(() => readOwnerOnlyFile(file, "secret"), /secret is readable or writable by group or others \(mode 604\)/);
  });

  test("readOwnerWritableFile allows others to read but not to write", () => {
    const file = join(dir, "list");
    writeFileSync(file, "l", { mode: 0o644 });
    assert.equal(readOwnerWritableFile(file, "list").toString(), "l");
    chmodSync(file, 0o664);
    assert.throws(() => readOwnerWritableFile(file, "list"), /list is writable by group or others \(mode 664\)/);
  });
});
