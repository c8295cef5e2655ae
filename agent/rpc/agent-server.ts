import * as grpc from '@grpc/grpc-js';
import { hostname } from 'node:os';
import { HOSTOUT_VERSION } from '../../shared/hostout-version.ts';
import { agentServiceDefinition, signedMethodName } from '../../shared/rpc/agent-service.ts';
import { TrustError } from '../../shared/errors.ts';
import { describeSource, type SignedManifest } from '../../shared/manifest.ts';
import { loadTlsIdentity } from '../../shared/trust/tls-identity.ts';
import type { Agent } from '../agent.ts';
import { deployRelease, rollbackRelease } from '../deploy/on-demand.ts';
import { readHostFacts } from '../host-facts.ts';
import type { DeployEvent } from '../deploy/deploy-event.ts';
import { callAdmission, streamIdleMs } from './call-admission.ts';
import { listenBounded } from './bounded-listener.ts';
import { recentDeploys } from '../deploy/recent-deploys.ts';
import { recordUpload } from '../state/upload-log.ts';
import { sendAppLogs } from '../logs/app-logs.ts';
import { operateServices } from '../deploy/operate-services.ts';
import { sendLogs, type LogChunk, type LogsRequest } from '../logs/send-logs.ts';
import { lockForMaintenance, unlockMaintenance } from '../maintenance/maintenance-operations.ts';
import { serveBlobs, type BlobFrom, type ServedChunk } from '../relay/serve-blobs.ts';
import { fetchFromSeed } from '../relay/fetch-from-seed.ts';
import type { PresignedCall } from '../../shared/trust/request-signature.ts';
import { StateError } from '../../shared/errors.ts';
import { describeCommandLine, execInCurrentRelease, type ExecOutput } from '../exec/exec-in-release.ts';
import { bidiStreamHandler, clientStreamHandler, serverStreamHandler, unaryHandler, withRequestDigests, type AuthenticationContext, type Caller, type Emit } from './authenticated-service.ts';

