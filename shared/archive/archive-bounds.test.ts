import assert from "node:assert/strict";
import { test } from "node:test";
import { checkArchiveBounds } from "./archive-bounds.ts";

test("declared bounds under the limit are what the extractor is held to", () => {
  assert.deepEqual(checkArchiveBounds({ sha256: "x", size: 10, entries: 3, unpackedBytes: 2048 }, 4096, "m"), { entries: 3, unpackedBytes: 2048 });
});

test("an archive declared bigger than max-unpacked-size is refused, naming the option", () => {
  assert.throws(() => checkArchiveBounds({ entries: 3, unpackedBytes: 3 * 1024 * 1024 }, 1024 * 1024, "m"), /3\.0 MB, more than max-unpacked-size \(1\.0 MB\)/);
});

test("a manifest without bounds, or with nonsense in them, is refused", () => {
  assert.throws(() => checkArchiveBounds({ sha256: "x", size: 10 }, 4096, "m"), /does not say what the buildout archive unpacks to/);
  assert.throws(() => checkArchiveBounds({ entries: -1, unpackedBytes: 1 }, 4096, "m"), /does not say/);
  assert.throws(() => checkArchiveBounds({ entries: 1, unpackedBytes: 1.5 }, 4096, "m"), /does not say/);
  assert.throws(() => checkArchiveBounds({ entries: 1, unpackedBytes: 1 }, undefined, "m"), /no max-unpacked-size/);
});
