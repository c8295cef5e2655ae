import assert from "node:assert/strict";
import { describe, test } from "node:test";
import nacl from "tweetnacl";
import { TrustError } from "../errors.ts";
import { controllerKeyFromSecretKey } from "./controller-key.ts";
import { canonicalJson, signManifest, verifyManifest } from "./manifest-signature.ts";
import { signRequest } from "./request-signature.ts";

const controller = controllerKeyFromSecretKey(nacl.sign.keyPair().secretKey);
const authorizedKeys = new Map([[controller.keyId, controller.publicKey]]);
const manifest = {
  target: "prod",
  tag: "20250301T120000Z-ab12cd",
  version: 7,
  archive: { sha256: "a".repeat(64), size: 1234 },
  eggs: [{ name: "acme.site", version: "1.0.3", sha256: "b".repeat(64), size: 99, filename: "acme.site-1.0.3.egg" }],
  pins: { "acme.site": "1.0.3", Zope: "5.9" },
};

describe("canonicalJson", () => {
  test("sorts keys at every level and leaves out whitespace", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [true, null], c: "x" } }), '{"a":{"c":"x","d":[true,null]},"b":1}');
  });

  test("does not depend on the order keys were inserted in", () => {
    const reordered = { pins: manifest.pins, eggs: manifest.eggs, archive: manifest.archive, version: 7, tag: manifest.tag, target: "prod" };
    assert.equal(canonicalJson(reordered), canonicalJson(manifest));
  });

  test("drops object members that are undefined, as JSON does", () => {
    assert.equal(canonicalJson({ a: 1, b: undefined }), '{"a":1}');
  });

  test("refuses values JSON cannot carry faithfully, naming where", () => {
    assert.throws(() => canonicalJson({ size: Number.NaN }), /the number NaN into canonical JSON at \$\.size/);
    assert.throws(() => canonicalJson({ created: new Date(0) }), /a Date object into canonical JSON at \$\.created/);
    assert.throws(() => canonicalJson({ eggs: [undefined] }), /undefined into canonical JSON at \$\.eggs\[0\]/);
    assert.throws(() => canonicalJson({ n: 1n }), /a bigint/);
  });
});

describe("signManifest / verifyManifest", () => {
  test("a signed manifest verifies, also after a JSON round trip", () => {
    const signature = signManifest(controller, manifest);
    assert.equal(signature.keyId, controller.keyId);
    assert.deepEqual(verifyManifest(JSON.parse(JSON.stringify(manifest)), signature, authorizedKeys), { keyId: controller.keyId });
  });

  test("any change to the manifest is detected", () => {
    const signature = signManifest(controller, manifest);
    const tampered = structuredClone(manifest);
    tampered.pins.Zope = "5.8";
    assert.throws(
      () => verifyManifest(tampered, signature, authorizedKeys),
      (error: unknown) => {
        assert.ok(error instanceof TrustError);
        assert.match(error.message, /does not match its signature .* altered after signing/);
        assert.equal(error.where, "manifest prod/20250301T120000Z-ab12cd");
        return true;
      },
    );
  });

  test("a manifest signed by an unauthorized key is refused", () => {
    const stranger = controllerKeyFromSecretKey(nacl.sign.keyPair().secretKey);
    assert.throws(() => verifyManifest(manifest, signManifest(stranger, manifest), authorizedKeys), /is not authorized on this agent/);
  });

  test("a request signature cannot pass for a manifest signature", () => {
    const requestSignature = signRequest(controller, "/hostout.Agent/Deploy", "c".repeat(64));
    assert.throws(() => verifyManifest(manifest, requestSignature, authorizedKeys), /altered after signing/);
  });
});
