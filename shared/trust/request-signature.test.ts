import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Metadata } from "@grpc/grpc-js";
import nacl from "tweetnacl";
import { TrustError } from "../errors.ts";
import { controllerKeyFromSecretKey } from "./controller-key.ts";
import { NonceStore } from "./nonce-store.ts";
import {
  putRequestSignature,
  readRequestSignature,
  requestDigest,
  signRequest,
  verifyRequest,
  type RequestSignature,
} from "./request-signature.ts";

const DEPLOY = "/hostout.Agent/Deploy";
const NOW = Date.parse("2025-03-01T12:00:00Z");
const controller = controllerKeyFromSecretKey(nacl.sign.keyPair().secretKey);
const authorizedKeys = new Map([[controller.keyId, controller.publicKey]]);
const digest = requestDigest(Buffer.from("deploy request bytes"));

function verify(signed: RequestSignature, options: { method?: string; digest?: string; now?: number; nonceStore?: NonceStore } = {}) {
  return verifyRequest(signed, options.method ?? DEPLOY, options.digest ?? digest, {
    authorizedKeys,
    nonceStore: options.nonceStore ?? NonceStore.inMemory(),
    now: options.now ?? NOW,
  });
}

function assertTrustError(pattern: RegExp, hint?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof TrustError, `expected a TrustError, got ${String(error)}`);
    assert.match(error.message, pattern);
    if (hint) assert.match(error.hint ?? "", hint);
    return true;
  };
}

describe("signRequest / verifyRequest", () => {
  test("a fresh, untampered request from an authorized key verifies", () => {
    const signed = signRequest(controller, DEPLOY, digest, NOW);
    assert.match(signed.nonce, /^[0-9a-f]{32}$/);
    assert.deepEqual(verify(signed), { keyId: controller.keyId });
  });

  test("every request gets a new nonce", () => {
    assert.notEqual(signRequest(controller, DEPLOY, digest, NOW).nonce, signRequest(controller, DEPLOY, digest, NOW).nonce);
  });

  test("a signature for another method is refused", () => {
    const signed = signRequest(controller, DEPLOY, digest, NOW);
    assert.throws(() => verify(signed, { method: "/hostout.Agent/Rollback" }), assertTrustError(/signature by key \w+ is not valid/));
  });

  test("a signature for another request body is refused", () => {
    const signed = signRequest(controller, DEPLOY, digest, NOW);
    assert.throws(() => verify(signed, { digest: requestDigest(Buffer.from("other")) }), assertTrustError(/is not valid/));
  });

  test("a changed timestamp or nonce breaks the signature", () => {
    const signed = signRequest(controller, DEPLOY, digest, NOW);
    assert.throws(() => verify({ ...signed, timestamp: signed.timestamp + 1 }), assertTrustError(/is not valid/));
    assert.throws(() => verify({ ...signed, nonce: "0".repeat(32) }), assertTrustError(/is not valid/));
  });

  test("a signature by an unknown key is refused, naming the key and how to authorize it", () => {
    const stranger = controllerKeyFromSecretKey(nacl.sign.keyPair().secretKey);
    const signed = signRequest(stranger, DEPLOY, digest, NOW);
    assert.throws(() => verify(signed), (error: unknown) => {
      assert.ok(error instanceof TrustError);
      assert.equal(error.message, `controller key ${stranger.keyId} is not authorized on this agent`);
      assert.equal(error.where, DEPLOY);
      assert.match(error.hint ?? "", /hostout-agent authorize --path /);
      return true;
    });
  });

  test("a key claiming another's key id is refused by the signature check", () => {
    const stranger = controllerKeyFromSecretKey(nacl.sign.keyPair().secretKey);
    const signed = { ...signRequest(stranger, DEPLOY, digest, NOW), keyId: controller.keyId };
    assert.throws(() => verify(signed), assertTrustError(/is not valid/));
  });

  test("an expired timestamp is refused, saying by how much, with a clock hint", () => {
    const signed = signRequest(controller, DEPLOY, digest, NOW);
    const sevenMinutesLater = NOW + 7 * 60_000 + 3_000;
    assert.throws(
      () => verify(signed, { now: sevenMinutesLater }),
      assertTrustError(/request timestamp is 7m 3s old; the agent accepts 5m either way/, /check the clocks/),
    );
  });

  test("a timestamp from the future beyond the window is refused", () => {
    const signed = signRequest(controller, DEPLOY, digest, NOW + 6 * 60_000);
    assert.throws(() => verify(signed), assertTrustError(/request timestamp is 6m in the future/));
  });

  test("a timestamp just inside the window is accepted", () => {
    const signed = signRequest(controller, DEPLOY, digest, NOW - 5 * 60_000);
    assert.deepEqual(verify(signed), { keyId: controller.keyId });
  });

  test("a replayed nonce is refused", () => {
    const nonceStore = NonceStore.inMemory();
    const signed = signRequest(controller, DEPLOY, digest, NOW);
    verify(signed, { nonceStore });
    assert.throws(() => verify(signed, { nonceStore, now: NOW + 1000 }), assertTrustError(/nonce [0-9a-f]{32} was already used/));
  });

  test("a replay is refused after the agent restarts with a persisted nonce store", () => {
    const dir = mkdtempSync(join(tmpdir(), "hostout-nonce-"));
    try {
      const file = join(dir, "nonces");
      const signed = signRequest(controller, DEPLOY, digest, NOW);
      const beforeRestart = NonceStore.persistent(file, undefined, NOW);
      verify(signed, { nonceStore: beforeRestart });
      beforeRestart.close();

      const afterRestart = NonceStore.persistent(file, undefined, NOW + 60_000);
      assert.throws(() => verify(signed, { nonceStore: afterRestart, now: NOW + 60_000 }), assertTrustError(/already used/));
      afterRestart.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a refused request does not use up its nonce", () => {
    const nonceStore = NonceStore.inMemory();
    const signed = signRequest(controller, DEPLOY, digest, NOW);
    assert.throws(() => verify(signed, { nonceStore, method: "/hostout.Agent/Rollback" }));
    assert.equal(nonceStore.size, 0);
  });

  test("refuses to sign something that is not a sha256 hex digest", () => {
    assert.throws(() => signRequest(controller, DEPLOY, "abc", NOW), assertTrustError(/64 lowercase hex digits/));
  });
});

describe("request signature metadata", () => {
  test("round-trips through gRPC metadata under x-hostout-* keys", () => {
    const signed = signRequest(controller, DEPLOY, digest, NOW);
    const metadata = putRequestSignature(signed);
    assert.deepEqual(metadata.get("x-hostout-key"), [controller.keyId]);
    assert.deepEqual(metadata.get("x-hostout-ts"), [String(NOW)]);
    assert.deepEqual(readRequestSignature(metadata), signed);
  });

  test("an unsigned request is refused, naming the missing field", () => {
    assert.throws(() => readRequestSignature(new Metadata()), assertTrustError(/not signed: metadata "x-hostout-key" is missing/));
  });

  test("malformed or duplicated fields are refused", () => {
    const metadata = putRequestSignature(signRequest(controller, DEPLOY, digest, NOW));
    metadata.set("x-hostout-ts", "soon");
    assert.throws(() => readRequestSignature(metadata), assertTrustError(/"x-hostout-ts" is malformed/));

    const duplicated = putRequestSignature(signRequest(controller, DEPLOY, digest, NOW));
    duplicated.add("x-hostout-nonce", "0".repeat(32));
    assert.throws(() => readRequestSignature(duplicated), assertTrustError(/"x-hostout-nonce" is malformed/));
  });
});
