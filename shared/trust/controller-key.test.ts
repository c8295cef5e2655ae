import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import nacl from "tweetnacl";
import { TrustError } from "../errors.ts";
import {
  controllerKeyFromSecretKey,
  controllerKeyPath,
  defaultConfigDir,
  isControllerSignatureValid,
  keyIdOf,
  loadOrCreateControllerKey,
  parsePublicKey,
  signWithControllerKey,
} from "./controller-key.ts";

describe("loadOrCreateControllerKey", () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), "hostout-key-"))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("creates an owner-only key file in an owner-only directory, then loads the same key", () => {
    const configDir = join(root, "config", "hostout");
    const created = loadOrCreateControllerKey(configDir);
    assert.equal(created.created, true);
    assert.equal(statSync(configDir).mode & 0o777, 0o700);
    assert.equal(statSync(controllerKeyPath(configDir)).mode & 0o777, 0o600);

    const loaded = loadOrCreateControllerKey(configDir);
    assert.equal(loaded.created, false);
    assert.equal(loaded.publicKey, created.publicKey);
    assert.deepEqual(loaded.secretKey, created.secretKey);
    assert.equal(loaded.keyId, created.keyId);
  });

  test("names the key by the first 16 hex digits of sha256 over the public key", () => {
    const key = loadOrCreateControllerKey(root);
    assert.match(key.keyId, /^[0-9a-f]{16}$/);
    assert.equal(key.keyId, keyIdOf(key.publicKey));
    assert.equal(parsePublicKey(key.publicKey), key.publicKey);
  });

  test("the key signs, and its public key verifies", () => {
    const key = loadOrCreateControllerKey(root);
    const signature = signWithControllerKey(key, "hello");
    assert.equal(isControllerSignatureValid(key.publicKey, "hello", signature), true);
    assert.equal(isControllerSignatureValid(key.publicKey, "hellO", signature), false);
    assert.equal(isControllerSignatureValid(key.publicKey, "hello", "not base64!"), false);
  });

  test("refuses a key file readable by group or others, with a chmod hint", () => {
    loadOrCreateControllerKey(root);
    const file = controllerKeyPath(root);
    chmodSync(file, 0o640);
    assert.throws(
      () => loadOrCreateControllerKey(root),
      (error: unknown) => {
        assert.ok(error instanceof TrustError);
        assert.match(error.message, /readable or writable by group or others \(mode 640\)/);
        assert.equal(error.where, file);
        assert.equal(error.hint, `chmod 600 ${file}`);
        return true;
      },
    );
  });

  test("refuses a key file whose public key does not match its secret key", () => {
    loadOrCreateControllerKey(root);
    const file = controllerKeyPath(root);
    const content = JSON.parse(readFileSync(file, "utf8"));
    content.publicKey = "ed25519:" + Buffer.from(nacl.sign.keyPair().publicKey).toString("base64");
    writeFileSync(file, JSON.stringify(content));
    assert.throws(() => loadOrCreateControllerKey(root), /public key does not belong to the secret key/);
  });

  test("refuses a key file that is not JSON", () => {
    writeFileSync(controllerKeyPath(root), "garbage", { mode: 0o600 });
    assert.throws(() => loadOrCreateControllerKey(root), /not valid JSON/);
  });
});

describe("defaultConfigDir", () => {
  test("prefers HOSTOUT_CONFIG_DIR, then XDG_CONFIG_HOME/hostout, then ~/.config/hostout", () => {
    assert.equal(defaultConfigDir({ HOSTOUT_CONFIG_DIR: "/etc/h", XDG_CONFIG_HOME: "/x" }, "/home/u"), "/etc/h");
    assert.equal(defaultConfigDir({ XDG_CONFIG_HOME: "/x" }, "/home/u"), "/x/hostout");
    assert.equal(defaultConfigDir({}, "/home/u"), "/home/u/.config/hostout");
  });

  test("ignores a relative XDG_CONFIG_HOME, as the XDG spec requires", () => {
    assert.equal(defaultConfigDir({ XDG_CONFIG_HOME: "relative" }, "/home/u"), "/home/u/.config/hostout");
  });
});

describe("parsePublicKey", () => {
  const valid = "ed25519:" + Buffer.alloc(32, 7).toString("base64");

  test("accepts ed25519:<base64 of 32 bytes>, trimming whitespace", () => {
    assert.equal(parsePublicKey(`  ${valid}\n`), valid);
  });

  test("refuses other prefixes, wrong lengths and stray characters", () => {
    assert.throws(() => parsePublicKey("ssh-ed25519 AAAA"), /not an Ed25519 public key/);
    assert.throws(() => parsePublicKey("ed25519:" + Buffer.alloc(31).toString("base64")), /malformed/);
    assert.throws(() => parsePublicKey(valid.slice(0, -1) + "!"), /malformed/);
  });
});

describe("signatures", () => {
  test("are tweetnacl's Ed25519 signatures byte for byte, and each side verifies the other's", () => {
    const pair = nacl.sign.keyPair();
    const key = controllerKeyFromSecretKey(pair.secretKey);
    for (const message of ["", "POST /hostout.Agent/Deploy@sha256:ab 1733050000 nonce digest", "é → ✓"]) {
      const ours = signWithControllerKey(key, message);
      const theirs = Buffer.from(nacl.sign.detached(Buffer.from(message, "utf8"), pair.secretKey)).toString("base64");
      assert.equal(ours, theirs, message);
      assert.ok(nacl.sign.detached.verify(Buffer.from(message, "utf8"), Buffer.from(ours, "base64"), pair.publicKey));
      assert.ok(isControllerSignatureValid(key.publicKey, message, theirs));
      assert.ok(!isControllerSignatureValid(key.publicKey, `${message}x`, theirs));
    }
  });

  test("a public key that is not a curve point verifies nothing, and does not throw", () => {
    const notAPoint = "ed25519:" + Buffer.alloc(32, 0xff).toString("base64");
    const signature = signWithControllerKey(controllerKeyFromSecretKey(nacl.sign.keyPair().secretKey), "m");
    assert.equal(isControllerSignatureValid(notAPoint, "m", signature), false);
  });
});
