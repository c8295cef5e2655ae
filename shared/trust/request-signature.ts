/**
 * Every RPC carries the controller's signature over (method, time, nonce, request digest),
 * in gRPC metadata. The agent accepts a request only from an authorized key, with a valid
 * signature, inside the clock window, and with a nonce it has not seen before.
 */
import { createHash, randomBytes } from "node:crypto";
import { Metadata } from "@grpc/grpc-js";
import { TrustError } from "../errors.ts";
import { lookupAuthorizedKey, type AuthorizedKeys } from "./authorized-keys.ts";
import { isControllerSignatureValid, signWithControllerKey, type ControllerKey } from "./controller-key.ts";
import type { NonceStore } from "./nonce-store.ts";

export interface RequestSignature {
  keyId: string;
  /** ms since the epoch, by the controller's clock */
  timestamp: number;
  /** 16 random bytes, lowercase hex */
  nonce: string;
  /** base64 detached Ed25519 signature of requestSigningPayload(...) */
  signature: string;
}

/**
 * A request signed by the controller for one agent and carried there by another (the blob
 * relay): the serialized request the signature covers, sent byte for byte.
 */
export interface PresignedCall extends RequestSignature {
  request: Buffer;
}

export interface RequestVerificationOptions {
  authorizedKeys: AuthorizedKeys;
  /** also fixes the clock window (nonceStore.windowMs), so the two can never disagree */
  nonceStore: NonceStore;
  now?: number;
}

export const REQUEST_METADATA_KEYS = {
  keyId: "x-hostout-key",
  timestamp: "x-hostout-ts",
  nonce: "x-hostout-nonce",
  signature: "x-hostout-sig",
} as const;

// Domain separation: the same key signs manifests, so a request signature must never be
// mistakable for a manifest signature or the other way round.
const PAYLOAD_CONTEXT = "hostout-rpc-v1";
const DIGEST_PATTERN = /^[0-9a-f]{64}$/;
const NONCE_PATTERN = /^[0-9a-f]{32}$/;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;
const TIMESTAMP_PATTERN = /^\d{1,15}$/;

/** sha256 hex of the bytes the signature covers: the serialized request (unary) or opening message (stream). */
export function requestDigest(requestBytes: Uint8Array): string {
  return createHash("sha256").update(requestBytes).digest("hex");
}

/** The exact text that is signed; one line per field, after a context line. */
export function requestSigningPayload(method: string, timestamp: number, nonce: string, requestDigestHex: string): string {
  return [PAYLOAD_CONTEXT, method, String(timestamp), nonce, requestDigestHex].join("\n");
}

export function signRequest(key: ControllerKey, method: string, requestDigestHex: string, now = Date.now()): RequestSignature {
  const nonce = randomBytes(16).toString("hex");
  assertSignableShape(method, now, nonce, requestDigestHex);
  const signature = signWithControllerKey(key, requestSigningPayload(method, now, nonce, requestDigestHex));
  return { keyId: key.keyId, timestamp: now, nonce, signature };
}

/**
 * Checks, in this order: the key is authorized, the signature is valid, the timestamp is
 * inside the window, the nonce is new (and records it). Throws a TrustError naming which.
 */
export function verifyRequest(
  signed: RequestSignature,
  method: string,
  requestDigestHex: string,
  options: RequestVerificationOptions,
): { keyId: string } {
  const { authorizedKeys, nonceStore, now = Date.now() } = options;
  assertSignableShape(method, signed.timestamp, signed.nonce, requestDigestHex);
  const publicKey = lookupAuthorizedKey(authorizedKeys, signed.keyId, method);

  const payload = requestSigningPayload(method, signed.timestamp, signed.nonce, requestDigestHex);
  if (!isControllerSignatureValid(publicKey, payload, signed.signature)) {
    throw new TrustError(`request signature by key ${signed.keyId} is not valid for this method and request`, {
      where: method,
      hint: "the request was altered on the way or signed for another call; retry, and if it persists check for a proxy rewriting requests",
    });
  }

  checkClockWindow(signed.timestamp, method, nonceStore.windowMs, now);

  if (!nonceStore.remember(signed.nonce, signed.timestamp, now)) {
    throw new TrustError(`request nonce ${signed.nonce} was already used: refusing a replayed request`, {
      where: method,
      hint: "every request needs a fresh signature; if you did not resend this request, someone replayed it",
    });
  }
  return { keyId: signed.keyId };
}

