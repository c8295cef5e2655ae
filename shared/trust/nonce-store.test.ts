import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { NonceStore } from "./nonce-store.ts";

const WINDOW = 60_000;
const T0 = 1_700_000_000_000;
const nonce = (n: number) => n.toString(16).padStart(32, "0");

describe("NonceStore", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "hostout-nonces-"));
    file = join(dir, "nonces");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("accepts a nonce once", () => {
    const store = NonceStore.inMemory(WINDOW, T0);
    assert.equal(store.remember(nonce(1), T0, T0), true);
    assert.equal(store.remember(nonce(1), T0, T0 + 10), false);
    assert.equal(store.remember(nonce(2), T0, T0 + 10), true);
  });

  test("forgets nonces whose timestamp has left the window, so memory stays bounded", () => {
    const store = NonceStore.inMemory(WINDOW, T0);
    for (let i = 0; i < 100; i++) store.remember(nonce(i), T0, T0);
    store.remember(nonce(1000), T0 + 2 * WINDOW, T0 + 2 * WINDOW);
    assert.equal(store.size, 1);
  });

  test("keeps a nonce whose timestamp is still inside the window", () => {
    const store = NonceStore.inMemory(WINDOW, T0);
    store.remember(nonce(1), T0 + WINDOW, T0);
    store.remember(nonce(2), T0 + WINDOW, T0 + 1.5 * WINDOW);
    assert.equal(store.remember(nonce(1), T0 + WINDOW, T0 + 1.5 * WINDOW), false);
  });

  test("a persisted store still refuses a nonce after a reload", () => {
    const first = NonceStore.persistent(file, WINDOW, T0);
    first.remember(nonce(1), T0, T0);
    first.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const reloaded = NonceStore.persistent(file, WINDOW, T0 + 1000);
    assert.equal(reloaded.remember(nonce(1), T0, T0 + 1000), false);
    assert.equal(reloaded.remember(nonce(2), T0, T0 + 1000), true);
    reloaded.close();
  });

  test("reloading drops expired nonces and a torn last line", () => {
    const first = NonceStore.persistent(file, WINDOW, T0);
    first.remember(nonce(1), T0, T0);
    first.remember(nonce(2), T0 + WINDOW, T0);
    first.close();
    appendFileSync(file, `${T0} 00000000`);

    const reloaded = NonceStore.persistent(file, WINDOW, T0 + 1.5 * WINDOW);
    assert.equal(reloaded.size, 1);
    reloaded.close();
    assert.equal(readFileSync(file, "utf8"), `${T0 + WINDOW} ${nonce(2)}\n`);
  });

  test("the file is compacted as nonces expire", () => {
    const store = NonceStore.persistent(file, WINDOW, T0);
    for (let i = 0; i < 10; i++) store.remember(nonce(i), T0, T0);
    store.remember(nonce(99), T0 + 3 * WINDOW, T0 + 3 * WINDOW);
    store.close();
    assert.equal(readFileSync(file, "utf8"), `${T0 + 3 * WINDOW} ${nonce(99)}\n`);
  });
});
