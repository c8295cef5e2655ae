/**
 * How an agent is identified: the SHA-256 of its TLS certificate, written
 * "sha256:<hex>". Apart from tls-identity.ts so the controller can read and
 * compare pins without loading the TLS and gRPC machinery.
 */
import { X509Certificate } from "node:crypto";
import { TrustError } from "../errors.ts";

/** "sha256:" + lowercase hex of the SHA-256 of the certificate's DER encoding. */
export function certificateFingerprint(certPem: string): string {
  return normalizeFingerprint(new X509Certificate(certPem).fingerprint256);
}

/**
 * Accepts "sha256:ab12…", "AB:12:…" (openssl / node style) or bare hex, and returns
 * "sha256:<64 lowercase hex>".
 */
export function normalizeFingerprint(text: string): string {
  const hex = text.trim().replace(/^sha256:/i, "").replace(/:/g, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new TrustError(`not a SHA-256 certificate fingerprint: "${text}"`, {
      hint: 'a fingerprint looks like "sha256:" followed by 64 hex digits, as printed when the agent was installed',
    });
  }
  return `sha256:${hex}`;
}
