import * as grpc from '@grpc/grpc-js';
import { HostoutError, TrustError } from '../../shared/errors.ts';
import { AgentClientConstructor, ERROR_KIND_METADATA, methodPath, serializeRequest, signedMethodName, type AgentClient, type AgentMethodName } from '../../shared/rpc/agent-service.ts';
import { putRequestSignature, requestDigest, signRequest, type PresignedCall } from '../../shared/trust/request-signature.ts';
import type { ControllerKey } from '../../shared/trust/controller-key.ts';
import { pinnedChannelCredentials, PINNED_TLS_CHANNEL_OPTIONS } from '../../shared/trust/tls-identity.ts';
import { pinnedCertificate } from './agent-certificate.ts';
import { fetchPinnedCertificate } from '../../shared/trust/pinned-certificate.ts';

/** How long the second look at an agent that did not answer may take (see explain). */
const DIAGNOSE_TIMEOUT_MS = 5_000;

export interface AgentAddress {
  host: string;
  port: number;
  fingerprint: string;
}

/** An error the agent reported, with the agent's own explanation. */
export class AgentCallError extends HostoutError {
  readonly code: grpc.status;
  constructor(message: string, code: grpc.status, where: string, kind?: string) {
    super(message, { where, kind });
    this.code = code;
  }

  /** the connection broke (agent killed or restarted, network gone): the agent may still be at work */
  get connectionLost(): boolean {
    return this.code === grpc.status.UNAVAILABLE;
  }
}

/**
 * A signed, pinned connection to one agent. Every call is signed over the
 * method, time, a nonce and the exact request bytes.
 */
export class AgentConnection {
  private constructor(
    private readonly client: AgentClient,
    private readonly key: ControllerKey,
    readonly address: AgentAddress,
  ) {}

  /** `configDir` keeps the agent's certificate between commands (see pinnedCertificate). */
  static async open(address: AgentAddress, key: ControllerKey, configDir?: string): Promise<AgentConnection> {
    const certPem = await pinnedCertificate(address.host, address.port, address.fingerprint, configDir);
    const client = new AgentClientConstructor(`${address.host}:${address.port}`, pinnedChannelCredentials(certPem, address.fingerprint), {
      ...PINNED_TLS_CHANNEL_OPTIONS,
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
    }) as unknown as AgentClient;
    return new AgentConnection(client, key, address);
  }

  close(): void {
    this.client.close();
  }

  private signedMetadata(method: AgentMethodName, request: unknown): grpc.Metadata {
    const digest = requestDigest(serializeRequest(method, request));
    return putRequestSignature(signRequest(this.key, signedMethodName(methodPath(method), this.address.fingerprint), digest));
  }

  /**
   * A call this agent will take from someone else, once: signed here, carried by another host's
   * agent (the blob relay). It names this agent's fingerprint and covers the exact request.
   */
  presign(method: AgentMethodName, request: object): PresignedCall {
    const bytes = serializeRequest(method, request);
    return { request: bytes, ...signRequest(this.key, signedMethodName(methodPath(method), this.address.fingerprint), requestDigest(bytes)) };
  }

  unary<Res>(method: AgentMethodName, request: object, timeoutMs = 60_000): Promise<Res> {
    const metadata = this.signedMetadata(method, request);
    return new Promise((resolve, reject) => {
      const fn = (this.client as unknown as Record<string, Function>)[method]!.bind(this.client);
      fn(request, metadata, { deadline: Date.now() + timeoutMs }, (error: grpc.ServiceError | null, reply: Res) =>
        error ? this.explain(error, method, false).then(reject) : resolve(reply),
      );
    });
  }

  /** A server stream (Deploy, Rollback): events as they come, then the end or the agent's error. */
  async *stream<Ev>(method: AgentMethodName, request: object): AsyncGenerator<Ev> {
    const metadata = this.signedMetadata(method, request);
    const fn = (this.client as unknown as Record<string, Function>)[method]!.bind(this.client);
    const call: grpc.ClientReadableStream<Ev> = fn(request, metadata);
    yield* this.answersOf<Ev>(call, method);
  }

