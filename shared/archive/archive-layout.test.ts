import assert from "node:assert/strict";
import { test } from "node:test";
import { ArchiveError } from "../errors.ts";
import { planArchiveLayout } from "./archive-layout.ts";

const file = (archivePath: string) => ({ archivePath, sourcePath: `/src/${archivePath}` });

test("files are sorted by path, with each implied directory once, before its contents", () => {
  // code-unit order: "a-b" < "a.txt" because "-" < "."
  const layout = planArchiveLayout([file("b/z.txt"), file("a.txt"), file("b/c/d.txt"), file("a-b/x"), file("./b/y.txt")], "out");
  assert.deepEqual(
    layout.map((entry) => `${entry.kind === "directory" ? "d" : "f"} ${entry.archivePath}`),
    ["d a-b", "f a-b/x", "f a.txt", "d b", "d b/c", "f b/c/d.txt", "f b/y.txt", "f b/z.txt"],
  );
});

test("the same files in any input order give the same layout", () => {
  const files = ["x/1", "x/2", "y", "x/z/3"].map(file);
  assert.deepEqual(planArchiveLayout(files, "out"), planArchiveLayout([...files].reverse(), "out"));
});

test("a path given twice (after normalization), a file that is also a directory, an empty path and no files are refused", () => {
  assert.throws(() => planArchiveLayout([], "out"), (e) => e instanceof ArchiveError && /no files/.test(e.message));
  assert.throws(() => planArchiveLayout([file("a"), file("./a")], "out"), (e) => e instanceof ArchiveError && /given twice/.test(e.message));
  assert.throws(() => planArchiveLayout([file("a"), file("a/b")], "out"), (e) => e instanceof ArchiveError && /both a file/.test(e.message));
  assert.throws(() => planArchiveLayout([file("./")], "out"), (e) => e instanceof ArchiveError && /names no file/.test(e.message));
});
