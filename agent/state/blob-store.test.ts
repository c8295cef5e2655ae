import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StateError } from "../../shared/errors.ts";
import { agentLayout, ensureLayout, type AgentLayout } from "./agent-layout.ts";
import { BlobStore } from "./blob-store.ts";
import { NodeScript, stateModule } from "./test-support/node-script.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("BlobStore", () => {
  let layout: AgentLayout;
  let store: BlobStore;
  beforeEach(() => {
    layout = agentLayout(mkdtempSync(join(tmpdir(), "hostout-blobs-")));
    ensureLayout(layout);
    store = new BlobStore(layout);
  });
  afterEach(() => rmSync(layout.root, { recursive: true, force: true }));

  async function upload(bytes: Buffer, chunkSize = 1000): Promise<string> {
    const writer = await store.beginUpload(sha256(bytes), bytes.length, 0);
    for (let at = 0; at < bytes.length; at += chunkSize) await writer.write(bytes.subarray(at, at + chunkSize));
    return writer.finish();
  }

  test("stores an upload under its sha256 once the bytes match, read-only", async () => {
    const bytes = randomBytes(10_000);
    const sha = sha256(bytes);
    assert.equal(store.has(sha), false);
    const path = await upload(bytes);
    assert.equal(path, store.path(sha));
    assert.equal(store.has(sha), true);
    assert.deepEqual(readFileSync(path), bytes);
    assert.equal(statSync(path).mode & 0o777, 0o444);
    assert.equal(existsSync(join(layout.partialBlobsDir, sha)), false);
  });

  test("lists the blobs it lacks, each with the bytes an interrupted upload left", async () => {
    const stored = randomBytes(100);
    await upload(stored);
    const partial = randomBytes(5000);
    const writer = await store.beginUpload(sha256(partial), partial.length, 0);
    await writer.write(partial.subarray(0, 1234));
    await writer.close();
    const absent = sha256(Buffer.from("absent"));
    assert.deepEqual(store.missing([sha256(stored), sha256(partial), absent, absent]), [
      { sha: sha256(partial), receivedBytes: 1234 },
      { sha: absent, receivedBytes: 0 },
    ]);
  });

  test("resumes an upload from the bytes it already holds, and names the right offset otherwise", async () => {
    const bytes = randomBytes(3000);
    const sha = sha256(bytes);
    const first = await store.beginUpload(sha, bytes.length, 0);
    await first.write(bytes.subarray(0, 1000));
    await first.close();
    await assert.rejects(store.beginUpload(sha, bytes.length, 0), (error: StateError) => {
      assert.match(error.message, /offset 0 does not match the 1000 bytes already received/);
      assert.match(error.hint ?? "", /resume the upload from offset 1000/);
      return true;
    });
    const second = await store.beginUpload(sha, bytes.length, 1000);
    await second.write(bytes.subarray(1000));
    await second.finish();
    assert.deepEqual(readFileSync(store.path(sha)), bytes);
  });

  test("a sha256 mismatch discards the partial upload and says what was expected and what came", async () => {
    const bytes = randomBytes(2000);
    const claimed = sha256(Buffer.from("something else"));
    const writer = await store.beginUpload(claimed, bytes.length, 0);
    await writer.write(bytes);
    await assert.rejects(writer.finish(), (error: StateError) => {
      assert.ok(error instanceof StateError);
      assert.match(error.message, new RegExp(`expected ${claimed}, got ${sha256(bytes)}`));
      return true;
    });
    assert.equal(store.has(claimed), false);
    assert.deepEqual(store.missing([claimed]), [{ sha: claimed, receivedBytes: 0 }]);
  });

  test("finishing too early keeps what arrived, to resume", async () => {
    const bytes = randomBytes(2000);
    const writer = await store.beginUpload(sha256(bytes), bytes.length, 0);
    await writer.write(bytes.subarray(0, 500));
    await assert.rejects(writer.finish(), /incomplete: 500 of 2000 bytes/);
    assert.deepEqual(store.missing([sha256(bytes)]), [{ sha: sha256(bytes), receivedBytes: 500 }]);
  });

  test("refuses bytes beyond the declared size", async () => {
    const bytes = randomBytes(100);
    const writer = await store.beginUpload(sha256(bytes), 100, 0);
    await writer.write(bytes.subarray(0, 60));
    await assert.rejects(writer.write(bytes.subarray(0, 60)), /120 bytes sent, more than its size 100/);
    assert.equal(writer.receivedBytes, 60);
    await writer.close();
  });

  test("refuses a second writer on the same blob while one is open", async () => {
    const bytes = randomBytes(100);
    const writer = await store.beginUpload(sha256(bytes), 100, 0);
    await assert.rejects(store.beginUpload(sha256(bytes), 100, 0), /being uploaded by another request/);
    await writer.close();
    await (await store.beginUpload(sha256(bytes), 100, 0)).close();
  });

  test("refuses names that are not 64 lowercase hex digits", async () => {
    for (const name of ["../../etc/passwd", "ABC", "a".repeat(63), "A".repeat(64)]) {
      assert.throws(() => store.path(name), StateError, name);
      await assert.rejects(store.beginUpload(name, 1, 0), StateError);
    }
    assert.throws(() => store.missing(["nope"]), StateError);
  });

  test("an upload whose process is killed mid-way leaves a partial file the next upload resumes", async () => {
    const bytes = randomBytes(256 * 1024);
    const sha = sha256(bytes);
    const source = join(layout.root, "source.bin");
    writeFileSync(source, bytes);
    // The child sends 64 KiB, reports it, then hangs on as a stalled connection would, until killed.
    const child = new NodeScript(`
      import { readFileSync } from "node:fs";
      import { agentLayout } from ${stateModule("agent-layout.ts")};
      import { BlobStore } from ${stateModule("blob-store.ts")};
      const bytes = readFileSync(${JSON.stringify(source)});
      const store = new BlobStore(agentLayout(${JSON.stringify(layout.root)}));
      const upload = await store.beginUpload(${JSON.stringify(sha)}, bytes.length, 0);
      for (let at = 0; at < 64 * 1024; at += 16 * 1024) await upload.write(bytes.subarray(at, at + 16 * 1024));
      console.log("sent " + upload.receivedBytes);
      setInterval(() => {}, 1000);
    `);
    await child.waitForLine((line) => line === `sent ${64 * 1024}`);
    assert.equal((await child.kill()).signal, "SIGKILL");

    const [missing] = store.missing([sha]);
    assert.deepEqual(missing, { sha, receivedBytes: 64 * 1024 });
    const resumed = await store.beginUpload(sha, bytes.length, missing!.receivedBytes);
    await resumed.write(bytes.subarray(missing!.receivedBytes));
    await resumed.finish();
    assert.deepEqual(readFileSync(store.path(sha)), bytes);
  });

  describe("placeEgg", () => {
    let dist: string;
    beforeEach(() => {
      dist = layout.sharedDistDir;
    });

    test("hard-links the stored blob into dist under the egg's file name", async () => {
      const egg = randomBytes(500);
      await upload(egg);
      const placed = await store.placeEgg(sha256(egg), "acme.site-1.2-py3.11.egg", dist);
      assert.equal(placed, join(dist, "acme.site-1.2-py3.11.egg"));
      assert.equal(statSync(placed).ino, statSync(store.path(sha256(egg))).ino);
      assert.equal(await store.placeEgg(sha256(egg), "acme.site-1.2-py3.11.egg", dist), placed, "placing it again is fine");
    });

    test("accepts an egg already there with the same bytes", async () => {
      const egg = randomBytes(500);
      await upload(egg);
      writeFileSync(join(dist, "acme-1.0.egg"), egg);
      assert.equal(await store.placeEgg(sha256(egg), "acme-1.0.egg", dist), join(dist, "acme-1.0.egg"));
    });

    test("refuses an egg whose name and version dist already has with different bytes", async () => {
      const egg = randomBytes(500);
      await upload(egg);
      const other = randomBytes(500);
      writeFileSync(join(dist, "acme-1.0.egg"), other);
      await assert.rejects(store.placeEgg(sha256(egg), "acme-1.0.egg", dist), (error: StateError) => {
        assert.ok(error instanceof StateError);
        assert.match(error.message, /already exists with different bytes/);
        assert.match(error.message, new RegExp(`sha256 ${sha256(other)}, not ${sha256(egg)}`));
        return true;
      });
      assert.deepEqual(readFileSync(join(dist, "acme-1.0.egg")), other, "the egg in place is left alone");
    });

    test("refuses a file name that could leave dist", async () => {
      const egg = randomBytes(10);
      await upload(egg);
      for (const name of ["../acme-1.0.egg", "sub/acme-1.0.egg", "..", ""]) {
        await assert.rejects(store.placeEgg(sha256(egg), name, dist), StateError, name);
      }
    });

    test("refuses a blob that is not stored", async () => {
      await assert.rejects(store.placeEgg(sha256(Buffer.from("x")), "x-1.egg", dist), /is not stored/);
    });

    // /dev/shm is another file system on Linux: link() fails there with EXDEV.
    test("copies where a hard link cannot be made", async () => {
      const egg = randomBytes(500);
      await upload(egg);
      const otherFs = mkdtempSync("/dev/shm/hostout-dist-");
      try {
        const placed = await store.placeEgg(sha256(egg), "acme-1.0.egg", otherFs);
        assert.deepEqual(readFileSync(placed), egg);
        assert.notEqual(statSync(placed).dev, statSync(store.path(sha256(egg))).dev);
        assert.equal(statSync(placed).mode & 0o777, 0o444, "read-only, like the stored blob");
        assert.deepEqual(readdirSync(otherFs), ["acme-1.0.egg"], "no temp file left beside it");
      } finally {
        rmSync(otherFs, { recursive: true, force: true });
      }
    });
  });
});
