import assert from "node:assert/strict";
import { test } from "node:test";
import { ArchiveError } from "../errors.ts";
import { normalizeArchivePath } from "./archive-path.ts";

test("relative paths are normalized: ./, empty components and trailing slashes go", () => {
  assert.equal(normalizeArchivePath("./a//b/./c/", "x.tar"), "a/b/c");
  assert.equal(normalizeArchivePath("./", "x.tar"), "");
  assert.equal(normalizeArchivePath("..foo/bar..", "x.tar"), "..foo/bar..", "dots inside names are fine");
});

test("absolute, .., drive-letter and backslash paths are refused with the path and the archive named", () => {
  const cases: Array<[string, RegExp]> = [
    ["/etc/passwd", /is absolute/],
    ["..", /"\.\." component/],
    ["a/../../b", /"\.\." component/],
    ["a/..", /"\.\." component/],
    ["C:/Windows", /drive letter/],
    ["a\\..\\b", /backslash/],
  ];
  for (const [path, problem] of cases) {
    assert.throws(() => normalizeArchivePath(path, "x.tar"), (error) => {
      assert.ok(error instanceof ArchiveError);
      assert.ok(error.message.includes(`"${path}"`));
      assert.match(error.message, problem);
      assert.equal(error.where, "x.tar");
      return true;
    });
  }
});
