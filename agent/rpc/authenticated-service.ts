import * as grpc from '@grpc/grpc-js';
import { HostoutError, StateError, TrustError } from '../../shared/errors.ts';
import { ERROR_KIND_METADATA } from '../../shared/rpc/agent-service.ts';
import { typedError } from '../../shared/system-error.ts';
import { readRequestSignature, requestDigest, verifyRequest } from '../../shared/trust/request-signature.ts';
import type { NonceStore } from '../../shared/trust/nonce-store.ts';
import type { AuthorizedKeys } from '../../shared/trust/authorized-keys.ts';
import { streamIdleMs } from './call-admission.ts';

/** Who made a verified call: the controller key and the network peer. */
export interface Caller {
  keyId: string;
  peer: string;
}

export interface AuthenticationContext {
  /** read on every call, so `hostout-agent authorize/revoke` take effect at once */
  authorizedKeys(): AuthorizedKeys;
  nonceStore: NonceStore;
  /** every refusal is audited */
  onRefused(peer: string, method: string, error: TrustError): void;
}

export type UnaryOperation<Req, Res> = (request: Req, caller: Caller) => Promise<Res>;
/** `cancelled` aborts when the caller goes away: an operation that would otherwise wait (a follow, a command) stops. */
/**
 * How an operation sends on a stream: `emit(event)` answers whether the call can take more
 * now (false: its buffer is full, the caller reads slowly or not at all); `drained()`
 * resolves once it can, or the call is gone. An operation with a lot to say (exec output)
 * waits for it, so memory does not grow with what it says.
 */
export type Emit<Ev> = ((event: Ev) => boolean) & { drained(): Promise<void> };

export type ServerStreamOperation<Req, Ev> = (request: Req, caller: Caller, emit: Emit<Ev>, cancelled: AbortSignal) => Promise<void>;
export type ClientStreamOperation<Req, Res> = (first: Req, rest: AsyncIterable<Req>, caller: Caller) => Promise<Res>;

/**
 * The agent's service definition with each request's raw bytes remembered,
 * since signatures cover the bytes as sent, not a re-encoding of them.
 */
export function withRequestDigests(definition: grpc.ServiceDefinition): { definition: grpc.ServiceDefinition; digestOf(message: object): string | undefined } {
  const digests = new WeakMap<object, string>();
  const wrapped: Record<string, grpc.MethodDefinition<object, unknown>> = {};
  for (const [name, method] of Object.entries(definition)) {
    wrapped[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        const message = method.requestDeserialize(bytes);
        digests.set(message, requestDigest(bytes));
        return message;
      },
    };
  }
  return { definition: wrapped as grpc.ServiceDefinition, digestOf: (message) => digests.get(message) };
}

/** Verifies the signature on a call's metadata against the digest of its (first) request. */
export function authenticate(
  context: AuthenticationContext,
  call: { metadata: grpc.Metadata; getPeer(): string },
  method: string,
  digest: string | undefined,
): Caller {
  const peer = call.getPeer();
  try {
    if (!digest) throw new TrustError('request bytes were not seen; cannot verify the signature', { where: method });
    const signature = readRequestSignature(call.metadata);
    const { keyId } = verifyRequest(signature, method, digest, {
      authorizedKeys: context.authorizedKeys(),
      nonceStore: context.nonceStore,
    });
    return { keyId, peer };
  } catch (error) {
    if (error instanceof TrustError) context.onRefused(peer, method, error);
    throw error;
  }
}

/** A gRPC status for an error: refusals are UNAUTHENTICATED, errors users can act on keep their text and kind. */
export function toServiceError(raw: unknown): Partial<grpc.ServiceError> {
  const error = typedError(raw);
  if (!(error instanceof HostoutError)) {
    return { code: grpc.status.INTERNAL, details: `internal agent error: ${(error as Error)?.message ?? error}` };
  }
  const metadata = new grpc.Metadata();
  metadata.set(ERROR_KIND_METADATA, error.kind);
  if (error instanceof TrustError) {
    // where a refusal happened inside the agent (method path, fingerprint) is for the audit log, not the caller
    return { code: grpc.status.UNAUTHENTICATED, details: new TrustError(error.message, { hint: error.hint }).describe(), metadata };
  }
  return { code: codeFor(error), details: error.describe(), metadata };
}

function codeFor(error: HostoutError): grpc.status {
  if (error.name === 'LockError') return grpc.status.ABORTED;
  if (error.name === 'NotFoundError') return grpc.status.NOT_FOUND;
  return grpc.status.FAILED_PRECONDITION;
}

export function unaryHandler<Req extends object, Res>(
  context: AuthenticationContext,
  method: string,
  digestOf: (m: object) => string | undefined,
  operation: UnaryOperation<Req, Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => operation(call.request, authenticate(context, call, method, digestOf(call.request))))
      .then((reply) => callback(null, reply), (error) => callback(toServiceError(error)));
  };
}

