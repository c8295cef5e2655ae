/**
 * The detached controller signature over a release manifest. The manifest is signed in
 * canonical JSON so that any agent, now or on a later rollback, re-derives the same bytes.
 */
import { TrustError } from "../errors.ts";
import { lookupAuthorizedKey, type AuthorizedKeys } from "./authorized-keys.ts";
import { isControllerSignatureValid, signWithControllerKey, type ControllerKey } from "./controller-key.ts";

export interface ManifestSignature {
  keyId: string;
  /** base64 detached Ed25519 signature */
  signature: string;
}

// Domain separation from request signatures made with the same key.
const PAYLOAD_CONTEXT = "hostout-manifest-v1\n";

/**
 * JSON with object keys sorted (by UTF-16 code units), no whitespace, and object members
 * whose value is undefined left out, as JSON.stringify does. Values JSON cannot represent
 * faithfully (NaN, Infinity, bigint, functions, Dates, class instances, undefined in
 * arrays) are refused rather than silently changed.
 */
export function canonicalJson(value: unknown): string {
  return canonicalize(value, "$");
}

export function signManifest(key: ControllerKey, manifest: unknown): ManifestSignature {
  return { keyId: key.keyId, signature: signWithControllerKey(key, PAYLOAD_CONTEXT + canonicalJson(manifest)) };
}

/** Throws a TrustError unless `signature` is an authorized key's signature of exactly this manifest. */
export function verifyManifest(manifest: unknown, signature: ManifestSignature, authorizedKeys: AuthorizedKeys): { keyId: string } {
  const where = manifestLabel(manifest);
  const publicKey = lookupAuthorizedKey(authorizedKeys, signature.keyId, where);
  if (!isControllerSignatureValid(publicKey, PAYLOAD_CONTEXT + canonicalJson(manifest), signature.signature)) {
    throw new TrustError(`release manifest does not match its signature by key ${signature.keyId}: it was altered after signing`, {
      where,
      hint: "do not deploy or roll back to this release; deploy again from the controller to get a freshly signed manifest",
    });
  }
  return { keyId: signature.keyId };
}

function canonicalize(value: unknown, path: string): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw unsignable(path, `the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => {
      if (item === undefined) throw unsignable(`${path}[${index}]`, "undefined");
      return canonicalize(item, `${path}[${index}]`);
    }).join(",")}]`;
  }
  if (isPlainObject(value)) {
    const members = Object.keys(value)
      .sort()
      .filter((name) => value[name] !== undefined)
      .map((name) => `${JSON.stringify(name)}:${canonicalize(value[name], `${path}.${name}`)}`);
    return `{${members.join(",")}}`;
  }
  throw unsignable(path, typeof value === "object" ? `a ${value.constructor?.name ?? "non-plain"} object` : `a ${typeof value}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function unsignable(path: string, what: string): TrustError {
  return new TrustError(`cannot put ${what} into canonical JSON at ${path}`, {
    hint: "manifests may hold only strings, finite numbers, booleans, null, arrays and plain objects",
  });
}

function manifestLabel(manifest: unknown): string {
  if (isPlainObject(manifest) && typeof manifest.tag === "string") {
    return typeof manifest.target === "string" ? `manifest ${manifest.target}/${manifest.tag}` : `manifest ${manifest.tag}`;
  }
  return "release manifest";
}
