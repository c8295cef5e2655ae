/**
 * An attacker's client, written apart from ctl: raw HTTP/2 over TLS for calls the agent must
 * refuse (any size, any headers, the body streamed from one shared buffer so that the attacker
 * stays small however much it claims to send), and a grpc-js client built straight from
 * proto/hostout.proto for signed calls. Signing uses the protocol's functions in shared/trust:
 * that is what a key holder does, not ctl's code.
 */
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { REPO_ROOT } from './ctl.ts';
import type { ControllerKey } from '../../shared/trust/controller-key.ts';
import { putRequestSignature, requestDigest, signRequest } from '../../shared/trust/request-signature.ts';

export interface RawCallOutcome {
  /** grpc-status of the reply, when one came */
  status?: number;
  message: string;
  /** bytes of the body the agent took before it answered or closed the stream */
  sent: number;
}

const SHARED_CHUNK = Buffer.alloc(1024 * 1024, 0x41);

/**
 * One call on its own connection: headers (with whatever metadata the attacker chose), a gRPC
 * message header claiming `declaredBytes`, then up to that many bytes, until the agent answers.
 */
export async function rawCall(port: number, path: string, declaredBytes: number, metadata: Record<string, string> = {}, timeoutMs = 60_000): Promise<RawCallOutcome> {
  const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
  session.on('error', () => undefined);
  try {
    return await new Promise<RawCallOutcome>((resolve) => {
      const outcome: RawCallOutcome = { message: '', sent: 0 };
      const timer = setTimeout(() => finish('timed out'), timeoutMs);
      const finish = (message?: string) => {
        clearTimeout(timer);
        if (message && !outcome.message) outcome.message = message;
        resolve(outcome);
      };
      const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...metadata });
      const readStatus = (headers: http2.IncomingHttpHeaders) => {
        if (headers['grpc-status'] !== undefined) {
          outcome.status = Number(headers['grpc-status']);
          outcome.message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
        }
      };
      stream.on('response', readStatus);
      stream.on('trailers', readStatus);
      stream.on('data', () => undefined);
      stream.on('error', (error) => finish(error.message));
      stream.on('close', () => finish());
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(declaredBytes, 1);
      stream.write(prefix);
      const pump = () => {
        while (outcome.sent < declaredBytes && !stream.destroyed && outcome.status === undefined) {
          const chunk = SHARED_CHUNK.subarray(0, Math.min(SHARED_CHUNK.length, declaredBytes - outcome.sent));
          outcome.sent += chunk.length;
          if (!stream.write(chunk)) return void stream.once('drain', pump);
        }
        if (!stream.destroyed) stream.end();
      };
      pump();
    });
  } finally {
    session.destroy();
  }
}

type AnyClient = grpc.Client & Record<string, Function>;

/** A grpc-js client of the agent, from the .proto file, that signs with `key`. */
export class SignedAttackClient {
  private readonly client: AnyClient;
  private readonly service: grpc.ServiceDefinition;

  constructor(
    port: number,
    agentPath: string,
    private readonly fingerprint: string,
    private readonly key: ControllerKey,
    options: grpc.ChannelOptions = {},
  ) {
    const definition = protoLoader.loadSync(join(REPO_ROOT, 'proto/hostout.proto'), { keepCase: false, longs: Number, enums: String, defaults: true });
    const Agent = (grpc.loadPackageDefinition(definition).hostout as Record<string, grpc.ServiceClientConstructor>).Agent!;
    this.service = Agent.service;
    const cert = readFileSync(join(agentPath, 'agent/tls/agent.crt'));
    this.client = new Agent(`127.0.0.1:${port}`, grpc.credentials.createSsl(cert), options) as unknown as AnyClient;
  }

  /** Metadata signing `request` for `method` (or for another agent's fingerprint). */
  sign(method: string, request: unknown, fingerprint = this.fingerprint): grpc.Metadata {
    const bytes = this.service[method]!.requestSerialize(request);
    return putRequestSignature(signRequest(this.key, `${this.service[method]!.path}@${fingerprint}`, requestDigest(bytes)));
  }

  unary<T>(method: string, request: unknown, metadata = this.sign(method, request)): Promise<T> {
    return new Promise((resolve, reject) => this.client[method]!(request, metadata, (error: grpc.ServiceError | null, reply: T) => (error ? reject(error) : resolve(reply))));
  }

  /** A server stream's events, or its error. */
  async stream<T>(method: string, request: unknown): Promise<T[]> {
    const call = this.client[method]!(request, this.sign(method, request)) as grpc.ClientReadableStream<T>;
    const events: T[] = [];
    for await (const event of call) events.push(event as T);
    return events;
  }

  /** Opens a client stream with a signed first message; the caller writes the rest and ends it. */
  clientStream<T>(method: string, first: unknown): { call: grpc.ClientWritableStream<unknown>; reply: Promise<T> } {
    let call!: grpc.ClientWritableStream<unknown>;
    const reply = new Promise<T>((resolve, reject) => {
      call = this.client[method]!(this.sign(method, first), (error: grpc.ServiceError | null, value: T) => (error ? reject(error) : resolve(value)));
    });
    call.write(first);
    return { call, reply };
  }

  close(): void {
    this.client.close();
  }
}

/** The agent process's resident memory now and at its peak, in MB (from /proc). */
export function agentMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}