export function serverStreamHandler<Req extends object, Ev>(
  context: AuthenticationContext,
  method: string,
  digestOf: (m: object) => string | undefined,
  operation: ServerStreamOperation<Req, Ev>,
): grpc.handleServerStreamingCall<Req, Ev> {
  return (call) => {
    Promise.resolve()
      .then(() => {
        const caller = authenticate(context, call, method, digestOf(call.request));
        const cancelled = new AbortController();
        call.on('cancelled', () => cancelled.abort());
        // A controller that goes away must not stop a deploy half-way: events are
        // simply no longer delivered, the operation finishes on its own.
        return operation(call.request, caller, emitterOn(call, cancelled.signal), cancelled.signal);
      })
      .then(
        () => call.end(),
        // grpc-js sends an 'error' event's status as the call's final status (destroy would not)
        (error) => {
          const serviceError = toServiceError(error);
          call.emit('error', Object.assign(new Error(String(serviceError.details)), serviceError));
        },
      );
  };
}

/**
 * A stream both ways (ExecInteractive): the first message is signed as a request is, and
 * carries what to do; the rest (typed input) follow it on the authenticated stream.
 */
export function bidiStreamHandler<Req extends object, Ev>(
  context: AuthenticationContext,
  method: string,
  digestOf: (m: object) => string | undefined,
  operation: (first: Req, rest: AsyncIterable<Req>, caller: Caller, send: Emit<Ev>, cancelled: AbortSignal) => Promise<unknown>,
): grpc.handleBidiStreamingCall<Req, Ev> {
  return (call) => {
    // destroyOnReturn false: input that ends early (end of file) must not destroy the call, whose answers still flow
    const messages = (call as unknown as { iterator(options: { destroyOnReturn: boolean }): AsyncIterator<Req> }).iterator({ destroyOnReturn: false });
    const cancelled = new AbortController();
    call.on('cancelled', () => cancelled.abort());
    (async () => {
      const first = await messages.next();
      if (first.done) throw new TrustError('empty stream: the first message must say what to run', { where: method });
      const caller = authenticate(context, call, method, digestOf(first.value));
      const rest: AsyncIterable<Req> = { [Symbol.asyncIterator]: () => messages };
      return operation(first.value, rest, caller, emitterOn(call, cancelled.signal), cancelled.signal);
    })().then(
      () => call.end(),
      (error) => {
        const serviceError = toServiceError(error);
        call.emit('error', Object.assign(new Error(String(serviceError.details)), serviceError));
      },
    );
  };
}

/** A stream's sender (see Emit): writes while the call is open, and says when its buffer is full. */
function emitterOn<Ev>(call: { cancelled: boolean; writable: boolean; write(event: Ev): boolean; once(event: string, listener: () => void): unknown; off(event: string, listener: () => void): unknown; writableNeedDrain?: boolean }, cancelled: AbortSignal): Emit<Ev> {
  const emit = (event: Ev): boolean => {
    if (call.cancelled || !call.writable) return true;
    return call.write(event);
  };
  return Object.assign(emit, {
    drained: () =>
      new Promise<void>((resolve) => {
        if (!call.writableNeedDrain || call.cancelled || !call.writable) return resolve();
        const done = () => {
          call.off('drain', done);
          call.off('close', done);
          cancelled.removeEventListener('abort', done);
          resolve();
        };
        call.once('drain', done);
        call.once('close', done);
        cancelled.addEventListener('abort', done);
      }),
  });
}

export function clientStreamHandler<Req extends object, Res>(
  context: AuthenticationContext,
  method: string,
  digestOf: (m: object) => string | undefined,
  operation: ClientStreamOperation<Req, Res>,
): grpc.handleClientStreamingCall<Req, Res> {
  return (call, callback) => {
    const messages = endWhenIdle(call[Symbol.asyncIterator]() as AsyncIterator<Req>, streamIdleMs(), method);
    (async () => {
      const first = await messages.next();
      if (first.done) throw new TrustError('empty stream: the first message must name the blob', { where: method });
      const caller = authenticate(context, call, method, digestOf(first.value));
      const rest: AsyncIterable<Req> = { [Symbol.asyncIterator]: () => messages };
      return operation(first.value, rest, caller);
    })().then((reply) => callback(null, reply), (error) => callback(toServiceError(error)));
  };
}

/**
 * The client stream's messages, failing with a StateError when the next one takes longer than
 * `idleMs`: the operation then ends (an upload keeps what arrived, to be resumed) and frees its slot.
 */
function endWhenIdle<T>(messages: AsyncIterator<T>, idleMs: number, method: string): AsyncIterator<T> {
  return {
    next: () => {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new StateError(`the stream stalled: no message for ${idleMs / 1000} s`, { where: method, hint: 'what arrived is kept; resume the upload (ctl deploy does)' })),
          idleMs,
        );
      });
      return Promise.race([messages.next(), stalled]).finally(() => clearTimeout(timer));
    },
  };
}
