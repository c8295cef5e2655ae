/**
 * The agent's list of controller keys it obeys: `<agentState>/keys/authorized_keys`,
 * one "ed25519:<base64> comment" per line, "#" starts a comment line.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { TrustError } from "../errors.ts";
import { keyIdOf, parsePublicKey } from "./controller-key.ts";
import { makePrivateDirectory, readOwnerWritableFile } from "./private-file.ts";
import { writeFileAtomic } from "../fs/atomic-write.ts";

/** keyId → public key ("ed25519:<base64>"), as verifiers consume it. */
export type AuthorizedKeys = ReadonlyMap<string, string>;

export interface AuthorizedKey {
  keyId: string;
  publicKey: string;
  comment: string;
}

/** One line of the file; lines without a key (blank, "#") are kept verbatim on rewrite. */
export interface AuthorizedKeysLine {
  text: string;
  key?: AuthorizedKey;
}

const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

/** `<agentStateDir>/keys/authorized_keys`, where agentStateDir is e.g. /srv/acme/agent. */
export function authorizedKeysPath(agentStateDir: string): string {
  return join(agentStateDir, "keys", "authorized_keys");
}

/** The keys in `file`, in file order; a missing file means no key is authorized. */
export function listAuthorizedKeys(file: string): AuthorizedKey[] {
  return readAuthorizedKeysLines(file).flatMap((line) => (line.key ? [line.key] : []));
}

/** The keys in `file` as a keyId → public key map for request and manifest verification. */
export function loadAuthorizedKeys(file: string): AuthorizedKeys {
  return new Map(listAuthorizedKeys(file).map((key) => [key.keyId, key.publicKey]));
}

/** The comment `hostout-agent init --authorize KEY` wrote before keys had names: not a name. */
const UNNAMED_COMMENT = "authorized by hostout-agent init";

/** keyId → the name the key was authorized with (its comment, e.g. ana@laptop); keys without one are absent. */
export function authorizedKeyNames(file: string): ReadonlyMap<string, string> {
  return new Map(listAuthorizedKeys(file).flatMap((key) => (key.comment && key.comment !== UNNAMED_COMMENT ? [[key.keyId, key.comment] as const] : [])));
}

/** "ana@laptop (9a6d593480b6b9ec)", or the key id alone when the key has no name: who holds a lock, who deployed. */
export function describeKeyHolder(keyId: string, name: string | undefined): string {
  return name ? `${name} (${keyId})` : keyId;
}

/** "ed25519:<base64> ana@laptop" (one argument, as `ctl keys show --authorize-line` prints it): the key and its name. */
export function splitKeyAndName(text: string): { publicKey: string; name: string } {
  const [publicKey = "", ...name] = text.trim().split(/\s+/);
  return { publicKey, name: name.join(" ") };
}

/**
 * Adds `publicKey` unless it is already there. A key already there given another comment
 * (its name) is renamed (`renamed`); else the file is not touched.
 */
export function authorizeKey(file: string, publicKey: string, comment = ""): { keyId: string; added: boolean; renamed?: boolean } {
  const normalized = parsePublicKey(publicKey);
  const keyId = keyIdOf(normalized);
  const lines = readAuthorizedKeysLines(file);
  const cleanComment = comment.replace(/\s+/g, " ").trim();
  const line = (text: string) => ({ text: cleanComment ? `${text} ${cleanComment}` : text });
  const existing = lines.findIndex((l) => l.key?.keyId === keyId);
  if (existing >= 0) {
    if (!cleanComment || lines[existing]!.key!.comment === cleanComment) return { keyId, added: false };
    lines[existing] = line(normalized);
    writeAuthorizedKeysLines(file, lines);
    return { keyId, added: false, renamed: true };
  }
  lines.push(line(normalized));
  writeAuthorizedKeysLines(file, lines);
  return { keyId, added: true };
}

/** Removes every line for the key given by key id or public key; absent keys are not an error. */
export function revokeKey(file: string, keyIdOrPublicKey: string): { keyId: string; removed: boolean } {
  const keyId = resolveKeyId(keyIdOrPublicKey);
  const lines = readAuthorizedKeysLines(file);
  const kept = lines.filter((line) => line.key?.keyId !== keyId);
  if (kept.length === lines.length) return { keyId, removed: false };
  writeAuthorizedKeysLines(file, kept);
  return { keyId, removed: true };
}

/**
 * The public key for `keyId`, or a TrustError telling the operator how to authorize it.
 * `where` names what was being verified (an RPC method, a manifest).
 */
export function lookupAuthorizedKey(authorizedKeys: AuthorizedKeys, keyId: string, where: string): string {
  const publicKey = authorizedKeys.get(keyId);
  if (publicKey !== undefined) return publicKey;
  throw new TrustError(`controller key ${keyId} is not authorized on this agent`, {
    where,
    hint: `if key ${keyId} is yours: \`ctl keys show\` prints its public key; authorize it on the host with \`hostout-agent authorize --path <the target's path> <public key>\``,
  });
}

/** Parses the file's text; malformed key lines are errors naming file:line. */
export function parseAuthorizedKeys(text: string, file: string): AuthorizedKeysLine[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return { text: raw };
    const [token = "", ...rest] = trimmed.split(/\s+/);
    const publicKey = parsePublicKey(token, `${file}:${index + 1}`);
    return { text: raw, key: { keyId: keyIdOf(publicKey), publicKey, comment: rest.join(" ") } };
  });
}

function readAuthorizedKeysLines(file: string): AuthorizedKeysLine[] {
  if (!existsSync(file)) return [];
  return parseAuthorizedKeys(readOwnerWritableFile(file, "authorized keys file").toString("utf8"), file);
}

function writeAuthorizedKeysLines(file: string, lines: AuthorizedKeysLine[]): void {
  makePrivateDirectory(dirname(file));
  const text = lines.map((line) => line.text + "\n").join("");
  writeFileAtomic(file, text, { mode: 0o600 });
}

function resolveKeyId(keyIdOrPublicKey: string): string {
  const token = keyIdOrPublicKey.trim();
  if (KEY_ID_PATTERN.test(token)) return token;
  return keyIdOf(parsePublicKey(token));
}
