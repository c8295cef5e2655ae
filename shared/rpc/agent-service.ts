import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/light.js';
import type { ProtoGrpcType } from './generated/hostout.ts';
import { HOSTOUT_DESCRIPTOR } from './generated/hostout-descriptor.ts';

/**
 * The Agent service from proto/hostout.proto, as grpc-js definitions with TypeScript types.
 * Loaded from the proto's JSON form (generated beside the types, npm run generate:rpc) with
 * protobufjs/light: no .proto parser to load and no text to parse on every ctl and agent start.
 * Built straight from protobufjs types, as @grpc/proto-loader would build it minus the
 * reflection descriptors nobody here reads: encoding those cost every start a codegen of
 * all of descriptor.proto.
 */
const protoRoot = protobuf.Root.fromJSON(HOSTOUT_DESCRIPTOR);
protoRoot.resolveAll();
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true };

function serializerOf(type: protobuf.Type): (value: object) => Buffer {
  return (value) => Buffer.from(type.encode(type.fromObject(value)).finish());
}

function deserializerOf(type: protobuf.Type): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), TO_OBJECT);
}

const agentService = protoRoot.lookupService('hostout.Agent');
const serviceDefinition: grpc.ServiceDefinition = Object.fromEntries(
  agentService.methodsArray.map((method) => {
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    return [
      method.name,
      {
        path: `/hostout.Agent/${method.name}`,
        requestStream: Boolean(method.requestStream),
        responseStream: Boolean(method.responseStream),
        requestSerialize: serializerOf(request),
        requestDeserialize: deserializerOf(request),
        responseSerialize: serializerOf(response),
        responseDeserialize: deserializerOf(response),
      },
    ];
  }),
);

export const AgentClientConstructor = grpc.makeGenericClientConstructor(serviceDefinition, 'hostout.Agent') as unknown as ProtoGrpcType['hostout']['Agent'];
export const agentServiceDefinition: grpc.ServiceDefinition = serviceDefinition;

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
