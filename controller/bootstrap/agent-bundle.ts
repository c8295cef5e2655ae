import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { build, type Plugin } from 'esbuild';
import { ASSET_NAMES } from '../../shared/assets.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * hostout-agent as one JavaScript file for a host: every dependency bundled,
 * the proto and the buildout launcher inlined, so a host needs only Node.js.
 */
export async function buildAgentBundle(outFile: string): Promise<{ path: string; sha256: string }> {
  await build({
    entryPoints: [`${REPO_ROOT}agent/cli/main.ts`],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    legalComments: 'none',
    // no comments or layout: the agent holds its source text in memory for as long as it
    // runs (two bytes a character if one comment is not Latin-1); names stay, for stack traces
    minifyWhitespace: true,
    minifySyntax: true,
    // some dependencies are CommonJS and call require(); give the ESM bundle one
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __hostoutCreateRequire } from 'node:module';\nconst require = __hostoutCreateRequire(import.meta.url);" },
    // grpc-js requires @grpc/proto-loader (and with it all of protobufjs and descriptor.proto)
    // only for channelz and ORCA, which the agent never turns on; their .proto files would not
    // be beside a bundle anyway. Left out, they cost the agent neither memory nor start time.
    external: ['@grpc/proto-loader'],
    plugins: [inlineAssets()],
  });
  return { path: outFile, sha256: createHash('sha256').update(readFileSync(outFile)).digest('hex') };
}

function inlineAssets(): Plugin {
  return {
    name: 'hostout-inline-assets',
    setup(builder) {
      builder.onResolve({ filter: /(^|\/)assets\.ts$/ }, () => ({ path: 'hostout-assets', namespace: 'hostout-assets' }));
      builder.onLoad({ filter: /.*/, namespace: 'hostout-assets' }, () => {
        const assets = Object.fromEntries(ASSET_NAMES.map((name) => [name, readFileSync(`${REPO_ROOT}${name}`, 'utf8')]));
        return {
          loader: 'js',
          contents: `const ASSETS = ${JSON.stringify(assets)};\nexport const ASSET_NAMES = Object.keys(ASSETS);\nexport function readAsset(name) { return ASSETS[name]; }\n`,
        };
      });
    },
  };
}
