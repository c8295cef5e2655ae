/**
 * The controller's Ed25519 identity: created once per laptop/CI runner, kept owner-only in
 * the config dir, used to sign every RPC and every release manifest. Agents know it by
 * its public form "ed25519:<base64>" and its short key id.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { existsSync } from "node:fs";
import { homedir, hostname, userInfo } from "node:os";
import { isAbsolute, join } from "node:path";
import nacl from "tweetnacl";
import { TrustError } from "../errors.ts";
import { makePrivateDirectory, readOwnerOnlyFile } from "./private-file.ts";
import { writeFileAtomic } from "../fs/atomic-write.ts";

export interface ControllerKey {
  /** "ed25519:<base64 of the 32-byte public key>" */
  publicKey: string;
  /** tweetnacl's 64-byte secret key (seed + public key) */
  secretKey: Uint8Array;
  /** first 16 hex digits of sha256(public key bytes); names the key in requests and logs */
  keyId: string;
}

export interface LoadedControllerKey extends ControllerKey {
  /** true when this call generated the key (agents must then be told to authorize it) */
  created: boolean;
}

const PUBLIC_KEY_PREFIX = "ed25519:";
const KEY_FILE_NAME = "controller.key";
const KEY_FILE_TYPE = "hostout-controller-key";

/** $HOSTOUT_CONFIG_DIR, else $XDG_CONFIG_HOME/hostout, else ~/.config/hostout. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.HOSTOUT_CONFIG_DIR) return env.HOSTOUT_CONFIG_DIR;
  // The XDG spec says relative values are invalid and must be ignored.
  if (env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME)) return join(env.XDG_CONFIG_HOME, "hostout");
  return join(home, ".config", "hostout");
}

export function controllerKeyPath(configDir: string): string {
  return join(configDir, KEY_FILE_NAME);
}

/**
 * Loads `<configDir>/controller.key`, creating it (0600, in a 0700 dir, atomically) when
 * absent. Refuses a key file that group or others can read.
 */
export function loadOrCreateControllerKey(configDir: string): LoadedControllerKey {
  const file = controllerKeyPath(configDir);
  if (existsSync(file)) return { ...readControllerKeyFile(file), created: false };

  makePrivateDirectory(configDir);
  const key = controllerKeyFromSecretKey(nacl.sign.keyPair().secretKey);
  const created = writeFileAtomic(file, formatControllerKeyFile(key), { mode: 0o600, noClobber: true });
  // Another process may have created the file first; its key is the one to use.
  return created ? { ...key, created } : { ...readControllerKeyFile(file), created: false };
}

/** Builds the full key from tweetnacl's 64-byte secret key (which embeds the public key). */
export function controllerKeyFromSecretKey(secretKey: Uint8Array): ControllerKey {
  if (secretKey.length !== nacl.sign.secretKeyLength) {
    throw new TrustError(`an Ed25519 secret key has ${nacl.sign.secretKeyLength} bytes, got ${secretKey.length}`);
  }
  const publicBytes = nacl.sign.keyPair.fromSecretKey(secretKey).publicKey;
  const publicKey = formatPublicKey(publicBytes);
  return { publicKey, secretKey, keyId: keyIdOf(publicKey) };
}

/**
 * Validates the "ed25519:<base64 of 32 bytes>" form and returns it normalized
 * (surrounding whitespace removed).
 */
export function parsePublicKey(text: string, where?: string): string {
  const trimmed = text.trim();
  const hint = 'a controller public key looks like "ed25519:" followed by 44 base64 characters';
  if (!trimmed.startsWith(PUBLIC_KEY_PREFIX)) {
    throw new TrustError(`not an Ed25519 public key: "${abbreviate(trimmed)}"`, { where, hint });
  }
  const encoded = trimmed.slice(PUBLIC_KEY_PREFIX.length);
  const bytes = Buffer.from(encoded, "base64");
  // Buffer.from skips invalid characters silently, so insist on the exact round trip.
  if (bytes.length !== nacl.sign.publicKeyLength || bytes.toString("base64") !== encoded) {
    throw new TrustError(`malformed Ed25519 public key: "${abbreviate(trimmed)}"`, { where, hint });
  }
  return trimmed;
}

/** The 32 raw bytes of a public key in "ed25519:<base64>" form. */
export function publicKeyBytes(publicKey: string): Uint8Array {
  return new Uint8Array(Buffer.from(parsePublicKey(publicKey).slice(PUBLIC_KEY_PREFIX.length), "base64"));
}

