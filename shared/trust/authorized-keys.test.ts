import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import nacl from "tweetnacl";
import { TrustError } from "../errors.ts";
import {
  authorizeKey,
  authorizedKeyNames,
  describeKeyHolder,
  authorizedKeysPath,
  listAuthorizedKeys,
  loadAuthorizedKeys,
  lookupAuthorizedKey,
  revokeKey,
} from "./authorized-keys.ts";
import { controllerKeyFromSecretKey } from "./controller-key.ts";

const newKey = () => controllerKeyFromSecretKey(nacl.sign.keyPair().secretKey);

describe("authorized keys file", () => {
  let agentState: string;
  let file: string;
  beforeEach(() => {
    agentState = mkdtempSync(join(tmpdir(), "hostout-agent-"));
    file = authorizedKeysPath(agentState);
  });
  afterEach(() => rmSync(agentState, { recursive: true, force: true }));

  test("lives at <agentState>/keys/authorized_keys", () => {
    assert.equal(file, join(agentState, "keys", "authorized_keys"));
  });

  test("a missing file authorizes nobody", () => {
    assert.equal(loadAuthorizedKeys(file).size, 0);
  });

  test("authorize adds a line with its comment, owner-only, and is idempotent; a new name renames the key", () => {
    const alice = newKey();
    assert.deepEqual(authorizeKey(file, alice.publicKey, "alice laptop"), { keyId: alice.keyId, added: true });
    assert.deepEqual(authorizeKey(file, ` ${alice.publicKey}\n`, "alice laptop"), { keyId: alice.keyId, added: false });
    assert.deepEqual(authorizeKey(file, alice.publicKey), { keyId: alice.keyId, added: false }, "no name given: the name stays");
    assert.equal(readFileSync(file, "utf8"), `${alice.publicKey} alice laptop\n`);
    assert.deepEqual(authorizeKey(file, alice.publicKey, "alice@laptop"), { keyId: alice.keyId, added: false, renamed: true });
    assert.equal(readFileSync(file, "utf8"), `${alice.publicKey} alice@laptop\n`);
    assert.deepEqual(authorizedKeyNames(file), new Map([[alice.keyId, "alice@laptop"]]));
    assert.equal(describeKeyHolder(alice.keyId, "alice@laptop"), `alice@laptop (${alice.keyId})`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(dirname(file)).mode & 0o777, 0o700);
    assert.deepEqual(loadAuthorizedKeys(file), new Map([[alice.keyId, alice.publicKey]]));
  });

  test("comments with newlines cannot inject a key line", () => {
    const alice = newKey();
    const mallory = newKey();
    authorizeKey(file, alice.publicKey, `x\n${mallory.publicKey}`);
    assert.deepEqual([...loadAuthorizedKeys(file).keys()], [alice.keyId]);
  });

  test("revoke by key id or public key removes the key and keeps other lines", () => {
    const alice = newKey();
    const bob = newKey();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `# controllers\n${alice.publicKey} alice\n\n${bob.publicKey} bob\n`, { mode: 0o600 });

    assert.deepEqual(revokeKey(file, alice.keyId), { keyId: alice.keyId, removed: true });
    assert.equal(readFileSync(file, "utf8"), `# controllers\n\n${bob.publicKey} bob\n`);
    assert.deepEqual(revokeKey(file, bob.publicKey), { keyId: bob.keyId, removed: true });
    assert.deepEqual(revokeKey(file, bob.keyId), { keyId: bob.keyId, removed: false });
    assert.deepEqual(listAuthorizedKeys(file), []);
  });

  test("a malformed line is reported with file and line number", () => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `# ok\nssh-rsa AAAA someone\n`, { mode: 0o600 });
    assert.throws(
      () => loadAuthorizedKeys(file),
      (error: unknown) => {
        assert.ok(error instanceof TrustError);
        assert.equal(error.where, `${file}:2`);
        assert.match(error.message, /not an Ed25519 public key/);
        return true;
      },
    );
  });

  test("a file that others can write is refused", () => {
    authorizeKey(file, newKey().publicKey);
    chmodSync(file, 0o666);
    assert.throws(() => loadAuthorizedKeys(file), /writable by group or others/);
  });

  test("lookupAuthorizedKey names an unknown key and how to authorize it", () => {
    assert.throws(
      () => lookupAuthorizedKey(new Map(), "0123456789abcdef", "/hostout.Agent/Deploy"),
      (error: unknown) => {
        assert.ok(error instanceof TrustError);
        assert.equal(error.message, "controller key 0123456789abcdef is not authorized on this agent");
        assert.match(error.hint ?? "", /hostout-agent authorize --path /);
        return true;
      },
    );
  });
});
