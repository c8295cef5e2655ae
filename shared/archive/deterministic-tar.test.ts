import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ArchiveError } from "../errors.ts";
import { writeDeterministicTarGz } from "./deterministic-tar.ts";
import { sha256File } from "./sha256-file.ts";

const root = mkdtempSync(join(tmpdir(), "deterministic-tar-"));
after(() => rmSync(root, { recursive: true, force: true }));

const FILES = ["buildout.cfg", "profiles/prod.cfg", "bin/run", "profiles/deep/nested.cfg"];

/** A checkout of the same content, with its own mtimes, permissions and (as root) owner. */
function checkout(name: string, mtime: Date, owner: number, content = (path: string) => `content of ${path}\n`): string {
  const dir = join(root, name);
  for (const path of FILES) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content(path));
    chmodSync(join(dir, path), path === "bin/run" ? 0o700 : owner === 0 ? 0o600 : 0o664);
    utimesSync(join(dir, path), mtime, mtime);
    if (process.getuid?.() === 0) chownSync(join(dir, path), owner, owner);
  }
  return dir;
}

const entriesOf = (dir: string) => [...FILES].reverse().map((path) => ({ archivePath: path, sourcePath: join(dir, path) }));

test("the same content in two checkouts with different mtimes, modes and owners gives identical bytes", async () => {
  const a = checkout("a", new Date("2021-03-04T05:06:07Z"), 0);
  const b = checkout("b", new Date("2024-11-12T13:14:15Z"), 4321);
  const first = await writeDeterministicTarGz(entriesOf(a), join(root, "a.tar.gz"));
  const second = await writeDeterministicTarGz(entriesOf(b), join(root, "b.tar.gz"));
  assert.equal(first.sha256, second.sha256);
  assert.deepEqual(readFileSync(join(root, "a.tar.gz")), readFileSync(join(root, "b.tar.gz")));
  assert.equal(first.sha256, await sha256File(join(root, "a.tar.gz")), "the returned digest is that of the file on disk");
  assert.equal(first.size, readFileSync(join(root, "a.tar.gz")).length);
});

test("one changed byte gives a different sha256", async () => {
  const a = checkout("same", new Date("2021-03-04T05:06:07Z"), 0);
  const b = checkout("changed", new Date("2021-03-04T05:06:07Z"), 0, (path) =>
    path === "profiles/prod.cfg" ? `content of ${path}!` : `content of ${path}\n`,
  );
  const first = await writeDeterministicTarGz(entriesOf(a), join(root, "same.tar.gz"));
  const second = await writeDeterministicTarGz(entriesOf(b), join(root, "changed.tar.gz"));
  assert.notEqual(first.sha256, second.sha256);
});

test("GNU tar reads sorted entries, implied directories, owner 0:0, fixed mtime and 0644/0755 modes", async () => {
  const dir = checkout("listed", new Date("2022-02-02T02:02:02Z"), 4321);
  const out = join(root, "listed.tar.gz");
  await writeDeterministicTarGz(entriesOf(dir), out);
  const listing = execFileSync("tar", ["--numeric-owner", "--utc", "-tvzf", out], { encoding: "utf8" });
  const lines = listing.trim().split("\n").map((line) => line.replace(/\s+/g, " "));
  assert.deepEqual(
    lines.map((line) => { const [mode, owner, , date, time, path] = line.split(" "); return [mode, owner, date, time, path].join(" "); }),
    [
      "drwxr-xr-x 0/0 2000-01-01 00:00 bin/",
      "-rwxr-xr-x 0/0 2000-01-01 00:00 bin/run",
      "-rw-r--r-- 0/0 2000-01-01 00:00 buildout.cfg",
      "drwxr-xr-x 0/0 2000-01-01 00:00 profiles/",
      "drwxr-xr-x 0/0 2000-01-01 00:00 profiles/deep/",
      "-rw-r--r-- 0/0 2000-01-01 00:00 profiles/deep/nested.cfg",
      "-rw-r--r-- 0/0 2000-01-01 00:00 profiles/prod.cfg",
    ],
  );
  const unpacked = join(root, "listed-unpacked");
  mkdirSync(unpacked);
  execFileSync("tar", ["-xzf", out, "-C", unpacked]);
  for (const path of FILES) assert.equal(readFileSync(join(unpacked, path), "utf8"), `content of ${path}\n`);
});

