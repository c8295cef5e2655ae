import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PeerCertificate } from "node:tls";
import { after, before, describe, test } from "node:test";
import { TrustError } from "../errors.ts";
import { certificateFingerprint, normalizeFingerprint } from "./fingerprint.ts";
import { createTlsIdentity, loadTlsIdentity, pinnedServerCheck, type TlsIdentity } from "./tls-identity.ts";

describe("TLS identity", () => {
  let root: string;
  let dir: string;
  let identity: TlsIdentity & { created: boolean };
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "hostout-tls-"));
    dir = join(root, "agent", "tls");
    identity = await createTlsIdentity(dir, ["web1.example.com", "192.0.2.10"]);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test("is a self-signed ECDSA certificate valid for about ten years", () => {
    assert.equal(identity.created, true);
    const cert = new X509Certificate(identity.certPem);
    assert.equal(cert.issuer, cert.subject);
    assert.ok(cert.verify(cert.publicKey));
    assert.equal(cert.publicKey.asymmetricKeyType, "ec");
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 24 * 3600 * 1000);
    assert.ok(years > 9.9 && years < 10.1, `valid for ${years} years`);
  });

  test("names the given hosts, 127.0.0.1 and localhost", () => {
    const cert = new X509Certificate(identity.certPem);
    for (const name of ["DNS:web1.example.com", "IP Address:192.0.2.10", "IP Address:127.0.0.1", "DNS:localhost"]) {
      assert.ok(cert.subjectAltName?.includes(name), `${name} in ${cert.subjectAltName}`);
    }
  });

  test("writes agent.crt and an owner-only agent.key", () => {
    assert.equal(statSync(join(dir, "agent.key")).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(loadTlsIdentity(dir), { certPem: identity.certPem, keyPem: identity.keyPem, fingerprint: identity.fingerprint });
  });

  test("keeps an existing identity, so the pinned fingerprint stays valid", async () => {
    const again = await createTlsIdentity(dir, ["other.example.com"]);
    assert.equal(again.created, false);
    assert.equal(again.fingerprint, identity.fingerprint);
  });

  test("the fingerprint is sha256 over the DER certificate, in lowercase hex", () => {
    const expected = "sha256:" + new X509Certificate(identity.certPem).fingerprint256.replace(/:/g, "").toLowerCase();
    assert.equal(identity.fingerprint, expected);
    assert.equal(certificateFingerprint(identity.certPem), expected);
    assert.match(identity.fingerprint, /^sha256:[0-9a-f]{64}$/);
  });

  test("refuses a private key others can read", async () => {
    const other = join(root, "loose");
    await createTlsIdentity(other, []);
    chmodSync(join(other, "agent.key"), 0o644);
    assert.throws(() => loadTlsIdentity(other), /agent TLS private key is readable/);
  });

  test("refuses a certificate without its key", async () => {
    const other = join(root, "keyless");
    await createTlsIdentity(other, []);
    unlinkSync(join(other, "agent.key"));
    await assert.rejects(createTlsIdentity(other, []), /has no private key beside it/);
  });
});

describe("fingerprints and pinning", () => {
  const hex = "ab".repeat(32);

  test("normalizeFingerprint accepts the colon form, bare hex and sha256: prefix", () => {
    const colons = hex.toUpperCase().match(/../g)!.join(":");
    assert.equal(normalizeFingerprint(colons), `sha256:${hex}`);
    assert.equal(normalizeFingerprint(hex), `sha256:${hex}`);
    assert.equal(normalizeFingerprint(`SHA256:${hex.toUpperCase()}`), `sha256:${hex}`);
    assert.throws(() => normalizeFingerprint("sha256:abc"), /not a SHA-256 certificate fingerprint/);
  });

  test("pinnedServerCheck accepts exactly the pinned certificate, whatever the hostname", async () => {
    const root = mkdtempSync(join(tmpdir(), "hostout-pin-"));
    try {
      const pinned = await createTlsIdentity(join(root, "a"), []);
      const other = await createTlsIdentity(join(root, "b"), []);
      const peer = (pem: string) => ({ raw: new X509Certificate(pem).raw }) as PeerCertificate;
      const check = pinnedServerCheck(pinned.fingerprint);

      assert.equal(check("any.host.name", peer(pinned.certPem)), undefined);
      const refusal = check("agent", peer(other.certPem));
      assert.ok(refusal instanceof TrustError);
      assert.equal(refusal.message, `agent TLS fingerprint mismatch: expected ${pinned.fingerprint}, got ${other.fingerprint}`);
      assert.match(refusal.hint ?? "", /re-pin/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
