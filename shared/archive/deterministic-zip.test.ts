import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ArchiveError } from "../errors.ts";
import { zipDirectoryDeterministically } from "./deterministic-zip.ts";
import { sha256File } from "./sha256-file.ts";

/** Debian's interpreter: the python3 first on PATH may be another one. */
const PYTHON = "/usr/bin/python3";

const root = mkdtempSync(join(tmpdir(), "deterministic-zip-"));
after(() => rmSync(root, { recursive: true, force: true }));

const EGG_FILES: Record<string, string> = {
  "EGG-INFO/PKG-INFO": "Metadata-Version: 1.1\nName: foo\nVersion: 1.0\n",
  "EGG-INFO/top_level.txt": "foo\nfoopkg\n",
  "EGG-INFO/zip-safe": "\n",
  "EGG-INFO/scripts/foo-cli": "#!/usr/bin/python3\nimport foo\n",
  "foo.py": "X = 42\n",
  "foopkg/__init__.py": "from foopkg.inner import Y\n",
  "foopkg/inner.py": "Y = 'from a package'\n",
};

/** An unzipped installed egg, written in the given order, with its own mtimes, modes and (as root) owner. */
function eggDirectory(name: string, options: { mtime: Date; owner: number; reverse?: boolean; files?: Record<string, string> }): string {
  const dir = join(root, name, "foo-1.0-py3.11.egg");
  const files = Object.entries(options.files ?? EGG_FILES);
  for (const [path, content] of options.reverse ? files.reverse() : files) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
    chmodSync(join(dir, path), path.includes("scripts/") ? 0o700 : options.owner === 0 ? 0o600 : 0o664);
    utimesSync(join(dir, path), options.mtime, options.mtime);
    if (process.getuid?.() === 0) chownSync(join(dir, path), options.owner, options.owner);
  }
  return dir;
}

test("the same egg content gives the same zip bytes, whatever the mtimes, modes, owners and creation order", async () => {
  const a = eggDirectory("a", { mtime: new Date("2020-05-06T07:08:09Z"), owner: 0 });
  const b = eggDirectory("b", { mtime: new Date("2025-01-02T03:04:05Z"), owner: 4321, reverse: true });
  const first = await zipDirectoryDeterministically(a, join(root, "a.egg"));
  const second = await zipDirectoryDeterministically(b, join(root, "b.egg"));
  assert.equal(first.sha256, second.sha256);
  assert.deepEqual(readFileSync(join(root, "a.egg")), readFileSync(join(root, "b.egg")));
  assert.equal(first.sha256, await sha256File(join(root, "a.egg")), "the returned digest is that of the file on disk");
  assert.equal(first.size, readFileSync(join(root, "a.egg")).length);
});

test("the zip bytes do not depend on the machine's time zone", async () => {
  const dir = eggDirectory("tz", { mtime: new Date(), owner: 0 });
  const saved = process.env.TZ;
  try {
    process.env.TZ = "UTC";
    const utc = await zipDirectoryDeterministically(dir, join(root, "utc.egg"));
    process.env.TZ = "Pacific/Kiritimati"; // UTC+14: a different calendar day from UTC at midnight
    const far = await zipDirectoryDeterministically(dir, join(root, "far.egg"));
    assert.equal(far.sha256, utc.sha256);
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test("one changed byte gives a different zip", async () => {
  const a = eggDirectory("same", { mtime: new Date(), owner: 0 });
  const b = eggDirectory("changed", { mtime: new Date(), owner: 0, files: { ...EGG_FILES, "foo.py": "X = 43\n" } });
  const first = await zipDirectoryDeterministically(a, join(root, "same.egg"));
  const second = await zipDirectoryDeterministically(b, join(root, "changed.egg"));
  assert.notEqual(first.sha256, second.sha256);
});

test("Python imports from the zipped egg, and zipfile sees sorted entries, one timestamp and fixed modes", async () => {
  const dir = eggDirectory("python", { mtime: new Date("2023-03-03T03:03:03Z"), owner: 0 });
  const egg = join(root, "python", "foo-1.0-py3.11.egg.zip-out");
  await zipDirectoryDeterministically(dir, egg);

  const imported = execFileSync(
    PYTHON,
    ["-c", "import sys; sys.path.insert(0, sys.argv[1]); import foo, foopkg; print(foo.X); print(foopkg.Y); print(foo.__file__)", egg],
    { encoding: "utf8" },
  );
  assert.deepEqual(imported.trim().split("\n"), ["42", "from a package", join(egg, "foo.py")]);

  const listing = execFileSync(
    PYTHON,
    [
      "-c",
      [
        "import sys, zipfile",
        "z = zipfile.ZipFile(sys.argv[1])",
        "assert z.testzip() is None",
        "for i in z.infolist(): print(i.filename, '%o' % (i.external_attr >> 16), '%d-%02d-%02d %02d:%02d:%02d' % i.date_time, i.compress_type)",
      ].join("\n"),
      egg,
    ],
    { encoding: "utf8" },
  );
  assert.deepEqual(listing.trim().split("\n"), [
    "EGG-INFO/ 40755 2000-01-01 00:00:00 0",
    "EGG-INFO/PKG-INFO 100644 2000-01-01 00:00:00 8",
    "EGG-INFO/scripts/ 40755 2000-01-01 00:00:00 0",
    "EGG-INFO/scripts/foo-cli 100755 2000-01-01 00:00:00 8",
    "EGG-INFO/top_level.txt 100644 2000-01-01 00:00:00 8",
    "EGG-INFO/zip-safe 100644 2000-01-01 00:00:00 8",
    "foo.py 100644 2000-01-01 00:00:00 8",
    "foopkg/ 40755 2000-01-01 00:00:00 0",
    "foopkg/__init__.py 100644 2000-01-01 00:00:00 8",
    "foopkg/inner.py 100644 2000-01-01 00:00:00 8",
  ]);
});

test("a symlink inside the egg directory is refused and no zip is written", async () => {
  const dir = eggDirectory("symlinked", { mtime: new Date(), owner: 0 });
  symlinkSync("/etc/passwd", join(dir, "passwd"));
  const out = join(root, "symlinked", "out.egg");
  await assert.rejects(zipDirectoryDeterministically(dir, out), (error) => {
    assert.ok(error instanceof ArchiveError);
    assert.match(error.message, /is a symlink/);
    return true;
  });
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(join(root, "symlinked")), ["foo-1.0-py3.11.egg"], "no temp file is left behind");
});

test("a file that changes while it is zipped fails the write and leaves no temp file", async () => {
  // /proc files stat as 0 bytes but read as more: the same as a file growing mid-zip.
  const out = join(root, "changing.egg");
  await assert.rejects(zipDirectoryDeterministically("/proc/sys/kernel/random", out), (error) => {
    assert.ok(error instanceof ArchiveError);
    assert.match(error.message, /unexpected number of bytes/);
    return true;
  });
  assert.deepEqual(readdirSync(root).filter((name) => name.includes("changing.egg")), []);
});
