/**
 * The agent's TLS identity: a self-signed certificate made on the host, whose SHA-256
 * fingerprint the controller pins (it travels back over the bootstrap SSH session).
 * No CA and no hostname checks are involved: the pinned fingerprint is the identity.
 */
import { X509Certificate, createHash, createPrivateKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import type { PeerCertificate } from "node:tls";
import { credentials, type ChannelCredentials } from "@grpc/grpc-js";
import { TrustError } from "../errors.ts";
import { certificateFingerprint, normalizeFingerprint } from "./fingerprint.ts";
import { makePrivateDirectory, readOwnerOnlyFile } from "./private-file.ts";
import { writeFileAtomic } from "../fs/atomic-write.ts";

export interface TlsIdentity {
  certPem: string;
  keyPem: string;
  /** "sha256:<64 lowercase hex>" of the certificate's DER bytes */
  fingerprint: string;
}

const CERT_FILE = "agent.crt";
const KEY_FILE = "agent.key";
const VALIDITY_YEARS = 10;
// Issued a day in the past so that a controller whose clock lags still accepts it.
const BACKDATE_MS = 24 * 60 * 60 * 1000;

/**
 * Returns the identity in `dir` (agent.crt, agent.key), creating it first when absent:
 * ECDSA P-256, self-signed, valid 10 years, with SANs for `hostnames`, 127.0.0.1 and
 * localhost. An existing identity is kept as it is, since the controller pins it.
 */
export async function createTlsIdentity(dir: string, hostnames: string[]): Promise<TlsIdentity & { created: boolean }> {
  const existing = loadTlsIdentity(dir);
  if (existing) return { ...existing, created: false };

  makePrivateDirectory(dir);
  const names = [...new Set([...hostnames, "127.0.0.1", "localhost"])];
  const notBeforeDate = new Date(Date.now() - BACKDATE_MS);
  const notAfterDate = new Date(notBeforeDate);
  notAfterDate.setUTCFullYear(notAfterDate.getUTCFullYear() + VALIDITY_YEARS);
  // only init creates an identity: the certificate library loads then, not in every agent and ctl start
  const { generate } = await import("selfsigned");
  const generated = await generate([{ name: "commonName", value: names[0] ?? "hostout-agent" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: names.map((name) => (isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name })),
      },
    ],
  });

  // Key first, certificate last: the certificate's presence marks a complete identity.
  writeFileAtomic(join(dir, KEY_FILE), generated.private, { mode: 0o600 });
  writeFileAtomic(join(dir, CERT_FILE), generated.cert, { mode: 0o644 });
  return { certPem: generated.cert, keyPem: generated.private, fingerprint: certificateFingerprint(generated.cert), created: true };
}

/** The identity in `dir`, or undefined when there is no certificate yet. */
export function loadTlsIdentity(dir: string): TlsIdentity | undefined {
  const certFile = join(dir, CERT_FILE);
  const keyFile = join(dir, KEY_FILE);
  if (!existsSync(certFile)) return undefined;
  const hint = `move ${dir} away and restart the agent to create a new identity, then re-pin its fingerprint on the controller`;
  if (!existsSync(keyFile)) {
    throw new TrustError("agent TLS certificate has no private key beside it", { where: keyFile, hint });
  }
  const certPem = readFileSync(certFile, "utf8");
  const keyPem = readOwnerOnlyFile(keyFile, "agent TLS private key").toString("utf8");
  if (!new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))) {
    throw new TrustError("agent TLS private key does not belong to the certificate", { where: certFile, hint });
  }
  return { certPem, keyPem, fingerprint: certificateFingerprint(certPem) };
}

/**
 * Channel options to use with pinnedChannelCredentials: the pin, not the name, identifies
 * the agent, and a fixed TLS server name spares Node's warning about IP addresses in SNI.
 */
export const PINNED_TLS_CHANNEL_OPTIONS = { "grpc.ssl_target_name_override": "hostout-agent" } as const;

/**
 * A grpc-js `checkServerIdentity` that accepts exactly the certificate with the pinned
 * fingerprint, whatever the hostname. Node calls it only after the chain has verified
 * (and with rejectUnauthorized: false, not at all), so on its own it cannot admit a
 * self-signed certificate: the pinned certificate must also be the trust root, as
 * pinnedChannelCredentials arranges.
 */
export function pinnedServerCheck(expectedFingerprint: string): (host: string, cert: PeerCertificate) => Error | undefined {
  const expected = normalizeFingerprint(expectedFingerprint);
  return (host, cert) => {
    const actual = cert.raw ? `sha256:${createHash("sha256").update(cert.raw).digest("hex")}` : "no certificate";
    if (actual === expected) return undefined;
    return new TrustError(`agent TLS fingerprint mismatch: expected ${expected}, got ${actual}`, {
      where: host,
      hint: "this is not the agent that was installed, or its identity was re-created; if you re-created it, re-pin the fingerprint printed on the host",
    });
  };
}

/**
 * Channel credentials that trust only the agent's own self-signed certificate, checked
 * against the pinned fingerprint before use and again on every connection.
 */
export function pinnedChannelCredentials(certPem: string, expectedFingerprint: string): ChannelCredentials {
  const expected = normalizeFingerprint(expectedFingerprint);
  const actual = certificateFingerprint(certPem);
  if (actual !== expected) {
    throw new TrustError(`stored agent certificate does not match the pinned fingerprint: expected ${expected}, got ${actual}`, {
      hint: "re-pin the agent: copy its certificate and fingerprint again from the host",
    });
  }
  return credentials.createSsl(Buffer.from(certPem), null, null, { checkServerIdentity: pinnedServerCheck(expected) });
}