test("the gzip header has no mtime and a fixed OS byte", async () => {
  const dir = checkout("gzip", new Date(), 0);
  const out = join(root, "gzip.tar.gz");
  await writeDeterministicTarGz(entriesOf(dir), out);
  const header = readFileSync(out).subarray(0, 10);
  assert.deepEqual([...header], [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);
  execFileSync("gzip", ["-t", out]);
});

test("long and non-ASCII paths survive (pax headers)", async () => {
  const dir = join(root, "long");
  const longPath = `${"d".repeat(60)}/${"f".repeat(120)}.txt`;
  mkdirSync(join(dir, "d".repeat(60)), { recursive: true });
  writeFileSync(join(dir, longPath), "long");
  writeFileSync(join(dir, "ünïcode.txt"), "u");
  const out = join(root, "long.tar.gz");
  await writeDeterministicTarGz([longPath, "ünïcode.txt"].map((p) => ({ archivePath: p, sourcePath: join(dir, p) })), out);
  const unpacked = join(root, "long-unpacked");
  mkdirSync(unpacked);
  execFileSync("tar", ["-xzf", out, "-C", unpacked]);
  assert.equal(readFileSync(join(unpacked, longPath), "utf8"), "long");
  assert.equal(readFileSync(join(unpacked, "ünïcode.txt"), "utf8"), "u");
});

test("absolute and .. archive paths are refused before anything is written", async () => {
  const dir = checkout("refused", new Date(), 0);
  const source = join(dir, "buildout.cfg");
  for (const archivePath of ["/etc/cron.d/evil", "../evil", "profiles/../../evil"]) {
    await assert.rejects(writeDeterministicTarGz([{ archivePath, sourcePath: source }], join(root, "refused.tar.gz")), (error) => {
      assert.ok(error instanceof ArchiveError);
      assert.match(error.message, /absolute|"\.\."/);
      return true;
    });
  }
  assert.deepEqual(readdirSync(root).filter((name) => name.startsWith("refused.") || name.startsWith(".refused")), []);
});

test("duplicate paths, file/directory clashes and symlinked sources are refused, leaving no temp file", async () => {
  const dir = checkout("clash", new Date(), 0);
  const file = join(dir, "buildout.cfg");
  symlinkSync(file, join(dir, "link.cfg"));
  const out = join(root, "clash.tar.gz");
  const cases = [
    [{ archivePath: "a.cfg", sourcePath: file }, { archivePath: "./a.cfg", sourcePath: file }],
    [{ archivePath: "a", sourcePath: file }, { archivePath: "a/b.cfg", sourcePath: file }],
    [{ archivePath: "link.cfg", sourcePath: join(dir, "link.cfg") }],
  ];
  for (const entries of cases) await assert.rejects(writeDeterministicTarGz(entries, out), ArchiveError);
  assert.deepEqual(readdirSync(root).filter((name) => name.includes("clash.tar.gz")), []);
});

test("a source that changes while it is read fails the write and leaves no temp file", async () => {
  // /proc files stat as 0 bytes but read as more: the same as a file growing mid-archive.
  const out = join(root, "changing.tar.gz");
  await assert.rejects(writeDeterministicTarGz([{ archivePath: "status", sourcePath: "/proc/self/status" }], out), /changed while it was archived/);
  assert.deepEqual(readdirSync(root).filter((name) => name.includes("changing.tar.gz")), []);
});
