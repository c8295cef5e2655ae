import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Header, Pax, type HeaderData } from "tar";
import { ArchiveError } from "../errors.ts";
import { writeDeterministicTarGz } from "./deterministic-tar.ts";
import { extractTarGzSafely } from "./safe-extract.ts";

const root = mkdtempSync(join(tmpdir(), "safe-extract-"));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * One test's sandbox: `src` to build archives from, `outside` as the target of escape attempts
 * and `parent/dest` as the destination. Every escape attempt aims inside `box`, so even a broken
 * extractor could not touch the rest of the machine, and a snapshot of `box` shows any write.
 */
function sandbox(name: string) {
  const box = join(root, name);
  for (const dir of ["src", "outside", "parent"]) mkdirSync(join(box, dir), { recursive: true });
  writeFileSync(join(box, "src", "payload"), "evil\n");
  return { box, src: join(box, "src"), outside: join(box, "outside"), dest: join(box, "parent", "dest"), archive: join(box, "archive.tar.gz") };
}

/** Every path under `dir` with its type and size: any file written, linked or removed changes it. */
function snapshot(dir: string): string[] {
  const lines: string[] = [];
  const walk = (relative: string) => {
    for (const name of readdirSync(join(dir, relative)).sort()) {
      const path = join(relative, name);
      const stat = lstatSync(join(dir, path));
      lines.push(`${path} ${stat.mode.toString(8)} ${stat.isDirectory() ? "" : stat.size}`);
      if (stat.isDirectory()) walk(path);
    }
  };
  walk("");
  return lines;
}

function gnuTar(args: string[]): void {
  execFileSync("tar", args, { stdio: ["ignore", "ignore", "ignore"] });
}

/** Asserts the refusal names `entry`, and that nothing in the sandbox changed: no dest, no staging dir, no escapee. */
async function assertRefused(sb: ReturnType<typeof sandbox>, entry: string, problem: RegExp): Promise<void> {
  const before = snapshot(sb.box);
  await assert.rejects(extractTarGzSafely(sb.archive, sb.dest), (error) => {
    assert.ok(error instanceof ArchiveError, `expected an ArchiveError, got ${String(error)}`);
    assert.ok(error.message.includes(`"${entry}"`), `the message names the entry ${entry}: ${error.message}`);
    assert.match(error.message, problem);
    assert.equal(error.where, sb.archive);
    return true;
  });
  assert.equal(existsSync(sb.dest), false, "destDir does not exist");
  assert.deepEqual(snapshot(sb.box), before, "nothing was written anywhere in the sandbox");
  assert.deepEqual(readdirSync(sb.outside), []);
}

