import * as grpc from '@grpc/grpc-js';
import { agentServiceDefinition, signedMethodName } from '../../shared/rpc/agent-service.ts';
import { TrustError } from '../../shared/errors.ts';
import type { SignedManifest } from '../../shared/manifest.ts';
import { loadTlsIdentity } from '../../shared/trust/tls-identity.ts';
import type { Agent } from '../agent.ts';
import { deployRelease } from '../deploy/deploy-release.ts';
import { rollbackRelease } from '../deploy/rollback-release.ts';
import type { DeployEvent } from '../deploy/deploy-event.ts';
import { sendLogs, type LogChunk, type LogsRequest } from '../logs/send-logs.ts';
import { lockForMaintenance, unlockMaintenance } from '../maintenance/maintenance-operations.ts';
import { describeCommandLine, execInCurrentRelease, type ExecOutput } from '../exec/exec-in-release.ts';
import { clientStreamHandler, serverStreamHandler, unaryHandler, withRequestDigests, type AuthenticationContext, type Caller } from './authenticated-service.ts';

/**
 * The agent's gRPC server: each handler checks the signature, decodes, calls
 * one agent operation, encodes. No deploy logic lives here.
 */
export async function startAgentServer(agent: Agent, listen: { host: string; port: number }): Promise<{ port: number; close(): Promise<void> }> {
  const identity = loadTlsIdentity(agent.layout.tlsDir)!;
  const fingerprint = identity.fingerprint;
  const nonceStore = agent.openNonceStore();
  const auth: AuthenticationContext = {
    authorizedKeys: () => agent.authorizedKeys(),
    nonceStore,
    onRefused: (peer, method, error) => agent.audit({ keyId: keyIdIn(error), peer, action: method.split('/').at(-1)!.split('@')[0]!, outcome: 'refused', detail: error.message }),
  };
  const { definition, digestOf } = withRequestDigests(agentServiceDefinition);
  const method = (name: string) => signedMethodName(agentServiceDefinition[name]!.path, fingerprint);
  const audited = <T>(caller: Caller, action: string, detail: string, work: () => Promise<T>, outcomeDetail?: (result: T) => string): Promise<T> =>
    Promise.resolve().then(work).then(
      (result) => {
        agent.audit({ keyId: caller.keyId, peer: caller.peer, action, outcome: 'ok', detail: outcomeDetail ? `${detail}: ${outcomeDetail(result)}` : detail });
        return result;
      },
      (error) => {
        agent.audit({ keyId: caller.keyId, peer: caller.peer, action, outcome: 'failed', detail: `${detail}: ${(error as Error).message}` });
        throw error;
      },
    );

  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  server.addService(definition, {
    Hello: unaryHandler(auth, method('Hello'), digestOf, async (_req, caller) => ({
      agentVersion: agent.status().agentVersion,
      uptimeSeconds: agent.uptimeSeconds(),
      path: agent.layout.root,
      hostname: agent.status().hostname,
      keyId: caller.keyId,
    })),
    Status: unaryHandler(auth, method('Status'), digestOf, async () => agent.status()),
    KnownVersions: unaryHandler(auth, method('KnownVersions'), digestOf, async (req: { names: string[] }) => ({ versions: agent.knownVersions(req.names) })),
    MissingBlobs: unaryHandler(auth, method('MissingBlobs'), digestOf, async (req: { blobs: { sha256: string }[] }) => ({
      missing: agent.blobs.missing(req.blobs.map((b) => b.sha256)).map((m) => ({ sha256: m.sha, receivedBytes: m.receivedBytes })),
    })),
    UploadBlob: clientStreamHandler(auth, method('UploadBlob'), digestOf, async (first: BlobChunk, rest: AsyncIterable<BlobChunk>, caller) =>
      audited(caller, 'UploadBlob', `${first.sha256.slice(0, 12)} from byte ${first.offset}`, async () => {
        const upload = await agent.blobs.beginUpload(first.sha256, Number(first.size), Number(first.offset));
        try {
          await upload.write(first.data);
          for await (const chunk of rest) await upload.write(chunk.data);
          await upload.finish();
          return { sha256: first.sha256, size: first.size };
        } finally {
          await upload.close();
        }
      }),
    ),
    Deploy: serverStreamHandler(auth, method('Deploy'), digestOf, async (req: DeployRequest, caller, emit: (e: DeployEvent) => void) => {
      const signed: SignedManifest = { manifest: JSON.parse(Buffer.from(req.manifest).toString('utf8')), keyId: req.manifestKeyId, signature: Buffer.from(req.manifestSignature).toString('utf8') };
      await audited(caller, 'Deploy', `${signed.manifest?.tag}${req.force ? ' (force)' : ''}`, () => deployRelease(agent, signed, { force: req.force, holder: caller.keyId }, emit));
    }),
    Rollback: serverStreamHandler(auth, method('Rollback'), digestOf, async (req: { to: string; withDb: boolean }, caller, emit: (e: DeployEvent) => void) => {
      await audited(caller, 'Rollback', `to ${req.to || 'previous'}${req.withDb ? ' with db' : ''}`, () => rollbackRelease(agent, { to: req.to || undefined, withDb: req.withDb, holder: caller.keyId }, emit));
    }),
    History: unaryHandler(auth, method('History'), digestOf, async (req: { limit: number }) => ({ entries: agent.history(req.limit || 50) })),
    Logs: serverStreamHandler(auth, method('Logs'), digestOf, (req: LogsRequest, _caller, emit: (c: LogChunk) => void, cancelled) => sendLogs(agent, req, emit, cancelled)),
    Lock: unaryHandler(auth, method('Lock'), digestOf, async (req: { message: string }, caller) =>
      audited(caller, 'Lock', JSON.stringify(req.message), async () => lockForMaintenance(agent, { holder: caller.keyId, message: req.message })),
    ),
    Unlock: unaryHandler(auth, method('Unlock'), digestOf, async (_req, caller) =>
      audited(caller, 'Unlock', 'maintenance lock', async () => unlockMaintenance(agent), (r) => (r.lock ? `released the lock of ${r.lock.holder}: ${JSON.stringify(r.lock.message)}` : 'the host was not locked')),
    ),
    Exec: serverStreamHandler(auth, method('Exec'), digestOf, async (req: { argv: string[]; timeoutSeconds: number }, caller, emit: (o: ExecOutput) => void, cancelled) => {
      // on record before it runs: a command may outlive the agent's chance to write its outcome
      agent.audit({ keyId: caller.keyId, peer: caller.peer, action: 'Exec', outcome: 'started', detail: describeCommandLine(req.argv) });
      await audited(caller, 'Exec', describeCommandLine(req.argv), () => execInCurrentRelease(agent, req, emit, cancelled), (r) =>
        `in ${r.cwd}: ${r.timedOut ? 'timed out, killed' : r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`}`,
      );
    }),
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`, grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(identity.keyPem), cert_chain: Buffer.from(identity.certPem) }], false), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => {
          nonceStore.close();
          resolve();
        });
      }),
  };
}

interface BlobChunk {
  sha256: string;
  size: number;
  offset: number;
  data: Buffer;
}

interface DeployRequest {
  manifest: Buffer;
  manifestKeyId: string;
  manifestSignature: Buffer;
  force: boolean;
}

function keyIdIn(error: TrustError): string {
  return /key ([0-9a-f]{16})/.exec(error.message)?.[1] ?? 'unknown';
}