/** The largest request the agent reads: an upload chunk with room to spare; every other request is far smaller. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Calls at once on one connection: ctl needs one or two. */
const MAX_CONCURRENT_STREAMS = 8;

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
  // `done` describes a success from its result (e.g. the version a deploy got), `detail` what was asked
  const audited = <T>(caller: Caller, action: string, detail: string, work: () => Promise<T>, done: (result: T) => string = () => detail): Promise<T> =>
    Promise.resolve().then(work).then(
      (result) => {
        agent.audit({ keyId: caller.keyId, peer: caller.peer, action, outcome: 'ok', detail: done(result) });
        return result;
      },
      (error) => {
        agent.audit({ keyId: caller.keyId, peer: caller.peer, action, outcome: 'failed', detail: `${detail}: ${(error as Error).message}` });
        throw error;
      },
    );

  // a call that could run without end is cancelled by its caller going away, or by the agent stopping
  const untilStopping = (cancelled: AbortSignal) => AbortSignal.any([cancelled, agent.stopping.signal]);

  const server = new grpc.Server({
    // Requests are small; upload chunks (256 KiB from ctl) are the largest thing sent.
    'grpc.max_receive_message_length': MAX_REQUEST_BYTES,
    'grpc.max_concurrent_streams': MAX_CONCURRENT_STREAMS,
    // HTTP/2 buffers per connection, in MB: bounded, so that many connections stay cheap
    'grpc-node.max_session_memory': 2,
    'grpc.max_connection_idle_ms': 5 * 60_000,
    interceptors: [callAdmission(auth, fingerprint)],
  });
  server.addService(definition, {
    // cheap on purpose: status() reads every release on disk, Hello needs none of it
    Hello: unaryHandler(auth, method('Hello'), digestOf, async (_req, caller) => ({
      agentVersion: HOSTOUT_VERSION,
      uptimeSeconds: agent.uptimeSeconds(),
      path: agent.layout.root,
      hostname: hostname(),
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
          recordUpload(agent.layout, { sha256: first.sha256, bytes: Number(first.size) - Number(first.offset) });
          return { sha256: first.sha256, size: first.size };
        } finally {
          await upload.close();
        }
      }),
    ),
    // the blob relay: this agent as a seed, and as the host that fetches from one
    ServeBlobs: serverStreamHandler(auth, method('ServeBlobs'), digestOf, async (req: { blobs: BlobFrom[]; forHost: string }, caller, emit: Emit<ServedChunk>, cancelled) => {
      const detail = `${req.blobs.length} blobs for ${req.forHost || 'another host'}`;
      await audited(caller, 'ServeBlobs', detail, async () => {
        if (agent.config.servePeers === false) {
          throw new StateError('this agent does not pass blobs on to other hosts (servePeers is false in its agent.json)', {
            hint: `ctl uploads to each host itself; to let it relay: hostout-agent init --path ${agent.layout.root} --serve-peers yes, then restart the agent`,
          });
        }
        return serveBlobs(agent.blobs, req.blobs, emit, untilStopping(cancelled));
      }, (r) => `${detail}: ${r.bytes} bytes`);
    }),
    FetchBlobs: unaryHandler(auth, method('FetchBlobs'), digestOf, async (req: FetchBlobsRequest, caller) => {
      const seed = { host: req.seedHost, port: req.seedPort, fingerprint: req.seedFingerprint, name: req.seedName || `${req.seedHost}:${req.seedPort}` };
      const fetch = async () => {
        if (!req.serve) throw new StateError('FetchBlobs names no ServeBlobs call for the seed', { hint: 'ctl sends one it signed; update ctl if it does not' });
        const serve = { ...req.serve, request: Buffer.from(req.serve.request) };
        return fetchFromSeed(agent.blobs, seed, serve, (sha256, bytes) => recordUpload(agent.layout, { sha256, bytes, from: seed.name }), streamIdleMs());
      };
      return audited(caller, 'FetchBlobs', `from ${seed.name}`, fetch, (r) => `from ${seed.name}: ${r.blobs} blobs, ${r.bytes} bytes`);
    }),
    Deploy: serverStreamHandler(auth, method('Deploy'), digestOf, async (req: DeployRequest, caller, emit: (e: DeployEvent) => void) => {
      const signed: SignedManifest = { manifest: JSON.parse(Buffer.from(req.manifest).toString('utf8')), keyId: req.manifestKeyId, signature: Buffer.from(req.manifestSignature).toString('utf8') };
      const flags = `${req.force ? ' (force)' : ''}${req.skipStop ? ' (skip-stop)' : ''}${req.prepareOnly ? ' (prepare only)' : ''}`;
      await audited(
        caller,
        'Deploy',
        `${signed.manifest?.tag}${flags}`,
        () => deployRelease(agent, signed, { force: req.force, skipStop: req.skipStop, prepareOnly: req.prepareOnly, version: req.version || undefined, holder: agent.keyHolder(caller.keyId) }, emit),
        (r) => `${r.outcome === 'already' ? 'already at' : r.outcome === 'prepared' ? 'prepared' : ''} version ${r.version} (${r.tag})${signed.manifest.source ? ` from ${describeSource(signed.manifest.source)}` : ''}${flags}`.trim(),
      );
    }),
    Rollback: serverStreamHandler(auth, method('Rollback'), digestOf, async (req: { to: string; withDb: boolean; skipStop: boolean }, caller, emit: (e: DeployEvent) => void) => {
      const flags = `${req.withDb ? ' with db' : ''}${req.skipStop ? ' (skip-stop)' : ''}`;
      await audited(
        caller,
        'Rollback',
        `to ${req.to || 'previous'}${flags}`,
        () => rollbackRelease(agent, { to: req.to || undefined, withDb: req.withDb, skipStop: req.skipStop, holder: agent.keyHolder(caller.keyId) }, emit),
        (r) => `to version ${r.version} (${r.tag})${flags}`,
      );
    }),
    Services: serverStreamHandler(auth, method('Services'), digestOf, async (req: { action: string }, caller, emit: (e: DeployEvent) => void) => {
      await audited(caller, 'Services', req.action, () => operateServices(agent, { action: req.action, holder: agent.keyHolder(caller.keyId) }, emit), (r) =>
        `${req.action} of version ${r.version} (${r.tag})${r.rolled ? `: ${r.rolled} instances one at a time` : ''}`,
      );
    }),
    History: unaryHandler(auth, method('History'), digestOf, async (req: { limit: number }) => ({ entries: agent.history(req.limit || 50) })),
    RecentDeploys: unaryHandler(auth, method('RecentDeploys'), digestOf, async (req: { limit: number }) => recentDeploys(agent, req.limit || 20)),
    HostFacts: unaryHandler(auth, method('HostFacts'), digestOf, async (req: { toolchainPython: string; toolchainWheels: string[]; balancerSocket: string; balancerBackend: string }) =>
      readHostFacts(agent, { python: req.toolchainPython, wheelShas: req.toolchainWheels }, { socket: req.balancerSocket, backend: req.balancerBackend }),
    ),
    Logs: serverStreamHandler(auth, method('Logs'), digestOf, (req: LogsRequest & { app: boolean }, _caller, emit: (c: LogChunk & { file?: string }) => void, cancelled) =>
      req.app
        ? sendAppLogs(agent, req, (c) => emit({ tag: c.tag, phase: '', text: c.text, file: c.file }), untilStopping(cancelled))
        : sendLogs(agent, req, emit, untilStopping(cancelled)),
    ),
    Lock: unaryHandler(auth, method('Lock'), digestOf, async (req: { message: string }, caller) =>
      audited(caller, 'Lock', JSON.stringify(req.message), async () => lockForMaintenance(agent, { holder: agent.keyHolder(caller.keyId), message: req.message })),
    ),
    Unlock: unaryHandler(auth, method('Unlock'), digestOf, async (_req, caller) =>
      audited(caller, 'Unlock', 'maintenance lock', async () => unlockMaintenance(agent), (r) => `maintenance lock: ${r.lock ? `released the lock of ${r.lock.holder}: ${JSON.stringify(r.lock.message)}` : 'the host was not locked'}`),
    ),
    Exec: serverStreamHandler(auth, method('Exec'), digestOf, async (req: { argv: string[]; timeoutSeconds: number }, caller, emit: Emit<ExecOutput>, cancelled) => {
      // on record before it runs: a command may outlive the agent's chance to write its outcome
      agent.audit({ keyId: caller.keyId, peer: caller.peer, action: 'Exec', outcome: 'started', detail: describeCommandLine(req.argv) });
      await audited(caller, 'Exec', describeCommandLine(req.argv), () => execInCurrentRelease(agent, req, emit, untilStopping(cancelled)), (r) =>
        `${describeCommandLine(req.argv)}: in ${r.cwd}: ${r.timedOut ? 'timed out, killed' : r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`}`,
      );
    }),
    ExecInteractive: bidiStreamHandler(auth, method('ExecInteractive'), digestOf, async (first: ExecInputMessage, rest: AsyncIterable<ExecInputMessage>, caller, emit: Emit<ExecOutput>, cancelled) => {
      const line = `${describeCommandLine(first.argv)}${first.tty ? ' (interactive, on a terminal)' : ' (interactive)'}`;
      agent.audit({ keyId: caller.keyId, peer: caller.peer, action: 'Exec', outcome: 'started', detail: line });
      await audited(caller, 'Exec', line, () => execInCurrentRelease(agent, first, emit, untilStopping(cancelled), { tty: first.tty, rows: first.rows, cols: first.cols, input: rest }), (r) =>
        `${line}: in ${r.cwd}: ${r.timedOut ? 'timed out, killed' : r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`}`,
      );
    }),
  });

  const credentials = grpc.ServerCredentials.createSsl(null, [{ private_key: Buffer.from(identity.keyPem), cert_chain: Buffer.from(identity.certPem) }], false);
  const listener = await listenBounded(server, credentials, listen);
  return {
    port: listener.port,
    close: () =>
      new Promise<void>((resolve) => {
        listener.close();
        server.tryShutdown(() => {
          nonceStore.close();
          agent.closeAudit();
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

interface FetchBlobsRequest {
  seedHost: string;
  seedPort: number;
  seedFingerprint: string;
  seedName: string;
  serve?: Omit<PresignedCall, 'request'> & { request: Uint8Array };
}

interface DeployRequest {
  manifest: Buffer;
  manifestKeyId: string;
  manifestSignature: Buffer;
  force: boolean;
  skipStop: boolean;
  prepareOnly: boolean;
  version: string;
}

interface ExecInputMessage {
  argv: string[];
  timeoutSeconds: number;
  tty: boolean;
  rows: number;
  cols: number;
  stdin: Buffer;
  stdinEnd: boolean;
}

function keyIdIn(error: TrustError): string {
  return /key ([0-9a-f]{16})/.exec(error.message)?.[1] ?? 'unknown';
}