  /** A call's answers as they come; its error explained, knowing whether anything had come before it. */
  private async *answersOf<Ev>(call: AsyncIterable<unknown>, method: AgentMethodName): AsyncGenerator<Ev> {
    let answered = false;
    try {
      for await (const event of call) {
        answered = true;
        yield event as Ev;
      }
    } catch (error) {
      throw await this.explain(error as grpc.ServiceError, method, answered);
    }
  }

  /**
   * A stream both ways (ExecInteractive): `first` is signed and sent, then `rest` as it comes
   * (waiting while the agent's side is full); the agent's messages are yielded as they arrive.
   */
  async *duplex<Req extends object, Ev>(method: AgentMethodName, first: Req, rest: AsyncIterable<Req>): AsyncGenerator<Ev> {
    const metadata = this.signedMetadata(method, first);
    const fn = (this.client as unknown as Record<string, Function>)[method]!.bind(this.client);
    const call: grpc.ClientDuplexStream<Req, Ev> = fn(metadata);
    call.write(first);
    void (async () => {
      for await (const message of rest) {
        if (call.destroyed || call.writableEnded) break;
        if (!call.write(message)) await new Promise((resolve) => call.once('drain', resolve));
      }
      if (!call.writableEnded) call.end();
    })().catch(() => call.cancel());
    yield* this.answersOf<Ev>(call, method);
  }

  /** A client stream (UploadBlob): the first message is signed, the rest follow it. */
  clientStream<Req extends object, Res>(method: AgentMethodName, first: Req, rest: AsyncIterable<Req>): Promise<Res> {
    const metadata = this.signedMetadata(method, first);
    return new Promise((resolve, reject) => {
      const fn = (this.client as unknown as Record<string, Function>)[method]!.bind(this.client);
      const call: grpc.ClientWritableStream<Req> = fn(metadata, (error: grpc.ServiceError | null, reply: Res) =>
        error ? this.explain(error, method, false).then(reject) : resolve(reply),
      );
      (async () => {
        call.write(first);
        for await (const message of rest) {
          if (!call.write(message)) await new Promise((r) => call.once('drain', r));
        }
        call.end();
      })().catch((error) => {
        call.cancel();
        reject(error);
      });
    });
  }

  /**
   * A call that got no answer because no connection could be made says why in gRPC's or
   * OpenSSL's words ("No connection established", "wrong version number", "self-signed
   * certificate"). A second look at the address, as `ctl check` takes it, says it in ours
   * and with the exit code of its kind: nothing listens, something else listens, or an
   * agent with another identity answers. `answered`: the call had replies before it broke
   * (a deploy under way): the connection was lost, which is said as such.
   */
  private async explain(error: grpc.ServiceError, method: string, answered: boolean): Promise<HostoutError> {
    if (error instanceof HostoutError || error.code !== grpc.status.UNAVAILABLE || answered) return this.describe(error, method);
    try {
      await fetchPinnedCertificate(this.address.host, this.address.port, this.address.fingerprint, DIAGNOSE_TIMEOUT_MS);
    } catch (diagnosed) {
      if (diagnosed instanceof HostoutError) return diagnosed;
    }
    return this.describe(error, method);
  }

  private describe(error: grpc.ServiceError, method: string): HostoutError {
    const where = `${this.address.host}:${this.address.port}`;
    if (error instanceof HostoutError) return error;
    if (error.code === grpc.status.UNAUTHENTICATED) return new TrustError(`the agent refused the request: ${error.details}`, { where });
    if (error.code === grpc.status.UNAVAILABLE) {
      return new AgentCallError(`lost the connection to the agent during ${method}: ${error.details}`, error.code, where, 'AgentUnreachableError');
    }
    const kind = error.metadata?.get(ERROR_KIND_METADATA)[0]?.toString();
    return new AgentCallError(error.details || error.message, error.code, where, kind);
  }
}