/** A tar.gz made of raw headers, for entries GNU tar would not write. */
function rawTarGz(entries: Array<{ header: HeaderData; body?: string; paxPath?: string }>): Buffer {
  const blocks: Buffer[] = [];
  for (const { header, body = "", paxPath } of entries) {
    if (paxPath) blocks.push(new Pax({ path: paxPath }).encode());
    const block = Buffer.alloc(512);
    new Header({ mode: 0o644, uid: 0, gid: 0, mtime: new Date(0), size: Buffer.byteLength(body), ...header }).encode(block);
    blocks.push(block);
    if (body) blocks.push(Buffer.concat([Buffer.from(body)], Math.ceil(Buffer.byteLength(body) / 512) * 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

// ---- refused archives, built with the real tar CLI ----

test("an absolute path (tar -P) is refused, not rewritten to a relative one", async () => {
  const sb = sandbox("absolute");
  const target = join(sb.outside, "pwned");
  gnuTar(["-czPf", sb.archive, "-C", sb.src, "--transform", `s,^payload$,${target},`, "payload"]);
  await assertRefused(sb, target, /is absolute/);
});

test("a leading .. path is refused, not stripped", async () => {
  const sb = sandbox("dotdot");
  gnuTar(["-czPf", sb.archive, "-C", sb.src, "--transform", "s,^payload$,../../pwned,", "payload"]);
  await assertRefused(sb, "../../pwned", /"\.\." component/);
});

test("a .. in the middle of a path is refused", async () => {
  const sb = sandbox("inner-dotdot");
  gnuTar(["-czPf", sb.archive, "-C", sb.src, "--transform", "s,^payload$,ok/../../pwned,", "payload"]);
  await assertRefused(sb, "ok/../../pwned", /"\.\." component/);
});

test("a symlink to an absolute path (/etc/passwd) is refused", async () => {
  const sb = sandbox("symlink-absolute");
  symlinkSync("/etc/passwd", join(sb.src, "passwd"));
  gnuTar(["-czf", sb.archive, "-C", sb.src, "passwd"]);
  await assertRefused(sb, "passwd", /target "\/etc\/passwd" is absolute/);
});

test("a relative symlink that climbs out of destDir is refused", async () => {
  const sb = sandbox("symlink-climbs");
  symlinkSync("../../outside", join(sb.src, "escape"));
  gnuTar(["-czf", sb.archive, "-C", sb.src, "escape"]);
  await assertRefused(sb, "escape", /leads outside/);
});

test("a symlink that escapes only through another symlink (d -> ., s -> d/../x) is refused", async () => {
  const sb = sandbox("symlink-chain");
  symlinkSync(".", join(sb.src, "d"));
  symlinkSync("d/../outside", join(sb.src, "s")); // lexically "outside", really "../outside"
  gnuTar(["-czf", sb.archive, "-C", sb.src, "d", "s"]);
  await assertRefused(sb, "s", /leads outside/);
});

test("a file written through a symlink created earlier in the archive is refused, and the earlier entries are not written", async () => {
  const sb = sandbox("through-symlink");
  const first = join(sb.box, "first");
  const second = join(sb.box, "second");
  mkdirSync(join(first, "sub"), { recursive: true });
  writeFileSync(join(first, "harmless.txt"), "fine\n");
  symlinkSync("sub", join(first, "link")); // a symlink that stays inside: still no path may go through it
  mkdirSync(join(second, "link"), { recursive: true });
  writeFileSync(join(second, "link", "pwned"), "evil\n");
  const plain = join(sb.box, "archive.tar");
  gnuTar(["-cf", plain, "-C", first, "harmless.txt", "sub", "link"]);
  gnuTar(["-rf", plain, "-C", second, "link/pwned"]);
  writeFileSync(sb.archive, gzipSync(readFileSync(plain)));
  await assertRefused(sb, "link/pwned", /lies under "link", a symlink/);
});

test("the classic escape, a symlink to a directory outside and a file through it, is refused", async () => {
  const sb = sandbox("symlink-then-file");
  const first = join(sb.box, "first");
  const second = join(sb.box, "second");
  mkdirSync(first);
  symlinkSync(sb.outside, join(first, "out"));
  mkdirSync(join(second, "out"), { recursive: true });
  writeFileSync(join(second, "out", "pwned"), "evil\n");
  const plain = join(sb.box, "archive.tar");
  gnuTar(["-cf", plain, "-C", first, "out"]);
  gnuTar(["-rf", plain, "-C", second, "out/pwned"]);
  writeFileSync(sb.archive, gzipSync(readFileSync(plain)));
  await assertRefused(sb, "out", /is absolute/);
});

test("a hard link is refused", async () => {
  const sb = sandbox("hardlink");
  linkSync(join(sb.src, "payload"), join(sb.src, "again"));
  gnuTar(["-czf", sb.archive, "-C", sb.src, "payload", "again"]);
  await assertRefused(sb, "again", /is a hard link/);
});

test("a FIFO is refused", async () => {
  const sb = sandbox("fifo");
  execFileSync("mkfifo", [join(sb.src, "pipe")]);
  gnuTar(["-czf", sb.archive, "-C", sb.src, "payload", "pipe"]);
  await assertRefused(sb, "pipe", /is a FIFO/);
});

test("a character device (/dev/null) is refused", async () => {
  const sb = sandbox("chardev");
  gnuTar(["-czf", sb.archive, "-C", "/dev", "null"]);
  await assertRefused(sb, "null", /is a character device/);
});

// ---- refused archives, built from raw headers ----

test("a hard link to /etc/passwd is refused", async () => {
  const sb = sandbox("raw-hardlink");
  writeFileSync(sb.archive, rawTarGz([{ header: { path: "passwd", type: "Link", linkpath: "/etc/passwd" } }]));
  await assertRefused(sb, "passwd", /is a hard link/);
});

test("a pax header smuggling a .. path behind a harmless ustar name is refused", async () => {
  const sb = sandbox("raw-pax");
  writeFileSync(sb.archive, rawTarGz([{ header: { path: "harmless.txt", type: "File" }, body: "evil\n", paxPath: "../../pwned" }]));
  await assertRefused(sb, "../../pwned", /"\.\." component/);
});

test("a setuid file is refused", async () => {
  const sb = sandbox("raw-setuid");
  writeFileSync(sb.archive, rawTarGz([{ header: { path: "su", type: "File", mode: 0o4755 }, body: "#!/bin/sh\n" }]));
  await assertRefused(sb, "su", /setuid/);
});

test("an entry type node-tar would silently skip (GNU sparse) is refused", async () => {
  const sb = sandbox("raw-sparse");
  writeFileSync(sb.archive, rawTarGz([{ header: { path: "sparse", type: "SparseFile" } }]));
  await assertRefused(sb, "sparse", /unsupported type SparseFile/);
});

test("a truncated archive is refused and leaves nothing behind", async () => {
  const sb = sandbox("truncated");
  writeFileSync(join(sb.src, "big"), "x".repeat(100_000));
  gnuTar(["-czf", sb.archive, "-C", sb.src, "payload", "big"]);
  writeFileSync(sb.archive, readFileSync(sb.archive).subarray(0, 200));
  const before = snapshot(sb.box);
  await assert.rejects(extractTarGzSafely(sb.archive, sb.dest), ArchiveError);
  assert.equal(existsSync(sb.dest), false);
  assert.deepEqual(snapshot(sb.box), before);
});

test("an existing destDir is refused and left untouched", async () => {
  const sb = sandbox("existing");
  gnuTar(["-czf", sb.archive, "-C", sb.src, "payload"]);
  mkdirSync(sb.dest);
  writeFileSync(join(sb.dest, "keep"), "mine\n");
  await assert.rejects(extractTarGzSafely(sb.archive, sb.dest), /already exists/);
  assert.deepEqual(readdirSync(sb.dest), ["keep"]);
  assert.deepEqual(readdirSync(join(sb.box, "parent")), ["dest"]);
});

// ---- accepted archives ----

test("a deterministic archive extracts with its contents, modes and paths", async () => {
  const sb = sandbox("roundtrip");
  mkdirSync(join(sb.src, "bin"));
  writeFileSync(join(sb.src, "buildout.cfg"), "[buildout]\n");
  writeFileSync(join(sb.src, "bin", "run"), "#!/bin/sh\n");
  chmodSync(join(sb.src, "bin", "run"), 0o755);
  const entries = ["buildout.cfg", "bin/run"].map((p) => ({ archivePath: p, sourcePath: join(sb.src, p) }));
  await writeDeterministicTarGz(entries, sb.archive);
  const paths = await extractTarGzSafely(sb.archive, sb.dest);
  assert.deepEqual(paths, ["bin", "bin/run", "buildout.cfg"]);
  assert.equal(readFileSync(join(sb.dest, "buildout.cfg"), "utf8"), "[buildout]\n");
  assert.equal(statSync(join(sb.dest, "bin", "run")).mode & 0o111, 0o111);
  assert.equal(statSync(sb.dest).mode & 0o777, 0o755);
  assert.deepEqual(readdirSync(join(sb.box, "parent")), ["dest"], "no staging directory is left beside destDir");
});

test("a GNU tar archive of a directory (./ entries, a symlink inside, foreign owner) extracts", async () => {
  const sb = sandbox("gnu");
  mkdirSync(join(sb.src, "etc"));
  writeFileSync(join(sb.src, "etc", "app.cfg"), "x = 1\n");
  symlinkSync("etc/app.cfg", join(sb.src, "app.cfg"));
  rmSync(join(sb.src, "payload"));
  gnuTar(["-czf", sb.archive, "--owner=4321", "--group=4321", "-C", sb.src, "."]);
  const paths = await extractTarGzSafely(sb.archive, sb.dest);
  assert.deepEqual([...paths].sort(), ["app.cfg", "etc", "etc/app.cfg"]);
  assert.equal(readlinkSync(join(sb.dest, "app.cfg")), "etc/app.cfg");
  assert.equal(readFileSync(join(sb.dest, "app.cfg"), "utf8"), "x = 1\n");
  assert.equal(statSync(join(sb.dest, "etc", "app.cfg")).uid, process.getuid?.(), "owners in the archive are not applied");
});
