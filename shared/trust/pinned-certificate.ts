/**
 * An agent's certificate, fetched over TLS and accepted only with its pinned fingerprint.
 * ctl uses it to reach an agent; an agent uses it to reach another (the blob relay).
 */
import { connect, type PeerCertificate } from 'node:tls';
import { TrustError, HostoutError } from '../errors.ts';
import { certificateFingerprint, normalizeFingerprint } from './fingerprint.ts';

/**
 * Fetches the agent's self-signed certificate and accepts it only if it has
 * the pinned fingerprint. gRPC then trusts exactly this certificate: Node can
 * pin only a certificate it already trusts, and a fingerprint alone is not one.
 */
export function fetchPinnedCertificate(host: string, port: number, fingerprint: string, timeoutMs = 10_000): Promise<string> {
  const expected = normalizeFingerprint(fingerprint);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'], servername: 'hostout-agent' });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(unreachable(host, port, `no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const peer: PeerCertificate = socket.getPeerCertificate();
      socket.end();
      if (!peer?.raw) return reject(new TrustError('the agent presented no TLS certificate', { where: `${host}:${port}` }));
      const pem = `-----BEGIN CERTIFICATE-----\n${peer.raw.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END CERTIFICATE-----\n`;
      const actual = certificateFingerprint(pem);
      if (actual !== expected) {
        return reject(
          new TrustError(`agent TLS fingerprint mismatch: expected ${expected}, got ${actual}`, {
            where: `${host}:${port}`,
            hint: 'this is not the agent that was paired, or its identity was re-created; if you re-created it, pin the fingerprint `hostout-agent init` printed',
          }),
        );
      }
      resolve(pem);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(String(error.code).startsWith('ERR_SSL_') ? notAnAgent(host, port, error) : unreachable(host, port, networkReason(error)));
    });
  });
}

export class AgentUnreachableError extends HostoutError {}

/** Why a connection could not be made, in words rather than errno names. */
function networkReason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'nothing listens on that port';
    case 'ECONNRESET':
      return 'the connection was closed at once';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no such host name (DNS)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to that host';
    case 'ETIMEDOUT':
      return 'no answer (a firewall drops the packets, or the host is down)';
    default:
      return error.message;
  }
}

/** Something answers at the address, but not with TLS: another service, not a hostout agent. */
export class NotAnAgentError extends HostoutError {}

function unreachable(host: string, port: number, reason: string): AgentUnreachableError {
  return new AgentUnreachableError(`no agent answers at ${host}:${port} (${reason})`, {
    where: `${host}:${port}`,
    hint: 'is hostout-agent running there? check agent-port, or run `ctl bootstrap` for a new host',
  });
}

function notAnAgent(host: string, port: number, error: NodeJS.ErrnoException): NotAnAgentError {
  return new NotAnAgentError(`${host}:${port} is not a hostout agent: it answers, but not with TLS (${error.code})`, {
    where: `${host}:${port}`,
    hint: `another service listens on port ${port}: set agent-port in the target to the port hostout-agent listens on (its log says "listening on HOST:PORT"; hostout-agent init printed it)`,
  });
}
