// The controller's TypeScript sources as an esbuild bundle, made again whenever
// they change. Starting from it takes under half the time of compiling through
// tsx on every run, which was most of what a no-change `ctl deploy` cost.
import { createHash } from 'node:crypto';
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SOURCE_DIRS = ['controller', 'shared', 'proto'];
// Two levels under the root, like the modules themselves (controller/release/...), so
// their `new URL('../../deploy/', import.meta.url)` lookups find the same files.
const BUNDLE_PARENT = join(ROOT, 'controller');
const BUNDLE_PREFIX = '.bundle-';
// A `ctl deploy` started before an edit may still load lazy chunks from its bundle.
const KEEP_OLD_BUNDLES_MS = 24 * 3600 * 1000;

/** How the bundle is built (the benches build it again with source maps, the same way). */
export const CONTROLLER_BUNDLE_OPTIONS = {
  bundle: true,
  splitting: true, // keeps the lazy imports lazy: `ctl status` never loads the release engine
  // npm packages go in the bundle too: resolving and loading grpc-js, protobufjs and the
  // rest file by file cost a no-change `ctl deploy` more than its work did. esbuild stays
  // out (a native binary, loaded only to build the agent) and so does ssh2 (its optional
  // native parts are found at run time). grpc-js requires @grpc/proto-loader only inside
  // channelz and ORCA, which Hostout never turns on: left out, it costs no parse time.
  external: ['esbuild', 'ssh2', '@grpc/proto-loader'],
  // CommonJS dependencies call require(); give the ESM bundle one
  banner: { js: "import { createRequire as __hostoutCreateRequire } from 'node:module';\nconst require = __hostoutCreateRequire(import.meta.url);" },
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'silent',
  // no comments or layout: a third less text for every start to read and parse; names
  // stay, for stack traces
  minifyWhitespace: true,
  minifySyntax: true,
};

/** The file URL of the bundled `entry` (a path under the root), built first if the sources changed. */
export async function bundledEntry(entry) {
  const name = `${BUNDLE_PREFIX}${sourcesFingerprint()}`;
  const dir = join(BUNDLE_PARENT, name);
  const main = join(dir, 'main.js');
  if (!statSync(main, { throwIfNoEntry: false })) {
    const temp = `${dir}.${process.pid}.tmp`;
    // esbuild's API loads only when a bundle must be made, not on every start
    const { build } = await import('esbuild');
    await build({ ...CONTROLLER_BUNDLE_OPTIONS, entryPoints: [join(ROOT, entry)], outdir: temp });
    try {
      renameSync(temp, dir);
    } catch {
      rmSync(temp, { recursive: true, force: true }); // another ctl made the same bundle first
    }
    removeOldBundles(name);
  }
  return pathToFileURL(main).href;
}

/** Path, size and mtime of every source file: a changed, added or removed file gives a new bundle. */
function sourcesFingerprint() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.test.ts')) {
        const stat = statSync(path);
        hash.update(`${relative(ROOT, path)}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(ROOT, dir));
  // the bundle holds the npm packages too (a changed package-lock makes a new one), and
  // this file decides how it is made
  for (const file of ['package-lock.json', 'bin/source-bundle.js']) {
    const stat = statSync(join(ROOT, file), { throwIfNoEntry: false });
    hash.update(`${file}\0${stat?.size}\0${stat?.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

function removeOldBundles(current) {
  const cutoff = Date.now() - KEEP_OLD_BUNDLES_MS;
  for (const name of readdirSync(BUNDLE_PARENT)) {
    if (!name.startsWith(BUNDLE_PREFIX) || name === current) continue;
    const dir = join(BUNDLE_PARENT, name);
    if ((statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < cutoff) rmSync(dir, { recursive: true, force: true });
  }
}
