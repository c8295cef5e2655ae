/**
 * Writes shared/rpc/generated/hostout-descriptor.ts from proto/hostout.proto: the service
 * as protobufjs JSON, so ctl and the agent load it with protobufjs/light instead of
 * carrying a .proto parser and parsing the text on every start.
 *
 *   npm run generate:rpc   (also regenerates the TypeScript types beside it)
 *
 * test/rpc-descriptor.test.ts fails when the two drift apart.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { writeFileAtomic } from '../fs/atomic-write.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DESCRIPTOR_MODULE = `${ROOT}shared/rpc/generated/hostout-descriptor.ts`;

/** The module's text for the proto's current content. */
export function descriptorModuleSource(protoText: string): string {
  const descriptor = protobuf.parse(protoText, { keepCase: false }).root.toJSON();
  return [
    '// Generated from proto/hostout.proto by shared/rpc/write-rpc-descriptor.ts (npm run generate:rpc). Do not edit.',
    "import type { INamespace } from 'protobufjs/light';",
    '',
    '// JSON.parse of a string literal loads faster than the same object written as code',
    `export const HOSTOUT_DESCRIPTOR: INamespace = JSON.parse(${JSON.stringify(JSON.stringify(descriptor))});`,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileAtomic(DESCRIPTOR_MODULE, descriptorModuleSource(readFileSync(`${ROOT}proto/hostout.proto`, 'utf8')));
  console.log(`wrote ${DESCRIPTOR_MODULE}`);
}
