/**
 * The agent's TCP listener, in front of grpc-js (which has no limit of its own on
 * connections): at most MAX_CONNECTIONS at once, the rest closed on arrival, and every
 * connection handed to the gRPC server's TLS through a connection injector.
 */
import { createServer, type Server as NetServer } from 'node:net';
import type * as grpc from '@grpc/grpc-js';

export const MAX_CONNECTIONS = 32;

export async function listenBounded(
  server: grpc.Server,
  credentials: grpc.ServerCredentials,
  listen: { host: string; port: number },
): Promise<{ port: number; close(): void }> {
  const injector = server.createConnectionInjector(credentials);
  const listener: NetServer = createServer((socket) => injector.injectConnection(socket));
  listener.maxConnections = MAX_CONNECTIONS;
  const port = await new Promise<number>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(listen.port, listen.host, () => {
      listener.off('error', reject);
      resolve((listener.address() as { port: number }).port);
    });
  });
  return {
    port,
    // Stops accepting only: the gRPC server's tryShutdown lets the calls under way (a deploy) finish.
    close: () => void listener.close(),
  };
}
