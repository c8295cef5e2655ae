import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import type { ProtoGrpcType } from './generated/hostout.ts';
import { readAsset } from '../assets.ts';

/**
 * The Agent service from proto/hostout.proto, as grpc-js definitions with TypeScript types.
 * Parsed from its text (not loaded by path) so the bundled agent can carry it inline.
 */
const protoRoot = protobuf.parse(readAsset('proto/hostout.proto'), { keepCase: false }).root;
const packageDefinition = protoLoader.fromJSON(protoRoot.toJSON(), {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});

const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

export const AgentClientConstructor = loaded.hostout.Agent;
export const agentServiceDefinition: grpc.ServiceDefinition = loaded.hostout.Agent.service;

export type AgentMethodName = keyof typeof agentServiceDefinition & string;

/** The full gRPC path of a method, e.g. /hostout.Agent/Deploy: what request signatures cover. */
export function methodPath(method: AgentMethodName): string {
  return agentServiceDefinition[method]!.path;
}

/** The bytes a request serializes to: signatures cover exactly these. */
export function serializeRequest(method: AgentMethodName, request: unknown): Buffer {
  return agentServiceDefinition[method]!.requestSerialize(request);
}

export type * from './generated/hostout/Agent.ts';

/**
 * What a request signature names as its method: the gRPC path and the agent's
 * own TLS fingerprint, so that a request made for one host cannot be replayed
 * to another host that trusts the same controller key.
 */
export function signedMethodName(path: string, agentFingerprint: string): string {
  return `${path}@${agentFingerprint}`;
}

/**
 * Trailing metadata in which the agent names the kind of its error (LockError,
 * DeployFailedError...), so ctl exits with the code it would for the same failure at home.
 */
export const ERROR_KIND_METADATA = 'hostout-error-kind';