/**
 * What can be judged before the request's bytes arrive (the signature covers them): an
 * authorized key and a timestamp inside the window. The agent refuses a call that fails
 * this without reading its message, so a stranger cannot make it buffer anything.
 */
export function precheckRequest(signed: RequestSignature, method: string, options: RequestVerificationOptions): void {
  const { authorizedKeys, nonceStore, now = Date.now() } = options;
  lookupAuthorizedKey(authorizedKeys, signed.keyId, method);
  checkClockWindow(signed.timestamp, method, nonceStore.windowMs, now);
}

function checkClockWindow(timestamp: number, method: string, windowMs: number, now: number): void {
  const skew = now - timestamp;
  if (Math.abs(skew) > windowMs) {
    const direction = skew > 0 ? "old" : "in the future";
    throw new TrustError(
      `request timestamp is ${formatDuration(Math.abs(skew))} ${direction}; the agent accepts ${formatDuration(windowMs)} either way`,
      { where: method, hint: "check the clocks of the controller and the host (NTP, `timedatectl`), then retry" },
    );
  }
}

/** Puts the signature into gRPC metadata (a new Metadata unless one is given). */
export function putRequestSignature(signed: RequestSignature, metadata: Metadata = new Metadata()): Metadata {
  metadata.set(REQUEST_METADATA_KEYS.keyId, signed.keyId);
  metadata.set(REQUEST_METADATA_KEYS.timestamp, String(signed.timestamp));
  metadata.set(REQUEST_METADATA_KEYS.nonce, signed.nonce);
  metadata.set(REQUEST_METADATA_KEYS.signature, signed.signature);
  return metadata;
}

/** Reads and shape-checks the signature fields from gRPC metadata; missing or malformed fields are TrustErrors. */
export function readRequestSignature(metadata: Metadata): RequestSignature {
  const keyId = readField(metadata, REQUEST_METADATA_KEYS.keyId, KEY_ID_PATTERN);
  const timestamp = Number(readField(metadata, REQUEST_METADATA_KEYS.timestamp, TIMESTAMP_PATTERN));
  const nonce = readField(metadata, REQUEST_METADATA_KEYS.nonce, NONCE_PATTERN);
  const signature = readField(metadata, REQUEST_METADATA_KEYS.signature, /^[A-Za-z0-9+/]{86}==$/);
  return { keyId, timestamp, nonce, signature };
}

// Fixed shapes keep the newline-joined payload unambiguous.
function assertSignableShape(method: string, timestamp: number, nonce: string, requestDigestHex: string): void {
  if (!DIGEST_PATTERN.test(requestDigestHex)) {
    throw new TrustError(`request digest must be 64 lowercase hex digits (sha256), got "${requestDigestHex}"`, { where: method });
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TrustError(`request timestamp must be whole milliseconds since the epoch, got ${timestamp}`, { where: method });
  }
  if (!NONCE_PATTERN.test(nonce)) throw new TrustError(`request nonce must be 32 lowercase hex digits`, { where: method });
  if (method.includes("\n")) throw new TrustError(`RPC method name contains a newline`, { where: method });
}

function readField(metadata: Metadata, name: string, pattern: RegExp): string {
  const values = metadata.get(name);
  const hint = "requests must be signed by a hostout controller; check that ctl and hostout-agent versions match";
  if (values.length === 0) throw new TrustError(`request is not signed: metadata "${name}" is missing`, { hint });
  const [value] = values;
  if (values.length > 1 || typeof value !== "string" || !pattern.test(value)) {
    throw new TrustError(`request signature metadata "${name}" is malformed`, { hint });
  }
  return value;
}

function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes === 0) return `${seconds}s`;
  return seconds === 0 ? `${minutes}m` : `${minutes}m ${seconds}s`;
}
