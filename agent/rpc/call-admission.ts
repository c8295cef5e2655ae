/**
 * Who gets the agent's memory: a call is admitted, before a byte of its message is read,
 * only when its metadata names an authorized key with a timestamp inside the window, and
 * only while fewer than MAX_CALLS_IN_PROGRESS admitted calls are open. Everything else is
 * refused at the headers, so a stranger's 60 MB request costs the agent nothing.
 */
import * as grpc from '@grpc/grpc-js';
import { TrustError } from '../../shared/errors.ts';
import { toServiceError } from './authenticated-service.ts';
import { signedMethodName } from '../../shared/rpc/agent-service.ts';
import { precheckRequest, readRequestSignature } from '../../shared/trust/request-signature.ts';
import type { AuthenticationContext } from './authenticated-service.ts';

/** Calls open at once (uploads, deploys, status...): ctl uses a handful; more is someone else. */
export const MAX_CALLS_IN_PROGRESS = 16;

/**
 * How long an admitted call may wait for its next message (the request, or an upload's next
 * chunk) before it is ended: a stalled client must not hold a call slot, or a blob, forever.
 * HOSTOUT_STREAM_IDLE_SECONDS changes it (tests use a few seconds).
 */
export function streamIdleMs(): number {
  const seconds = Number(process.env.HOSTOUT_STREAM_IDLE_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 60) * 1000;
}

export function callAdmission(auth: AuthenticationContext, agentFingerprint: string): grpc.ServerInterceptor {
  let open = 0;
  return (methodDescriptor, call) => {
    let admitted = false;
    let waitingForRequest: NodeJS.Timeout | undefined;
    const leave = () => {
      clearTimeout(waitingForRequest);
      if (admitted) open--;
      admitted = false;
    };
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, passOn) {
            const method = signedMethodName(methodDescriptor.path, agentFingerprint);
            try {
              precheckRequest(readRequestSignature(metadata), method, { authorizedKeys: auth.authorizedKeys(), nonceStore: auth.nonceStore });
            } catch (error) {
              if (!(error instanceof TrustError)) throw error;
              auth.onRefused(call.getPeer(), method, error);
              // as every refusal reads: the reason and what to do, not where inside the agent it happened
              const refusal = toServiceError(error);
              call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: refusal.details!, metadata: refusal.metadata ?? new grpc.Metadata() });
              return;
            }
            if (open >= MAX_CALLS_IN_PROGRESS) {
              call.sendStatus({ code: grpc.status.RESOURCE_EXHAUSTED, details: `the agent already has ${open} calls in progress; retry in a moment` });
              return;
            }
            open++;
            admitted = true;
            const idleMs = streamIdleMs();
            waitingForRequest = setTimeout(() => {
              leave();
              call.sendStatus({ code: grpc.status.DEADLINE_EXCEEDED, details: `no request arrived within ${idleMs / 1000} s of the call's headers` });
            }, idleMs);
            passOn(metadata);
          },
          onReceiveMessage(message, passOn) {
            clearTimeout(waitingForRequest);
            passOn(message);
          },
          onCancel: leave,
        });
      },
      sendStatus(status, passOn) {
        leave();
        passOn(status);
      },
    });
  };
}