/** First 16 hex digits of sha256 over the raw public key bytes. */
export function keyIdOf(publicKey: string): string {
  return createHash("sha256").update(publicKeyBytes(publicKey)).digest("hex").slice(0, 16);
}

/**
 * Signing and verifying go through node's crypto (OpenSSL): the same deterministic Ed25519
 * signatures as tweetnacl's, in microseconds instead of milliseconds of JavaScript, which
 * every signed call paid on both sides. The raw keys are wrapped in their DER envelopes.
 */
const PKCS8_ED25519_SEED_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const privateKeyObjects = new WeakMap<Uint8Array, KeyObject>();
const publicKeyObjects = new Map<string, KeyObject>();

function privateKeyObject(secretKey: Uint8Array): KeyObject {
  let keyObject = privateKeyObjects.get(secretKey);
  if (!keyObject) {
    // tweetnacl's secret key is the 32-byte seed followed by the public key
    keyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_SEED_PREFIX, secretKey.subarray(0, 32)]), format: "der", type: "pkcs8" });
    privateKeyObjects.set(secretKey, keyObject);
  }
  return keyObject;
}

function publicKeyObject(publicKey: string): KeyObject {
  let keyObject = publicKeyObjects.get(publicKey);
  if (!keyObject) {
    keyObject = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKeyBytes(publicKey)]), format: "der", type: "spki" });
    if (publicKeyObjects.size < 1000) publicKeyObjects.set(publicKey, keyObject);
  }
  return keyObject;
}

/** A detached Ed25519 signature (base64) over the UTF-8 bytes of `message`. */
export function signWithControllerKey(key: ControllerKey, message: string): string {
  return sign(null, Buffer.from(message, "utf8"), privateKeyObject(key.secretKey)).toString("base64");
}

/** True when `signature` (base64) is `publicKey`'s signature of `message`; false for any malformed input. */
export function isControllerSignatureValid(publicKey: string, message: string, signature: string): boolean {
  const signatureBytes = Buffer.from(signature, "base64");
  if (signatureBytes.length !== nacl.sign.signatureLength || signatureBytes.toString("base64") !== signature) {
    return false;
  }
  try {
    return verify(null, Buffer.from(message, "utf8"), publicKeyObject(publicKey), signatureBytes);
  } catch {
    return false; // a public key that is not a curve point
  }
}

function formatPublicKey(bytes: Uint8Array): string {
  return PUBLIC_KEY_PREFIX + Buffer.from(bytes).toString("base64");
}

function formatControllerKeyFile(key: ControllerKey): string {
  const content = {
    type: KEY_FILE_TYPE,
    keyId: key.keyId,
    publicKey: key.publicKey,
    secretKey: Buffer.from(key.secretKey).toString("base64"),
  };
  return JSON.stringify(content, null, 2) + "\n";
}

function readControllerKeyFile(file: string): ControllerKey {
  const text = readOwnerOnlyFile(file, "controller key file").toString("utf8");
  const unusable = (problem: string) =>
    new TrustError(`controller key file is unusable: ${problem}`, {
      where: file,
      hint: `restore it from a backup, or move it away to create a new key (every agent must then authorize the new key)`,
    });

  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    throw unusable("it is not valid JSON");
  }
  if (!isRecord(content) || content.type !== KEY_FILE_TYPE || typeof content.secretKey !== "string") {
    throw unusable(`expected a JSON object with "type": "${KEY_FILE_TYPE}" and a "secretKey"`);
  }
  const secretKey = new Uint8Array(Buffer.from(content.secretKey, "base64"));
  if (secretKey.length !== nacl.sign.secretKeyLength) throw unusable("the secret key has the wrong length");
  const key = controllerKeyFromSecretKey(secretKey);
  if (content.publicKey !== undefined && content.publicKey !== key.publicKey) {
    throw unusable("the public key does not belong to the secret key");
  }
  return key;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function abbreviate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The name this controller's key is authorized with on hosts, as people say who acted:
 * HOSTOUT_KEY_NAME, else USER@HOSTNAME of this machine (ssh-keygen's default comment).
 */
export function controllerKeyName(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOSTOUT_KEY_NAME?.trim()) return env.HOSTOUT_KEY_NAME.trim().replace(/\s+/g, '-');
  let user = env.USER ?? '';
  try {
    user ||= userInfo().username;
  } catch {
    user ||= 'someone';
  }
  return `${user}@${hostname()}`;
}
