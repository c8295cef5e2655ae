// End to end over a real grpc-js server on loopback: the client pins the agent's
// self-signed certificate, the server verifies the request signature from metadata.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import nacl from "tweetnacl";
import { TrustError } from "../errors.ts";
import { controllerKeyFromSecretKey, type ControllerKey } from "./controller-key.ts";
import { NonceStore } from "./nonce-store.ts";
import { putRequestSignature, readRequestSignature, requestDigest, signRequest, verifyRequest } from "./request-signature.ts";
import {
  PINNED_TLS_CHANNEL_OPTIONS,
  createTlsIdentity,
  pinnedChannelCredentials,
  pinnedServerCheck,
  type TlsIdentity,
} from "./tls-identity.ts";

const ECHO_METHOD = "/hostout.Test/Echo";
const identity = (bytes: Buffer) => bytes;
const echoService = {
  echo: {
    path: ECHO_METHOD,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
} satisfies grpc.ServiceDefinition;
const EchoClient = grpc.makeGenericClientConstructor(echoService, "Test");

interface RunningAgent {
  address: string;
  server: grpc.Server;
}

/** A stand-in agent: verify the signature, then answer "ok:" + request. */
async function startAgent(tls: TlsIdentity, authorizedKeys: Map<string, string>, nonceStore: NonceStore): Promise<RunningAgent> {
  const server = new grpc.Server();
  server.addService(echoService, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      try {
        const signed = readRequestSignature(call.metadata);
        verifyRequest(signed, ECHO_METHOD, requestDigest(call.request), { authorizedKeys, nonceStore });
      } catch (error) {
        if (!(error instanceof TrustError)) throw error;
        callback({ code: grpc.status.UNAUTHENTICATED, details: error.describe() });
        return;
      }
      callback(null, Buffer.concat([Buffer.from("ok:"), call.request]));
    },
  });
  const serverCredentials = grpc.ServerCredentials.createSsl(null, [
    { cert_chain: Buffer.from(tls.certPem), private_key: Buffer.from(tls.keyPem) },
  ]);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", serverCredentials, (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
  );
  return { address: `127.0.0.1:${port}`, server };
}

function callEcho(address: string, channelCredentials: grpc.ChannelCredentials, request: Buffer, metadata: grpc.Metadata): Promise<Buffer> {
  const client = new EchoClient(address, channelCredentials, PINNED_TLS_CHANNEL_OPTIONS);
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(ECHO_METHOD, identity, identity, request, metadata, { deadline: Date.now() + 5000 }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response!);
    });
  });
}

function signedMetadata(key: ControllerKey, request: Buffer): grpc.Metadata {
  return putRequestSignature(signRequest(key, ECHO_METHOD, requestDigest(request)));
}

function newKey(): ControllerKey {
  return controllerKeyFromSecretKey(nacl.sign.keyPair().secretKey);
}

describe("signed RPC over pinned TLS", () => {
  let dir: string;
  let agentTls: TlsIdentity;
  let impostorTls: TlsIdentity;
  let agent: RunningAgent;
  let impostor: RunningAgent;
  const controller = newKey();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hostout-rpc-"));
    agentTls = await createTlsIdentity(join(dir, "agent"), ["agent.example.test"]);
    impostorTls = await createTlsIdentity(join(dir, "impostor"), ["agent.example.test"]);
    const authorized = new Map([[controller.keyId, controller.publicKey]]);
    agent = await startAgent(agentTls, authorized, NonceStore.inMemory());
    impostor = await startAgent(impostorTls, authorized, NonceStore.inMemory());
  });

  after(() => {
    agent.server.forceShutdown();
    impostor.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a request from an authorized key to the pinned agent is answered", async () => {
    const request = Buffer.from("hello");
    const response = await callEcho(
      agent.address,
      pinnedChannelCredentials(agentTls.certPem, agentTls.fingerprint),
      request,
      signedMetadata(controller, request),
    );
    assert.equal(response.toString(), "ok:hello");
  });

  test("the client refuses the agent when the pinned fingerprint differs", async () => {
    const request = Buffer.from("hello");
    const mispinned = grpc.credentials.createSsl(Buffer.from(agentTls.certPem), null, null, {
      checkServerIdentity: pinnedServerCheck(impostorTls.fingerprint),
    });
    await assert.rejects(callEcho(agent.address, mispinned, request, signedMetadata(controller, request)), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.UNAVAILABLE);
      assert.match(error.details, /agent TLS fingerprint mismatch: expected sha256:[0-9a-f]{64}, got sha256:[0-9a-f]{64}/);
      return true;
    });
  });

  test("the client refuses a server presenting another certificate", async () => {
    const request = Buffer.from("hello");
    const pinnedToAgent = pinnedChannelCredentials(agentTls.certPem, agentTls.fingerprint);
    await assert.rejects(callEcho(impostor.address, pinnedToAgent, request, signedMetadata(controller, request)), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.UNAVAILABLE);
      return true;
    });
  });

  test("pinned credentials refuse a stored certificate that does not match the pin", () => {
    assert.throws(() => pinnedChannelCredentials(agentTls.certPem, impostorTls.fingerprint), /does not match the pinned fingerprint/);
  });

  test("the agent refuses an unauthorized key with UNAUTHENTICATED, naming the key", async () => {
    const stranger = newKey();
    const request = Buffer.from("hello");
    const credentials = pinnedChannelCredentials(agentTls.certPem, agentTls.fingerprint);
    await assert.rejects(callEcho(agent.address, credentials, request, signedMetadata(stranger, request)), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.UNAUTHENTICATED);
      assert.match(error.details, new RegExp(`controller key ${stranger.keyId} is not authorized`));
      assert.match(error.details, /hostout-agent authorize --path /);
      return true;
    });
  });

  test("the agent refuses a request whose body differs from the one signed", async () => {
    const credentials = pinnedChannelCredentials(agentTls.certPem, agentTls.fingerprint);
    const metadata = signedMetadata(controller, Buffer.from("deploy v1"));
    await assert.rejects(callEcho(agent.address, credentials, Buffer.from("deploy v2"), metadata), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.UNAUTHENTICATED);
      assert.match(error.details, /signature .* is not valid/);
      return true;
    });
  });

  test("the agent refuses a replay of the exact same request and metadata", async () => {
    const request = Buffer.from("rollback");
    const credentials = pinnedChannelCredentials(agentTls.certPem, agentTls.fingerprint);
    const metadata = signedMetadata(controller, request);
    assert.equal((await callEcho(agent.address, credentials, request, metadata.clone())).toString(), "ok:rollback");
    await assert.rejects(callEcho(agent.address, credentials, request, metadata.clone()), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.UNAUTHENTICATED);
      assert.match(error.details, /already used: refusing a replayed request/);
      return true;
    });
  });
});
