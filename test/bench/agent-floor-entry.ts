/**
 * The floor under the agent's memory: only the libraries it runs on (a grpc-js server
 * listening on loopback, pino, protobufjs/light), bundled as the agent is. Whatever the
 * agent holds above this is its own. Bundled and measured by agent-footprint.ts.
 */
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import protobuf from 'protobufjs/light.js';

const log = pino({}, pino.destination(2));
new protobuf.Root(); // loaded and used, as the agent's service definition uses it
const server = new grpc.Server();
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  log.info(`listening on 127.0.0.1:${port}`);
});
